"""Turns the JSONL of a bench/run.sh run into Markdown tables and an SVG bar chart.

  report.py RUN.jsonl --markdown docs/BENCHMARKS.md --svg docs/benchmarks.svg
      replaces the part of BENCHMARKS.md between the bench:results markers
  report.py OLD.jsonl NEW.jsonl --merged-out latest.jsonl --markdown ...
      several runs: each scenario is taken from the last run that measured it
  report.py RUN.jsonl --check --markdown smoke.md
      smoke mode: prints 'bench-smoke: N passed, N failed' and exits 1 on any failed row
Medians with min-max over repetitions; rows that were skipped or failed are listed, not averaged.
"""
import argparse
import html
import json
import os
import platform
import statistics
import subprocess
import sys

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
REQUEST_SCENARIOS = ["get-c1", "get-c1-blocking", "get-c64", "get-c64-vt", "post-c1", "post-c1-blocking", "post-c64",
                     "post-c64-vt", "conn-1000",
                     # WebSocket echo of 1 KiB messages: a "request" is one message there and back.
                     "ws-echo-c1", "ws-echo-c16",
                     # HTTP/2 over cleartext (h2c, nginx): 64 streams on one connection.
                     "h2-get-c64", "h2-post-c64",
                     # The small GET at c=64 through a local HTTP forwarding proxy (squid).
                     "proxy-get-c64",
                     # The three HTTP versions against one server (caddy, TLS / QUIC).
                     "tls-h1-get-c64", "tls-h2-get-c64", "h3-get-c64"]
# One request at a time, whichever API (async or blocking on one platform thread) a client does it cheapest with.
ONE_AT_A_TIME = {"get-c1 (best API)": ("get-c1", "get-c1-blocking"), "post-c1 (best API)": ("post-c1", "post-c1-blocking")}
TRANSFER_SCENARIOS = ["upload", "download", "h2-upload", "tls-h1-download", "tls-h2-download", "h3-download"]
# One server (caddy), three versions: (label, GET scenario, download scenario) per version.
VERSIONS = [("HTTP/1.1 over TLS", "tls-h1-get-c64", "tls-h1-download"),
            ("HTTP/2 over TLS", "tls-h2-get-c64", "tls-h2-download"),
            ("HTTP/3 over QUIC", "h3-get-c64", "h3-download")]
