#!/usr/bin/env bash
# Side-by-side load comparison of Posthaste and its peers against nginx on loopback.
#
#   bench/run.sh                 all clients and scenarios, 3 repetitions (long: about 1-2 hours)
#   bench/run.sh --quick         all clients and scenarios, 1 repetition, shorter phases
#   bench/run.sh --smoke         compile everything, a few seconds per scenario with 2 clients (CI)
#   options: --clients a,b  --scenarios x,y  --reps N  --no-build  --jdk25-all  --port P
#            --transport native|nio|both   Posthaste on its native transport (default: epoll here),
#                 on NIO (-Dio.netty.transport.noNative=true, recorded as client posthaste-nio,
#                 as on Windows or without the natives), or both, side by side in one run
#
# The ws-echo-* scenarios echo 1 KiB WebSocket text messages (1 or 16 in flight on one connection)
# through bench/ws_echo_server.py (python3-websockets) on port P+2, pinned to CPU 0 like nginx;
# posthaste, jdk, okhttp and jetty have a WebSocket driver; the others are not run there.
# The proxy-get-c64 scenario sends the small GET at c=64 through squid (port P+3, CPU 0, a plain
# forwarding proxy with no cache); drivers that set a proxy (posthaste, okhttp, apache-async) run.
# The tls-h1-*, tls-h2-* and h3-* scenarios compare the three HTTP versions against one server:
# caddy (port P+4, TLS on TCP and QUIC on UDP, CPU 0) with a certificate made for the run, which
# every JVM trusts through its default trust store (-Djavax.net.ssl.trustStore); the small GET at
# c=64 and the large download. Drivers that cannot speak a version record a skip saying why.
# The h2-* scenarios speak HTTP/2 over cleartext by prior knowledge (h2c) to nginx's second port
# (P+1, `listen ... http2`: nginx 1.22 serves h2 without TLS there), 64 streams on one connection;
# clients that cannot are recorded as skipped, saying why, and h2load is their practical limit.
# The posthaste client runs from this tree's posthaste-client/target jar when it has been built
# (./mvnw -pl posthaste-client -am package), not from whatever ~/.m2 holds.
#
# nginx runs with one worker on CPU 0; every client runs alone in its own JVM/process on CPU 1.
# Results: bench/results/run-<stamp>.jsonl (+ latest.jsonl), docs/BENCHMARKS.md table and
# docs/benchmarks.svg (not in --smoke, which writes under bench/results/tmp/ only).
# Hold the shared Maven lock around it on a shared machine:
#   flock /tmp/posthaste-mvn.lock bash bench/run.sh --quick
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/posthaste-bench"
JAVA17="${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
WORK="${BENCH_WORK:-/tmp/posthaste-bench}"
PORT=18089
PROFILE=full
BUILD=1
JDK25_ALL=0
CLIENTS=""
SCENARIOS=""
REPS=""
TRANSPORT=native

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) PROFILE=smoke ;;
    --quick) PROFILE=quick ;;
    --full) PROFILE=full ;;
    --no-build) BUILD=0 ;;
    --jdk25-all) JDK25_ALL=1 ;;
    --clients) CLIENTS="$2"; shift ;;
    --scenarios) SCENARIOS="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --transport) TRANSPORT="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

ALL_CLIENTS="noop posthaste jdk okhttp apache-async apache-classic jetty reactor-netty vertx ahc methanol helidon aiohttp wrk h2load posthaste-micrometer posthaste-otel reactor-netty-metrics"
ALL_SCENARIOS="get-c1 get-c1-blocking get-c64 get-c64-vt post-c1 post-c1-blocking post-c64 post-c64-vt upload download conn-1000 h2-get-c64 h2-post-c64 h2-upload ws-echo-c1 ws-echo-c16 proxy-get-c64 tls-h1-get-c64 tls-h2-get-c64 h3-get-c64 tls-h1-download tls-h2-download h3-download"
case "$PROFILE" in
  smoke) WARM_MIN=0.3; WARM_MAX=0.6; MEASURE=0.7; XFER_MB=16; XFERS=1; XFER_WARM=0.1; REPS="${REPS:-1}"
         CLIENTS="${CLIENTS:-jdk posthaste}"; PY_WARM=0.5 ;;
  quick) WARM_MIN=4; WARM_MAX=25; MEASURE=5; XFER_MB=1024; XFERS=2; XFER_WARM=8; REPS="${REPS:-1}"; PY_WARM=2 ;;
  full)  WARM_MIN=5; WARM_MAX=60; MEASURE=10; XFER_MB=1024; XFERS=3; XFER_WARM=30; REPS="${REPS:-3}"; PY_WARM=3 ;;
