#!/usr/bin/env bash
# Installs the real servers posthaste-interop's tests run against: nginx, httpbin under gunicorn,
# aiohttp's web server (HTTP and WebSocket), the websockets library's server (python3-websockets,
# also behind nginx), for HTTP/2 nghttpd (nghttp2-server), hypercorn (python3-hypercorn) and h2load
# (nghttp2-client, the benchmarks' practical limit for HTTP/2), for HTTP/3 caddy (bookworm's 2.6.2
# serves h3 over UDP beside h1/h2 on its TLS listener), and for the proxy tests squid (an HTTP
# proxy, Basic auth by its basic_ncsa_auth helper; openssl hashes the password), nginx's stream
# module (libnginx-mod-stream: TLS in front of squid, making it an HTTPS proxy, which Debian's
# squid cannot be alone) and microsocks (a SOCKS5 proxy with a user and password on its command
# line; dante would check SOCKS passwords against system accounts). Debian's Python packages
# target /usr/bin/python3 (not a pyenv or venv python), which is why the tests call
# /usr/bin/python3, /usr/bin/gunicorn and /usr/bin/hypercorn by full path.
# Run as root, e.g. from .ci/run:  bash posthaste-interop/install-servers.sh
set -euo pipefail

have_all() {
  [ -x /usr/sbin/nginx ] && [ -x /usr/bin/gunicorn ] && [ -x /usr/bin/python3 ] \
    && [ -x /usr/sbin/nghttpd ] && [ -x /usr/bin/h2load ] && [ -x /usr/bin/hypercorn ] \
    && [ -x /usr/sbin/squid ] && [ -x /usr/bin/microsocks ] && [ -x /usr/bin/openssl ] \
    && [ -x /usr/bin/caddy ] && [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] \
    && /usr/bin/python3 -c 'import httpbin, aiohttp, brotli, hypercorn, websockets' >/dev/null 2>&1
}

if have_all; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "nginx, its stream module, gunicorn, python3-httpbin, python3-aiohttp, python3-websockets," \
       "nghttp2, hypercorn, squid, microsocks or caddy is missing; run this script as root (or:" \
       "sudo apt-get install nginx libnginx-mod-stream gunicorn python3-httpbin python3-aiohttp" \
       "python3-brotli python3-websockets nghttp2-server nghttp2-client python3-hypercorn squid" \
       "microsocks openssl caddy)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  nginx libnginx-mod-stream gunicorn python3-httpbin python3-aiohttp python3-brotli \
  python3-websockets nghttp2-server nghttp2-client python3-hypercorn squid microsocks openssl \
  caddy >/dev/null
# Debian starts nginx, squid and caddy as services on install; the tests run their own instances
# on free ports, in the foreground, with configs under target/interop.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now nginx >/dev/null 2>&1 || true
  systemctl disable --now squid >/dev/null 2>&1 || true
  systemctl disable --now caddy >/dev/null 2>&1 || true
fi
have_all
dpkg-query -W -f '${Package} ${Version}\n' nginx libnginx-mod-stream gunicorn python3-httpbin \
  python3-aiohttp python3-websockets nghttp2-server nghttp2-client python3-hypercorn squid microsocks caddy
