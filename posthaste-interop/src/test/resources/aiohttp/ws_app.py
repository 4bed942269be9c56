"""WebSocket server for posthaste-interop's tests on aiohttp's web server (Debian's
python3-aiohttp, 3.8), with permessage-deflate accepted and the subprotocol "chat.v1". Same routes
as websockets/ws_app.py (see there); aiohttp has no API for a fragmented message, so /fragments
writes those frames itself (uncompressed, as RFC 7692 allows within a compressed session).

Run with the system interpreter:  /usr/bin/python3 ws_app.py --port 8766
"""
import argparse
import json
import struct

from aiohttp import WSMsgType, web


def frame(fin, opcode, payload):
    """One unmasked server frame of under 126 bytes."""
    return struct.pack("!BB", (0x80 if fin else 0) | opcode, len(payload)) + payload


async def handler(request):
    ws = web.WebSocketResponse(protocols=("chat.v1",), compress=True, max_msg_size=64 * 1024 * 1024)
    await ws.prepare(request)
    route = request.path
    if route == "/fragments":
        transport = request.transport
        transport.write(frame(False, 0x1, b"hello ") + frame(False, 0x0, b"fragmented ")
                        + frame(True, 0x0, b"world"))
        transport.write(frame(False, 0x2, bytes(range(0, 4))) + frame(True, 0x0, bytes(range(4, 8))))
    elif route == "/close":
        code = int(request.query["code"])
        await ws.close(code=code, message=f"bye {code}".encode())
        return ws
    elif route == "/headers":
        seen = {}
        for name, value in request.raw_headers:
            key = name.decode("latin-1").lower()
            value = value.decode("latin-1")
            seen[key] = seen[key] + ", " + value if key in seen else value
        await ws.send_str(json.dumps(seen))
    elif route == "/big":
        await ws.send_bytes(bytes(int(request.query["size"])))
    elif route != "/echo":
        await ws.close(code=4404, message=b"no such route")
        return ws
    async for message in ws:
        if message.type == WSMsgType.TEXT:
            await ws.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    web.run_app(app, host="127.0.0.1", port=parser.parse_args().port, print=None, access_log=None)


if __name__ == "__main__":
    main()
