"""aiohttp 3.8 web server for posthaste-interop's AiohttpServerTest.

Every route answers with what aiohttp itself saw or did, so the Java tests can compare it with
what the client sent or received: parsed JSON, multipart parts as aiohttp's own parser split them
(sizes and SHA-256), raw upload digests, compressed and chunked downloads, the peer's port (to
show connection reuse), and deliberately broken answers.

Run with the system interpreter (Debian's python3-aiohttp):
    /usr/bin/python3 interop_app.py --port 8080
"""
import argparse
import asyncio
import hashlib
import random

from aiohttp import web

CHUNK = 64 * 1024


async def echo_json(request):
    body = await request.json()
    return web.json_response({
        "json": body,
        "content_type": request.headers.get("Content-Type"),
        "content_length": request.content_length,
        "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
    })


async def multipart(request):
    reader = await request.multipart()
    parts = []
    while True:
        part = await reader.next()
        if part is None:
            break
        digest = hashlib.sha256()
        size = 0
        while True:
            chunk = await part.read_chunk(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
        parts.append({
            "name": part.name,
            "filename": part.filename,
            "content_type": part.headers.get("Content-Type"),
            "bytes": size,
            "sha256": digest.hexdigest(),
        })
    return web.json_response({
        "parts": parts,
        "content_length": request.content_length,
        "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
    })


async def upload(request):
    digest = hashlib.sha256()
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return web.json_response({
        "bytes": size,
        "sha256": digest.hexdigest(),
        "content_length": request.content_length,
        "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
    })


def seeded_bytes(size, seed):
    return random.Random(seed).randbytes(size)


async def download(request):
    """Chunked (no Content-Length); the digest goes ahead in a header so the client can check."""
    size = int(request.query.get("bytes", "1048576"))
    data = seeded_bytes(size, int(request.query.get("seed", "1")))
    response = web.StreamResponse(headers={
        "Content-Type": "application/octet-stream",
        "X-Content-SHA256": hashlib.sha256(data).hexdigest(),
    })
    response.enable_chunked_encoding()
    await response.prepare(request)
    for offset in range(0, size, CHUNK):
        await response.write(data[offset:offset + CHUNK])
    await response.write_eof()
    return response


TEXT = "Posthaste meets aiohttp: \u00e9t\u00e9, \u0441\u0435\u0441\u0441\u0438\u044f, \u65e5\u672c. " * 2000


async def compressed(request):
    coding = {"gzip": web.ContentCoding.gzip, "deflate": web.ContentCoding.deflate}[request.query["coding"]]
    response = web.Response(text=TEXT, headers={"X-Accept-Encoding-Seen": request.headers.get("Accept-Encoding", "")})
    response.enable_compression(coding)
    return response


async def text(request):
    charset = request.query.get("charset", "utf-8")
    return web.Response(body=TEXT.encode(charset, errors="replace"), content_type="text/plain", charset=charset)


async def slow(request):
    await asyncio.sleep(float(request.query.get("seconds", "2")))
    return web.json_response({"slept": True})


async def peer(request):
    host, port = request.transport.get_extra_info("peername")[:2]
    return web.json_response({"host": host, "port": port})


async def truncated(request):
    """Promises more than it sends, then drops the connection."""
    response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    if request.query.get("framing") == "chunked":
        response.enable_chunked_encoding()
    else:
        response.content_length = 1024 * 1024
    await response.prepare(request)
    await response.write(b"x" * (100 * 1024))
    request.transport.close()
    return response


async def events(request):
    """Server-Sent Events that drop the connection after every third event.

    Event ids run 1..9; each reconnect must carry the last id seen in Last-Event-ID, and the feed
    resumes after it (an id it does not know starts over, which the test would see). The first
    answer asks for a 50 ms reconnect delay with a retry: field. After id 9 the feed answers 204:
    no more events, so a well-behaved client stops.
    """
    last = request.headers.get("Last-Event-ID")
    start = int(last) + 1 if last and last.isdigit() else 1
    if start > 9:
        return web.Response(status=204)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    if start == 1:
        await response.write(b"retry: 50\n\n")
    for n in range(start, min(start + 3, 10)):
        data = "event %d\nline two of %d" % (n, n)
        lines = "".join("data: %s\n" % line for line in data.split("\n"))
        await response.write(("id: %d\nevent: tick\n%s\n" % (n, lines)).encode())
        await asyncio.sleep(0.01)
    request.transport.close()  # Dropped mid-feed: no chunked terminator, as a crashed proxy would.
    return response


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.add_routes([
        web.post("/json", echo_json),
        web.post("/multipart", multipart),
        web.post("/upload", upload),
        web.put("/upload", upload),
        web.get("/download", download),
        web.get("/compressed", compressed),
        web.get("/text", text),
        web.get("/slow", slow),
        web.get("/peer", peer),
        web.get("/truncated", truncated),
        web.get("/events", events),
    ])
    web.run_app(app, host="127.0.0.1", port=args.port, print=print)


if __name__ == "__main__":
    main()