NOT_JAVA_PEERS = {"noop", "wrk", "aiohttp", "h2load", "posthaste", "posthaste-nio"}
ORDER = ["posthaste", "posthaste-nio", "jdk", "okhttp", "apache-async", "apache-classic", "jetty", "reactor-netty", "vertx",
         "ahc", "methanol", "helidon", "aiohttp", "wrk", "noop"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def merge(paths):
    """Rows of several runs: a later run replaces every row of each scenario it measured, so each
    scenario's clients still come from one run. Each row keeps the file it came from in "run"."""
    by_scenario = {}
    for path in paths:
        rows = load(path)
        for r in rows:
            r.setdefault("run", os.path.basename(path))
        for sc in {r.get("scenario") for r in rows}:
            by_scenario[sc] = [r for r in rows if r.get("scenario") == sc]
    return [r for sc in by_scenario for r in by_scenario[sc]]


def sources(rows):
    """'run file: scenarios' lines, when the rows come from more than one run."""
    runs = {}
    for r in rows:
        runs.setdefault(r.get("run"), set()).add(r.get("scenario"))
    if len(runs) < 2:
        return []
    return ["Scenarios by run (each scenario's clients were measured in one run):", ""] + [
        "- `%s`: %s" % (run, ", ".join(sorted(scs))) for run, scs in sorted(runs.items(), key=lambda kv: str(kv[0]))] + [""]


def good(r):
    return not r.get("error") and not r.get("skipped") and r.get("requests")


def stat(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(s, digits=1, spread=True):
    if s is None:
        return "–"
    med, lo, hi = s
    f = "{:,.%df}" % digits
    if not spread or lo == hi:
        return f.format(med)
    return "%s (%s–%s)" % (f.format(med), f.format(lo), f.format(hi))


def by_client(rows, scenario):
    out = {}
    for r in rows:
        if r.get("scenario") == scenario:
            out.setdefault(r["client"], []).append(r)
    return dict(sorted(out.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else 99))


def request_table(rows, sc):
    groups = by_client(rows, sc)
    if not groups:
        return []
    out = ["", "#### %s" % sc, "",
           "| client | CPU µs/req | bytes alloc/req | req/s | p50 µs | p99 µs | failures | peak RSS MB | mode | JDK |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for client, rs in groups.items():
        ok = [r for r in rs if good(r)]
        if not ok:
            why = "; ".join(sorted({str(r.get("error") or r.get("skipped")) for r in rs}))
            out.append("| %s | – | – | – | – | – | – | – | %s | |" % (client, html.escape(why)[:80]))
            continue
        fails = sum(r.get("failures", 0) for r in ok)
        out.append("| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |" % (
            client, fmt(stat(ok, "cpu_us_per_req")), fmt(stat(ok, "alloc_bytes_per_req"), 0),
            fmt(stat(ok, "rps"), 0), fmt(stat(ok, "p50_us"), 0, False), fmt(stat(ok, "p99_us"), 0, False),
            fails, fmt(stat(ok, "rss_peak_mb"), 0, False), ok[0].get("mode", ""), ok[0].get("jdk") or ""))
    return out


def transfer_table(rows, sc):
    groups = by_client(rows, sc)
    if not groups:
        return []
    out = ["", "#### %s" % sc, "",
           "| client | CPU ms/100 MB | MB/s | bytes alloc/MB | RSS growth MB | peak RSS MB |" + (" framing |" if sc == "upload" else ""),
           "|---|---:|---:|---:|---:|---:|" + ("---|" if sc == "upload" else "")]
    for client, rs in groups.items():
        ok = [r for r in rs if good(r)]
        if not ok:
            why = "; ".join(sorted({str(r.get("error") or r.get("skipped")) for r in rs}))
            out.append("| %s | – | – | – | – | – |%s" % (client, (" %s |" % html.escape(why)[:80])))
            continue
        line = "| %s | %s | %s | %s | %s | %s |" % (
            client, fmt(stat(ok, "cpu_ms_per_100mb")), fmt(stat(ok, "mb_per_s"), 0),
            fmt(stat(ok, "alloc_bytes_per_mb"), 0, False), fmt(stat(ok, "rss_growth_mb"), 0, False),
            fmt(stat(ok, "rss_peak_mb"), 0, False))
        if sc == "upload":
            line += " %s |" % ok[0].get("framing", "")
        out.append(line)
    return out


def medians(rows, scenarios):
    """client -> (cpu stat, alloc stat, scenario) for the scenario of `scenarios` with the client's lowest CPU."""
    out = {}
    for sc in scenarios:
        for c, rs in by_client(rows, sc).items():
            ok = [r for r in rs if good(r)]
            cpu = stat(ok, "cpu_us_per_req")
            if cpu is not None and (c not in out or cpu[0] < out[c][0][0]):
                out[c] = (cpu, stat(ok, "alloc_bytes_per_req"), sc)
    return out


def ratios(rows):
    out = ["", "#### Posthaste against the best Java peer (medians; each scenario from one run)", "",
           "| scenario | Posthaste CPU µs/req | best peer (CPU) | ratio | Posthaste bytes/req | best peer (bytes) | ratio |",
           "|---|---:|---|---:|---:|---|---:|"]
    any_row = False
    rows_by_label = [(sc, (sc,)) for sc in REQUEST_SCENARIOS] + list(ONE_AT_A_TIME.items())
    for label, scenarios in rows_by_label:
        med = medians(rows, scenarios)
        if "posthaste" not in med:
            continue
        peers = {c: v for c, v in med.items() if c not in NOT_JAVA_PEERS}
        if not peers:
            continue
        bc = min(peers, key=lambda c: peers[c][0][0])
        ba = min(peers, key=lambda c: peers[c][1][0] if peers[c][1] else float("inf"))
        p_cpu, p_alloc = med["posthaste"][0][0], med["posthaste"][1][0] if med["posthaste"][1] else None
        which = (lambda c: " (%s)" % med[c][2]) if len(scenarios) > 1 else (lambda c: "")
        out.append("| %s | %.1f%s | %s %.1f%s | %.2f× | %s | %s %s | %s |" % (
            label, p_cpu, which("posthaste"), bc, peers[bc][0][0], which(bc), p_cpu / peers[bc][0][0],
            "%.0f" % p_alloc if p_alloc is not None else "–", ba,
            "%.0f" % peers[ba][1][0] if peers[ba][1] else "–",
            "%.2f×" % (p_alloc / peers[ba][1][0]) if p_alloc is not None and peers[ba][1] else "–"))
        any_row = True
    return out if any_row else []


def transfer_ratios(rows):
    """Upload CPU per 100 MB against OkHttp, the zero-copy peer (AHC) and the cheapest Java peer."""
    med = {}
    for c, rs in by_client(rows, "upload").items():
        cpu = stat([r for r in rs if good(r)], "cpu_ms_per_100mb")
        if cpu is not None:
            med[c] = cpu[0]
    if "posthaste" not in med:
        return []
    p = med["posthaste"]
    peers = {c: v for c, v in med.items() if c not in NOT_JAVA_PEERS}
    out = ["", "Upload, client CPU ms per 100 MB (medians): Posthaste %.1f" % p]
    for label, c in (("OkHttp", "okhttp"), ("AHC, zero-copy", "ahc")):
        if c in med:
            out[-1] += "; %s %.1f (%.2f×)" % (label, med[c], p / med[c])
    if peers:
        best = min(peers, key=peers.get)
        out[-1] += "; cheapest Java peer %s %.1f (%.2f×)" % (best, peers[best], p / peers[best])
    out[-1] += "."
    return out


def versions_table(rows):
    """Each client's cost per HTTP version against caddy: GET at c=64 and the large download."""
    clients = []
    for _, get, dl in VERSIONS:
        for c in list(by_client(rows, get)) + list(by_client(rows, dl)):
            if c not in clients:
                clients.append(c)
    if not clients:
        return []
    out = ["", "#### HTTP/1.1, HTTP/2 and HTTP/3 against one server (caddy)", "",
           "GET c=64: CPU µs/req and bytes/req; download: CPU ms/100 MB and MB/s (medians).", "",
           "| client | " + " | ".join("%s GET | %s download" % (v, v) for v, _, _ in VERSIONS) + " |",
           "|---|" + "---:|---:|" * len(VERSIONS)]
    for c in sorted(clients, key=lambda c: ORDER.index(c) if c in ORDER else 99):
        cells = []
        for _, get, dl in VERSIONS:
            g = [r for r in by_client(rows, get).get(c, []) if good(r)]
            d = [r for r in by_client(rows, dl).get(c, []) if good(r)]
            cpu, alloc = stat(g, "cpu_us_per_req"), stat(g, "alloc_bytes_per_req")
            dcpu, mbs = stat(d, "cpu_ms_per_100mb"), stat(d, "mb_per_s")
            cells.append("%.1f µs, %.0f B" % (cpu[0], alloc[0]) if cpu and alloc else "–")
            cells.append("%.1f ms, %.0f MB/s" % (dcpu[0], mbs[0]) if dcpu and mbs else "–")
        out.append("| %s | %s |" % (c, " | ".join(cells)))
    return out


def machine():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:  # noqa: BLE001 - best effort description
            return "?"
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return ("%s; %s cores; %s; %s; nginx %s" % (
        cpu or platform.processor(), os.cpu_count(), platform.platform(),
        sh("/usr/lib/jvm/java-17-openjdk-amd64/bin/java -version 2>&1 | head -1") + " / "
        + sh("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version 2>&1 | head -1"),
        sh("/usr/sbin/nginx -v 2>&1 | cut -d/ -f2")))


def svg(rows, path):
    """Horizontal bars: CPU µs/request per client for each request scenario, then upload CPU ms/100 MB."""
    panels = []
    for sc in REQUEST_SCENARIOS + ["upload", "download"]:
        key = "cpu_us_per_req" if sc in REQUEST_SCENARIOS else "cpu_ms_per_100mb"
        bars = []
        for client, rs in by_client(rows, sc).items():
            s = stat([r for r in rs if good(r)], key)
            if s and client != "noop":
                bars.append((client, s))
        if bars:
            unit = "CPU µs per request" if key == "cpu_us_per_req" else "CPU ms per 100 MB"
            panels.append((sc, unit, bars))
    width, left, bar_h, gap = 760, 130, 14, 4
    y, parts = 30, []
    for sc, unit, bars in panels:
        top = max(s[2] for _, s in bars) or 1
        scale = (width - left - 150) / top
        parts.append('<text x="10" y="%d" font-weight="bold">%s — %s (median, whisker min–max)</text>' % (y, sc, unit))
        y += 10
        for client, (med, lo, hi) in bars:
            color = "#d62728" if client in ("posthaste", "posthaste-nio") else ("#7f7f7f" if client in ("wrk", "aiohttp") else "#1f77b4")
            parts.append('<text x="%d" y="%d" text-anchor="end" font-size="11">%s</text>' % (left - 6, y + 11, client))
            parts.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, med * scale, bar_h, color))
            parts.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (
                left + lo * scale, left + hi * scale, y + bar_h // 2, y + bar_h // 2))
            parts.append('<text x="%.1f" y="%d" font-size="11">%.1f</text>' % (left + hi * scale + 4, y + 11, med))
            y += bar_h + gap
        y += 24
    doc = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           '<rect width="100%%" height="100%%" fill="white"/>%s</svg>\n' % (width, y, "".join(parts)))
    with open(path, "w") as f:
        f.write(doc)


def render(rows, profile, svg_name):
    reps = max((r.get("rep", 1) for r in rows), default=1)
    lines = [START, "", "_Generated by `bench/report.py` from `bench/results/latest.jsonl` (profile `%s`, %d repetition%s)._" % (
        profile, reps, "" if reps == 1 else "s"), "", "Machine: " + machine(), ""] + sources(rows)
    if svg_name:
        lines += ["![CPU per request and per 100 MB, per client](%s)" % svg_name, ""]
    lines += ["Cells are `median (min–max)` over repetitions; latency and RSS are medians.", ""]
    lines += ratios(rows)
    lines += transfer_ratios(rows)
    lines += versions_table(rows)
    lines += ["", "### Requests"]
    for sc in REQUEST_SCENARIOS:
        lines += request_table(rows, sc)
    lines += ["", "### Transfers"]
    for sc in TRANSFER_SCENARIOS:
        lines += transfer_table(rows, sc)
    lines += ["", END]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("jsonl", nargs="+", help="one run, or several: a later run's scenarios replace an earlier's")
    p.add_argument("--merged-out", help="also write the merged rows here (JSONL)")
    p.add_argument("--markdown")
    p.add_argument("--svg")
    p.add_argument("--profile", default="smoke")
    p.add_argument("--check", action="store_true")
    p.add_argument("--expect", type=int, default=0, help="runs started; fewer rows means a run left none")
    a = p.parse_args()
    rows = merge(a.jsonl)
    if a.merged_out:
        with open(a.merged_out, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)
    if a.svg:
        svg(rows, a.svg)
    block = render(rows, a.profile, os.path.basename(a.svg) if a.svg else None)
    if a.markdown:
        text = open(a.markdown).read() if os.path.exists(a.markdown) else ""
        if START in text and END in text:
            text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
        else:
            text = text + "\n" + block + "\n"
        with open(a.markdown, "w") as f:
            f.write(text)
    if a.check:
        bad = [r for r in rows if r.get("error") or r.get("failures") or (not r.get("skipped") and not r.get("requests"))]
        for r in bad:
            print("bench-smoke: FAILED %s %s: %s" % (r.get("client"), r.get("scenario"),
                                                     r.get("error") or r.get("first_error") or "no requests"))
        missing = max(0, a.expect - len(rows))
        if missing:
            print("bench-smoke: FAILED %d run(s) wrote no result row" % missing)
        print("bench-smoke: %d passed, %d failed" % (len(rows) - len(bad), len(bad) + missing))
        sys.exit(1 if bad or missing else 0)


if __name__ == "__main__":
    main()
