"""ASGI echo app for posthaste-interop's HTTP/2 tests, served by hypercorn (Debian's
python3-hypercorn) directly over h2 and h2c, and by nginx (HTTP/2 in front, HTTP/1.1 to this app).

It answers the httpbin routes the blog's five examples use (/post, /headers, /status/<code>) in
httpbin's shape, with one addition: "http_version", the version the ASGI server saw, so a test can
prove the request really travelled over HTTP/2. Two more routes stream: /download?bytes=N&seed=S
sends N seeded bytes in 64 KiB pieces (digest in X-Content-SHA256 ahead of them) and /upload reads
the request body piece by piece and answers with its size and SHA-256. No third-party packages.

Run with the system interpreter, e.g.:
    /usr/bin/hypercorn --insecure-bind 127.0.0.1:8080 echo_asgi:app   (from this directory)
"""
import base64
import email.parser
import email.policy
import hashlib
import json
import random
import urllib.parse

CHUNK = 64 * 1024


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    if path == "/download":
        await download(scope, send)
    elif path == "/upload":
        await upload(scope, receive, send)
    elif path == "/headers":
        await respond(send, 200, {"headers": headers_of(scope), "http_version": scope["http_version"]})
    elif path in ("/get", "/post", "/anything"):
        await respond(send, 200, echo(scope, await read_body(receive)))
    elif path.startswith("/status/"):
        await read_body(receive)
        await respond(send, int(path[len("/status/"):]), None)
    else:
        await respond(send, 404, {"error": "no route " + path})


async def read_body(receive):
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


def headers_of(scope):
    """Header names title-cased as httpbin shows them (HTTP/2 sends them in lower case)."""
    seen = {}
    for name, value in scope["headers"]:
        title = "-".join(word.capitalize() for word in name.decode("latin-1").split("-"))
        value = value.decode("latin-1")
        seen[title] = seen[title] + "," + value if title in seen else value
    return seen


def echo(scope, body):
    headers = headers_of(scope)
    content_type = headers.get("Content-Type", "")
    result = {
        "args": dict(urllib.parse.parse_qsl(scope["query_string"].decode("latin-1"))),
        "data": "",
        "files": {},
        "form": {},
        "headers": headers,
        "json": None,
        "method": scope["method"],
        "http_version": scope["http_version"],
        "body_bytes": len(body),
    }
    if content_type.startswith("application/x-www-form-urlencoded"):
        result["form"] = dict(urllib.parse.parse_qsl(body.decode("utf-8")))
    elif content_type.startswith("multipart/form-data"):
        form, files = multipart(content_type, body)
        result["form"], result["files"] = form, files
    else:
        result["data"] = body.decode("utf-8", errors="replace")
        if content_type.startswith("application/json"):
            result["json"] = json.loads(body)
    return result


def multipart(content_type, body):
    """Splits multipart/form-data with the standard library's MIME parser; files become data: URLs
    as httpbin shows them."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    form, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = "data:" + part.get_content_type() + ";base64," + base64.b64encode(data).decode("ascii")
        else:
            form[name] = data.decode("utf-8")
    return form, files


async def download(scope, send):
    query = dict(urllib.parse.parse_qsl(scope["query_string"].decode("latin-1")))
    size = int(query.get("bytes", "1048576"))
    data = random.Random(int(query.get("seed", "1"))).randbytes(size)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/octet-stream"),
        (b"x-content-sha256", hashlib.sha256(data).hexdigest().encode("ascii")),
    ]})
    for offset in range(0, size, CHUNK):
        await send({"type": "http.response.body", "body": data[offset:offset + CHUNK], "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def upload(scope, receive, send):
    digest = hashlib.sha256()
    size = 0
    while True:
        message = await receive()
        piece = message.get("body", b"")
        digest.update(piece)
        size += len(piece)
        if not message.get("more_body", False):
            break
    length = headers_of(scope).get("Content-Length")
    await respond(send, 200, {
        "bytes": size,
        "sha256": digest.hexdigest(),
        "content_length": int(length) if length is not None else None,
        "http_version": scope["http_version"],
    })


async def respond(send, status, value):
    body = json.dumps(value).encode("utf-8") if value is not None else b""
    headers = [(b"content-length", str(len(body)).encode("ascii"))]
    if value is not None:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
