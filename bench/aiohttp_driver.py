"""aiohttp (Debian's python3-aiohttp, run with /usr/bin/python3) in the load comparison.

Same scenarios and output fields as the Java harness (io.posthaste.bench.LoadMain), without the
JIT-quiet warm-up (CPython has no JIT) and without allocation figures. Every phase is bounded in
time and request count. Usage: aiohttp_driver.py --scenario get-c64 --base URL --out FILE ...
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time

import aiohttp

SCENARIOS = {
    "get-c1": ("get", 1), "get-c64": ("get", 64), "post-c1": ("post", 1), "post-c64": ("post", 64),
    "upload": ("upload", 1), "download": ("download", 1), "conn-1000": ("get", 1000),
}


def json_body():
    s = '{"items":['
    i = 0
    while len(s) < 960:
        s += ("," if i else "") + '{"id":%d,"ok":true}' % i
        i += 1
    s += '],"pad":"'
    s += "x" * (1024 - 2 - len(s)) + '"}'
    assert len(s) == 1024
    return s.encode()


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return None


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


async def load(session, kind, url, body, conc, seconds, max_requests):
    end = time.monotonic() + seconds
    lat = []
    stats = {"ok": 0, "failed": 0, "issued": 0, "error": None}

    async def one():
        if kind == "get":
            async with session.get(url) as r:
                await r.read()
                return r.status
        async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
            await r.read()
            return r.status

    async def worker():
        while stats["issued"] < max_requests and time.monotonic() < end:
            stats["issued"] += 1
            t0 = time.perf_counter_ns()
            try:
                status = await one()
                if status == 200:
                    stats["ok"] += 1
                else:
                    stats["failed"] += 1
                    stats["error"] = stats["error"] or "status %d" % status
            except Exception as e:  # noqa: BLE001 - every failure is counted, not raised
                stats["failed"] += 1
                stats["error"] = stats["error"] or repr(e)
            lat.append(time.perf_counter_ns() - t0)

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(conc))), seconds + 60)
    return stats, lat


async def transfer(session, kind, base, args):
    if kind == "upload":
        with open(args.upload_file, "rb") as f:
            data = aiohttp.FormData()
            data.add_field("upload_file", f, filename=os.path.basename(args.upload_file),
                           content_type="application/octet-stream")
            async with session.post(base + "/upload", data=data) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError("upload answered %d" % r.status)
        return os.path.getsize(args.upload_file)
    n = 0
    async with session.get(base + args.download_path) as r:
        with open(args.download_target, "wb") as f:
            async for chunk in r.content.iter_chunked(256 * 1024):
                f.write(chunk)
                n += len(chunk)
    if n != args.download_bytes:
        raise RuntimeError("download got %d bytes, expected %d" % (n, args.download_bytes))
    return n


async def main(args):
    kind, conc = SCENARIOS[args.scenario]
    row = {"client": "aiohttp", "library": "aiohttp %s (CPython %s)" % (aiohttp.__version__, sys.version.split()[0]),
           "scenario": args.scenario, "rep": args.rep, "jdk": None, "concurrency": conc,
           "rss_idle_mb": rss_mb(), "mode": "asyncio",
           # aiohttp's default connector allows 100 connections in total, unlimited per host.
           "pool": "TCPConnector limit raised from 100 to the concurrency" if conc > 100 else "defaults (limit 100)"}
    connector = aiohttp.TCPConnector(limit=max(100, conc))
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        if kind in ("get", "post"):
            url = args.base + ("/get" if kind == "get" else "/post")
            body = json_body()
            t = time.monotonic()
            await load(session, kind, url, body, conc, args.warmup, args.max_requests)
            row["warmup_s"] = time.monotonic() - t
            rss_before = rss_mb()
            cpu0, t0 = time.process_time(), time.monotonic()
            stats, lat = await load(session, kind, url, body, conc, args.measure, args.max_requests)
            cpu1, t1 = time.process_time(), time.monotonic()
            ok = stats["ok"]
            lat.sort()
            seconds = t1 - t0
            row.update({"requests": ok + stats["failed"], "failures": stats["failed"], "seconds": seconds,
                        "rps": ok / seconds,
                        "p50_us": lat[len(lat) // 2] / 1e3 if lat else None,
                        "p99_us": lat[min(len(lat) - 1, int(len(lat) * 0.99))] / 1e3 if lat else None,
                        "cpu_us_per_req": (cpu1 - cpu0) * 1e6 / ok if ok else None,
                        "alloc_bytes_per_req": None, "cpu_util": (cpu1 - cpu0) / seconds,
                        "rss_before_mb": rss_before, "rss_peak_mb": peak_rss_mb()})
            if stats["error"]:
                row["first_error"] = stats["error"]
        else:
            if kind == "upload":
                row["framing"] = "aiohttp FormData with an open file (multipart writer), copying"
            row["mode"] = "asyncio-sequential"
            t = time.monotonic()
            await transfer(session, kind, args.base, args)
            row["warmup_s"] = time.monotonic() - t
            rss_before = rss_mb()
            cpu0, t0 = time.process_time(), time.monotonic()
            total, done = 0, 0
            while True:
                total += await transfer(session, kind, args.base, args)
                done += 1
                if done >= args.transfers or time.monotonic() - t0 > args.measure:
                    break
            cpu1, t1 = time.process_time(), time.monotonic()
            seconds = t1 - t0
            row.update({"requests": done, "failures": 0, "seconds": seconds,
                        "bytes_per_transfer": total // done, "mb_per_s": total / 1e6 / seconds,
                        "cpu_ms_per_100mb": (cpu1 - cpu0) * 1e3 / (total / 1e8),
                        "rss_before_mb": rss_before, "rss_peak_mb": peak_rss_mb()})
    return row


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--base", default="http://127.0.0.1:18089")
    p.add_argument("--out", required=True)
    p.add_argument("--rep", type=int, default=1)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--measure", type=float, default=10)
    p.add_argument("--max-requests", type=int, default=5_000_000)
    p.add_argument("--transfers", type=int, default=3)
    p.add_argument("--upload-file", default="/tmp/posthaste-bench/upload.bin")
    p.add_argument("--download-path", default="/files/download.bin")
    p.add_argument("--download-bytes", type=int, default=-1)
    p.add_argument("--download-target", default="/tmp/posthaste-bench/download.out")
    a = p.parse_args()
    try:
        result = asyncio.run(main(a))
    except Exception as e:  # noqa: BLE001 - reported as a row, like the Java harness does
        result = {"client": "aiohttp", "scenario": a.scenario, "rep": a.rep, "error": repr(e)}
    line = json.dumps(result) + "\n"
    with open(a.out, "a") as f:
        f.write(line)
    sys.stdout.write(line)
