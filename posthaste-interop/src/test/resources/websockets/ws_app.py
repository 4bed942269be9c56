"""WebSocket server for posthaste-interop's tests on the `websockets` library (Debian's
python3-websockets, 10.x), with permessage-deflate on (the library's default) and the subprotocol
"chat.v1" accepted. The routes are the same as aiohttp/ws_app.py's, so one contract tests both:

  /echo          echoes every text and binary message
  /fragments     sends "hello fragmented world" as three compressed fragments and the bytes
                 0..7 as two binary fragments, then echoes
  /close?code=N  closes at once with code N and the reason "bye N"
  /headers       sends the handshake's request headers as one JSON text message (names in lower
                 case, values of repeated names joined with ", "), then echoes
  /big?size=N    sends one binary message of N zero bytes in one frame, then echoes

Run with the system interpreter:  /usr/bin/python3 ws_app.py --port 8765
"""
import argparse
import asyncio
import json
import urllib.parse

import websockets


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def handler(ws, path=None):
    url = urllib.parse.urlsplit(path if path is not None else ws.path)
    query = urllib.parse.parse_qs(url.query)
    if url.path == "/fragments":
        await ws.send(["hello ", "fragmented ", "world"])
        await ws.send([bytes(range(0, 4)), bytes(range(4, 8))])
    elif url.path == "/close":
        code = int(query["code"][0])
        await ws.close(code=code, reason=f"bye {code}")
        return
    elif url.path == "/headers":
        seen = {}
        for name, value in ws.request_headers.raw_items():
            key = name.lower()
            seen[key] = seen[key] + ", " + value if key in seen else value
        await ws.send(json.dumps(seen))
    elif url.path == "/big":
        await ws.send(bytes(int(query["size"][0])))
    elif url.path != "/echo":
        await ws.close(code=4404, reason="no such route")
        return
    await echo(ws)


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, subprotocols=["chat.v1"],
                                max_size=64 * 1024 * 1024, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
