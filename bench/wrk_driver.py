"""wrk (Debian) as the practical limit: same GET/POST scenarios, one wrk thread on CPU 1.

Runs a short warm-up, then the measured run, and reads wrk's CPU time from getrusage(CHILDREN).
wrk keeps exactly `concurrency` connections open, each with one request in flight.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

SCENARIOS = {"get-c1": ("get", 1), "get-c64": ("get", 64), "post-c1": ("post", 1),
             "post-c64": ("post", 64), "conn-1000": ("get", 1000)}
UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6}


def lua_post(path):
    sys.path.insert(0, os.path.dirname(__file__))
    from aiohttp_driver import json_body  # noqa: E402 - same 1 KiB document as every client
    body = json_body().decode().replace("\\", "\\\\").replace('"', '\\"')
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = "%s"\nwrk.headers["Content-Type"] = "application/json"\n' % body)


def run(args, url, conc, seconds, script):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c%d" % conc, "-d%ds" % max(1, round(seconds)), "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return out, cpu


def lat(out, pct):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % pct, out, re.M)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def main(a):
    kind, conc = SCENARIOS[a.scenario]
    script = None
    if kind == "post":
        script = os.path.join(tempfile.gettempdir(), "posthaste-bench-post.lua")
        lua_post(script)
    url = a.base + ("/get" if kind == "get" else "/post")
    run(a, url, conc, a.warmup, script)
    out, cpu = run(a, url, conc, a.measure, script)
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    n = int(m.group(1))
    seconds = float(m.group(2)) * {"s": 1, "ms": 1e-3, "m": 60}[m.group(3)]
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failures = errors + (int(non2xx.group(1)) if non2xx else 0)
    ok = max(0, n - failures)
    return {"client": "wrk", "library": "wrk 4.1.0 (C, 1 thread)", "scenario": a.scenario, "rep": a.rep,
            "jdk": None, "concurrency": conc, "mode": "event loop", "pool": "exactly `concurrency` connections",
            "requests": n, "failures": failures, "seconds": seconds, "rps": ok / seconds,
            "p50_us": lat(out, 50), "p99_us": lat(out, 99),
            "cpu_us_per_req": cpu * 1e6 / ok if ok else None, "alloc_bytes_per_req": None,
            "cpu_util": cpu / seconds,
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--base", default="http://127.0.0.1:18089")
    p.add_argument("--out", required=True)
    p.add_argument("--rep", type=int, default=1)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--measure", type=float, default=10)
    a = p.parse_args()
    try:
        result = main(a)
    except Exception as e:  # noqa: BLE001 - reported as a row
        result = {"client": "wrk", "scenario": a.scenario, "rep": a.rep, "error": repr(e)}
    line = json.dumps(result) + "\n"
    with open(a.out, "a") as f:
        f.write(line)
    sys.stdout.write(line)
