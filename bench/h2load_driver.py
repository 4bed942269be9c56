"""h2load (Debian's nghttp2-client) as the practical limit for HTTP/2: the h2-get-c64 and
h2-post-c64 scenarios as one h2c connection (prior knowledge) with 64 concurrent streams, one
h2load thread on CPU 1.

Runs h2load's own warm-up then the measured duration, and reads h2load's CPU time from
getrusage(CHILDREN), as wrk_driver.py does for wrk.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

SCENARIOS = {"h2-get-c64": ("get", 64), "h2-post-c64": ("post", 64)}


def post_file():
    sys.path.insert(0, os.path.dirname(__file__))
    from aiohttp_driver import json_body  # noqa: E402 - same 1 KiB document as every client
    path = os.path.join(tempfile.gettempdir(), "posthaste-bench-h2-post.json")
    with open(path, "wb") as f:
        f.write(json_body())
    return path


def version():
    out = subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"nghttp2/([\d.]+)", out)
    return m.group(1) if m else "?"


def main(a):
    kind, streams = SCENARIOS[a.scenario]
    url = a.base + ("/get" if kind == "get" else "/post")
    cmd = ["taskset", "-c", "1", "h2load", "-t1", "-c1", "-m%d" % streams,
           "--warm-up-time=%ds" % max(1, round(a.warmup)), "-D%d" % max(1, round(a.measure))]
    if kind == "post":
        cmd += ["-d", post_file(), "-H", "Content-Type: application/json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=a.warmup + a.measure + 60).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Warm-up included: h2load reports no CPU split, so this slightly overstates its CPU/request.
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    m = re.search(r"finished in ([\d.]+)(s|ms), ([\d.]+) req/s", out)
    seconds = float(m.group(1)) * (1e-3 if m.group(2) == "ms" else 1)
    req = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                    out)
    n, ok = int(req.group(3)), int(req.group(4))
    lat = re.search(r"time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", out)
    units = {"us": 1.0, "ms": 1e3, "s": 1e6}
    total = ok * (a.warmup + a.measure) / a.measure if a.measure else ok
    return {"client": "h2load", "library": "h2load (nghttp2 %s, C, 1 thread)" % version(), "scenario": a.scenario,
            "rep": a.rep, "jdk": None, "concurrency": streams, "protocol": "h2c", "mode": "event loop",
            "pool": "1 connection, %d streams" % streams,
            "requests": n, "failures": n - ok, "seconds": seconds, "rps": ok / seconds,
            "p50_us": None, "p99_us": None,
            "mean_us": float(lat.group(3)) * units[lat.group(4)] if lat else None,
            "cpu_us_per_req": cpu * 1e6 / total if ok else None, "alloc_bytes_per_req": None,
            "cpu_util": cpu / (a.warmup + a.measure),
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--base", default="http://127.0.0.1:18090")
    p.add_argument("--out", required=True)
    p.add_argument("--rep", type=int, default=1)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--measure", type=float, default=10)
    a = p.parse_args()
    try:
        result = main(a)
    except Exception as e:  # noqa: BLE001 - reported as a row
        result = {"client": "h2load", "scenario": a.scenario, "rep": a.rep, "error": repr(e)}
    line = json.dumps(result) + "\n"
    with open(a.out, "a") as f:
        f.write(line)
    sys.stdout.write(line)
