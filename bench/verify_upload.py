"""Checks that nginx's /upload answers only after the whole body arrived.

Sends the head and half of a 2 MiB body, expects silence for a while, sends the rest and expects
a 200. Exit 0 when the server behaves, 1 otherwise. Loopback only.
"""
import socket
import sys

port = int(sys.argv[1])
wait = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
size = 2 * 1024 * 1024
body = b"x" * size
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
          b"Content-Length: %d\r\nConnection: close\r\n\r\n" % size)
s.sendall(body[: size // 2])
s.settimeout(wait)
try:
    early = s.recv(1)
    print("verify_upload: FAIL: server answered before the body was complete: %r" % early)
    sys.exit(1)
except socket.timeout:
    pass
s.settimeout(10)
s.sendall(body[size // 2:])
answer = s.recv(4096)
if not answer.startswith(b"HTTP/1.1 200"):
    print("verify_upload: FAIL: unexpected answer %r" % answer[:80])
    sys.exit(1)
print("verify_upload: ok (no answer after half the body for %.1f s; 200 after the last byte)" % wait)