esac
CLIENTS="${CLIENTS:-$ALL_CLIENTS}"; CLIENTS="${CLIENTS//,/ }"
case "$TRANSPORT" in
  native) ;;
  nio) CLIENTS="$(echo " $CLIENTS " | sed 's/ posthaste / posthaste-nio /')" ;;
  both) CLIENTS="$(echo " $CLIENTS " | sed 's/ posthaste / posthaste posthaste-nio /')" ;;
  *) echo "--transport takes native, nio or both, not $TRANSPORT" >&2; exit 2 ;;
esac
SCENARIOS="${SCENARIOS:-$ALL_SCENARIOS}"; SCENARIOS="${SCENARIOS//,/ }"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- 1. what the machine needs (Debian packages; Debian's aiohttp is for /usr/bin/python3) ---
need=()
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ] || need+=(libnginx-mod-http-echo)
command -v wrk >/dev/null || need+=(wrk)
command -v h2load >/dev/null || need+=(nghttp2-client)
/usr/bin/python3 -c 'import aiohttp' 2>/dev/null || need+=(python3-aiohttp)
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need+=(python3-websockets)
command -v taskset >/dev/null || need+=(util-linux)
if [[ " $SCENARIOS " == *" tls-"* || " $SCENARIOS " == *" h3-"* ]]; then
  [ -x /usr/bin/caddy ] || need+=(caddy)
  command -v openssl >/dev/null || need+=(openssl)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x "$JAVA25/bin/java" ] || { log "JDK 25 not found at $JAVA25 (set JAVA25)"; exit 1; }
[ -x "$JAVA17/bin/java" ] || JAVA17="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"

# --- 2. build: every bench module with JDK 25 (so Helidon's release-21 module compiles too) ---
if [ "$BUILD" = 1 ]; then
  log "building posthaste-bench"
  # --sun-misc-unsafe-memory-access: silences Maven's own warnings when it runs on JDK 25.
  (cd "$ROOT" && JAVA_HOME="$JAVA25" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
     ./mvnw -q -B -f posthaste-bench/pom.xml install -DskipTests)
fi

# --- 3. data and server ---
mkdir -p "$WORK/www" "$WORK/body" "$WORK/tmp"
XFER_BYTES=$((XFER_MB * 1024 * 1024))
make_file() { # path bytes: random content, made once and reused
  if [ ! -f "$1" ] || [ "$(stat -c %s "$1")" != "$2" ]; then
    log "creating $1 ($(($2 / 1048576)) MiB)"
    head -c "$2" /dev/urandom > "$1.part" && mv "$1.part" "$1"
  fi
}
make_file "$WORK/upload-$XFER_MB.bin" "$XFER_BYTES"
ln -sf "$WORK/upload-$XFER_MB.bin" "$WORK/www/download-$XFER_MB.bin"

