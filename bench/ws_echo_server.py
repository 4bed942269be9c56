"""The WebSocket echo server of bench/run.sh's ws-echo-* scenarios: the `websockets` library
(Debian's python3-websockets) echoing every message on /echo, permessage-deflate off (the JDK's
client cannot negotiate it, so no peer compresses), no keep-alive pings, messages up to 1 MiB.
run.sh pins it to CPU 0 like nginx; a client faster than it finds the server's limit, which the
report states next to the client's own CPU per message (the figure that compares clients).

    /usr/bin/python3 bench/ws_echo_server.py --port 18091
"""
import argparse
import asyncio

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main(port):
    async with websockets.serve(echo, "127.0.0.1", port, compression=None, ping_interval=None,
                                max_size=1 << 20, max_queue=64):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