H2_PORT=$((PORT + 1))
sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$PORT#g" -e "s#@H2_PORT@#$H2_PORT#g" "$ROOT/bench/nginx.conf.in" > "$WORK/nginx.conf"
ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null || true
stop_nginx() { [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -f "$WORK/nginx.pid"; }
stop_nginx; sleep 0.2
taskset -c 0 /usr/sbin/nginx -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf"
WS_PORT=$((PORT + 2))
WS_PID=""
PROXY_PORT=$((PORT + 3))
PROXY_PID=""
stop_servers() {
  stop_nginx; [ -n "$WS_PID" ] && kill "$WS_PID" 2>/dev/null; WS_PID=""
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null; PROXY_PID=""
  [ -n "$CADDY_PID" ] && kill "$CADDY_PID" 2>/dev/null; CADDY_PID=""
}
trap stop_servers EXIT
if [[ " $SCENARIOS " == *" ws-echo-"* ]]; then
  taskset -c 0 /usr/bin/python3 "$ROOT/bench/ws_echo_server.py" --port "$WS_PORT" >"$WORK/ws-echo.log" 2>&1 &
  WS_PID=$!
fi
if [[ " $SCENARIOS " == *" proxy-"* ]]; then
  # squid as a plain forwarding proxy on the server's CPU: no cache, no access log, foreground.
  command -v /usr/sbin/squid >/dev/null || { echo "proxy-* scenarios need squid (apt-get install squid)" >&2; exit 1; }
  mkdir -p "$WORK/squid"
  cat > "$WORK/squid/squid.conf" <<SQUID
http_port 127.0.0.1:$PROXY_PORT
pid_filename $WORK/squid/squid.pid
access_log none
cache_log $WORK/squid/cache.log
cache_store_log none
coredump_dir $WORK/squid
cache deny all
shutdown_lifetime 0 seconds
http_access allow localhost
http_access deny all
SQUID
  taskset -c 0 /usr/sbin/squid -N -f "$WORK/squid/squid.conf" >"$WORK/squid/out.log" 2>&1 &
  PROXY_PID=$!
fi
TLS_PORT=$((PORT + 4))
CADDY_PID=""
TRUST_FLAGS=()
if [[ " $SCENARIOS " == *" tls-"* || " $SCENARIOS " == *" h3-"* ]]; then
  # caddy with a certificate for 127.0.0.1 made once per work dir; the JVMs trust it by a PKCS12
  # trust store (their default trust), so no driver needs a trust setting of its own.
  CADDY="$WORK/caddy"
  mkdir -p "$CADDY/home" "$CADDY/www"
  ln -sfn "$WORK/www" "$CADDY/www/files"
  if [ ! -f "$CADDY/trust.p12" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$CADDY/key.pem" -out "$CADDY/cert.pem" 2>/dev/null
    "$JAVA17/bin/keytool" -importcert -noprompt -alias caddy -file "$CADDY/cert.pem" -keystore "$CADDY/trust.p12" \
      -storetype PKCS12 -storepass posthaste >/dev/null
  fi
  TRUST_FLAGS=(-Djavax.net.ssl.trustStore="$CADDY/trust.p12" -Djavax.net.ssl.trustStoreType=PKCS12
               -Djavax.net.ssl.trustStorePassword=posthaste)
  sed -e "s#@CADDY@#$CADDY#g" -e "s#@TLS_PORT@#$TLS_PORT#g" "$ROOT/bench/caddy.json.in" > "$CADDY/caddy.json"
  HOME="$CADDY/home" XDG_DATA_HOME="$CADDY/home/data" XDG_CONFIG_HOME="$CADDY/home/config" \
    taskset -c 0 /usr/bin/caddy run --config "$CADDY/caddy.json" >"$CADDY/caddy.log" 2>&1 &
  CADDY_PID=$!
fi
BASE="http://127.0.0.1:$PORT"
TLS_BASE="https://127.0.0.1:$TLS_PORT"
WS_BASE="ws://127.0.0.1:$WS_PORT"
H2_BASE="http://127.0.0.1:$H2_PORT"
for _ in $(seq 50); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break; sleep 0.1; done
if [ -n "$WS_PID" ]; then
  for _ in $(seq 50); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $WS_PORT), 1)" 2>/dev/null && break; sleep 0.1; done
fi
if [ -n "$PROXY_PID" ]; then
  for _ in $(seq 100); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $PROXY_PORT), 1)" 2>/dev/null && break; sleep 0.1; done
fi
if [ -n "$CADDY_PID" ]; then
  for _ in $(seq 100); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $TLS_PORT), 1)" 2>/dev/null && break; sleep 0.1; done
fi
VERIFY_WAIT=1.5; [ "$PROFILE" = smoke ] && VERIFY_WAIT=0.5
/usr/bin/python3 "$ROOT/bench/verify_upload.py" "$PORT" "$VERIFY_WAIT" >&2

# --- 4. the runs ---
STAMP="$(date +%Y%m%d-%H%M%S)"
if [ "$PROFILE" = smoke ]; then OUTDIR="$ROOT/bench/results/tmp"; else OUTDIR="$ROOT/bench/results"; fi
mkdir -p "$OUTDIR"
OUT="$OUTDIR/run-$STAMP-$PROFILE.jsonl"
: > "$OUT"

module_of() {
  case "$1" in
    noop) echo harness ;; apache-async|apache-classic) echo peer-apache ;;
    reactor-netty|reactor-netty-metrics) echo peer-reactor ;;
    posthaste-nio|posthaste-micrometer|posthaste-otel) echo peer-posthaste ;;
    *) echo "peer-$1" ;;
  esac
}
classpath_of() { # the module's own jar + exactly the class path its POM resolved
  local dir="$BENCH/$(module_of "$1")"
  local jar; jar="$(ls "$dir"/target/posthaste-bench-*.jar 2>/dev/null | head -1)"
  [ -n "$jar" ] || return 1
  local cp="$jar"
  if [ -f "$dir/target/classpath.txt" ]; then cp="$jar:$(cat "$dir/target/classpath.txt")"; fi
  local own; own="$(ls "$ROOT"/posthaste-client/target/posthaste-client-*-SNAPSHOT.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)"
  if [[ "$1" == posthaste* ]] && [ -n "$own" ]; then
    # This tree's client, not the one another checkout last installed into ~/.m2.
    cp="$(echo "$cp" | tr ':' '\n' | sed "s#^.*/posthaste-client-[^/]*\.jar\$#$own#" | paste -sd:)"
  fi
  echo "$cp"
}
has_blocking() { case "$1" in noop|posthaste|posthaste-nio|jdk|okhttp|apache-classic|jetty|methanol|helidon) return 0 ;; *) return 1 ;; esac; }
applies() { # client scenario -> 0 when the pair is measured
  case "$1:$2" in
    posthaste:ws-echo-*|jdk:ws-echo-*|okhttp:ws-echo-*|jetty:ws-echo-*) return 0 ;;
    *:ws-echo-*) return 1 ;;
    h2load:h2-get-c64|h2load:h2-post-c64) return 0 ;;
    # The observability integrations' price is measured where issue 17 asks: GET at c=64.
    posthaste-micrometer:get-c64|posthaste-otel:get-c64|reactor-netty-metrics:get-c64) return 0 ;;
    posthaste-micrometer:*|posthaste-otel:*|reactor-netty-metrics:*) return 1 ;;
    # Through a proxy: the drivers that set one (the others record a skip), never wrk or aiohttp.
    wrk:proxy-*|aiohttp:proxy-*|h2load:proxy-*|noop:proxy-*) return 1 ;;
    h2load:*|noop:h2-*|wrk:h2-*|aiohttp:h2-*) return 1 ;;
    # The three versions against caddy: the Java drivers (those without one record a skip).
    wrk:tls-*|aiohttp:tls-*|noop:tls-*|wrk:h3-*|aiohttp:h3-*|noop:h3-*) return 1 ;;
  esac
  case "$2" in
    *-vt|*-blocking) [ "$1" != wrk ] && [ "$1" != aiohttp ] && has_blocking "$1" ;;
    upload|download|*-download) [ "$1" != noop ] && [ "$1" != wrk ] ;;
    *) return 0 ;;
  esac
}

run_one() { # client scenario rep
  local client=$1 sc=$2 rep=$3 rc=0
  local warm_min=$WARM_MIN warm_max=$WARM_MAX measure=$MEASURE
  local base=$BASE
  case "$sc" in h2-*) base=$H2_BASE ;; ws-echo-*) base=$WS_BASE ;; tls-*|h3-*) base=$TLS_BASE ;; esac
  case "$sc" in upload|download|h2-upload|*-download) warm_min=0; warm_max=$XFER_WARM; measure=$(awk "BEGIN { print $MEASURE * 6 }") ;; esac
  local deadline; deadline=$(/usr/bin/python3 -c "print(int($warm_max + $measure + 150))")
  local xfer=(--upload-file "$WORK/upload-$XFER_MB.bin" --download-path "/files/download-$XFER_MB.bin"
              --download-bytes "$XFER_BYTES" --download-target "$WORK/download.out" --transfers "$XFERS")
  EXPECTED=$((EXPECTED + 1))
  log "$sc rep $rep: $client"
  case "$client" in
    wrk)
      timeout $((deadline + 30)) /usr/bin/python3 "$ROOT/bench/wrk_driver.py" --scenario "$sc" --base "$BASE" \
        --out "$OUT" --rep "$rep" --warmup "$PY_WARM" --measure "$measure" >/dev/null || rc=$? ;;
    h2load)
      timeout $((deadline + 30)) /usr/bin/python3 "$ROOT/bench/h2load_driver.py" --scenario "$sc" --base "$base" \
        --out "$OUT" --rep "$rep" --warmup "$PY_WARM" --measure "$measure" >/dev/null || rc=$? ;;
    aiohttp)
      timeout $((deadline + 30)) taskset -c 1 /usr/bin/python3 "$ROOT/bench/aiohttp_driver.py" --scenario "$sc" \
        --base "$BASE" --out "$OUT" --rep "$rep" --warmup "$PY_WARM" --measure "$measure" "${xfer[@]}" >/dev/null || rc=$? ;;
    *)
      local cp java="$JAVA17" driver="$client" jvm_flags=()
      if [ "$client" = posthaste-nio ]; then
        # Netty's own switch: no native library loads, so the session runs on NIO.
        driver=posthaste; jvm_flags=(-Dio.netty.transport.noNative=true)
      fi
      if ! cp="$(classpath_of "$client")"; then
        log "  $client is not built (skipped)"; echo "{\"client\":\"$client\",\"scenario\":\"$sc\",\"rep\":$rep,\"skipped\":\"not built\"}" >> "$OUT"; return 0
      fi
      if [ "$JDK25_ALL" = 1 ] || [ "$client" = helidon ] || [[ "$sc" == *-vt ]]; then java="$JAVA25"; fi
      timeout $((deadline + 30)) taskset -c 1 "$java/bin/java" -Xms64m -Xmx1g -XX:+UseSerialGC "${jvm_flags[@]}" "${TRUST_FLAGS[@]}" \
        -cp "$cp" io.posthaste.bench.LoadMain --driver "$driver" --label "$client" --scenario "$sc" --base "$base" --out "$OUT" \
        --rep "$rep" --warmup-min "$warm_min" --warmup-max "$warm_max" --measure "$measure" \
        --deadline "$deadline" --proxy "http://127.0.0.1:$PROXY_PORT" "${xfer[@]}" >/dev/null 2>"$WORK/last-stderr.txt" || rc=$? ;;
  esac
  if [ "$rc" != 0 ]; then
    log "  $client $sc exited with $rc"; tail -5 "$WORK/last-stderr.txt" >&2 2>/dev/null || true
    echo "{\"client\":\"$client\",\"scenario\":\"$sc\",\"rep\":$rep,\"error\":\"exit $rc\"}" >> "$OUT"
  fi
  rm -f "$WORK/download.out"
}

EXPECTED=0
read -r -a clients <<< "$CLIENTS"
for sc in $SCENARIOS; do
  for rep in $(seq "$REPS"); do
    # Rotate the order every repetition so no client always runs first (or right after another).
    n=${#clients[@]}; shift_by=$(( (rep - 1) % n ))
    for i in $(seq 0 $((n - 1))); do
      client="${clients[$(( (i + shift_by) % n ))]}"
      applies "$client" "$sc" && run_one "$client" "$sc" "$rep"
    done
  done
done

# --- 5. report ---
if [ "$PROFILE" = smoke ]; then
  /usr/bin/python3 "$ROOT/bench/report.py" --check --expect "$EXPECTED" "$OUT" --markdown "$OUTDIR/smoke.md"
else
  cp "$OUT" "$ROOT/bench/results/latest.jsonl"
  /usr/bin/python3 "$ROOT/bench/report.py" "$OUT" --markdown "$ROOT/docs/BENCHMARKS.md" \
    --svg "$ROOT/docs/benchmarks.svg" --profile "$PROFILE"
fi
log "results: $OUT"
