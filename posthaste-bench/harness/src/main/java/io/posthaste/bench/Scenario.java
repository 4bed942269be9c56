package io.posthaste.bench;

/**
 * The load scenarios. Each runs in a fresh JVM per client and repetition, so that one scenario's
 * JIT profile, heap and pool never leak into the next.
 */
enum Scenario {
    GET_C1("get-c1", Kind.GET, 1, Mode.ASYNC),
    GET_C1_BLOCKING("get-c1-blocking", Kind.GET, 1, Mode.PLATFORM),
    GET_C64("get-c64", Kind.GET, 64, Mode.ASYNC),
    GET_C64_VT("get-c64-vt", Kind.GET, 64, Mode.VIRTUAL),
    POST_C1("post-c1", Kind.POST, 1, Mode.ASYNC),
    POST_C1_BLOCKING("post-c1-blocking", Kind.POST, 1, Mode.PLATFORM),
    POST_C64("post-c64", Kind.POST, 64, Mode.ASYNC),
    POST_C64_VT("post-c64-vt", Kind.POST, 64, Mode.VIRTUAL),
    UPLOAD("upload", Kind.UPLOAD, 1, Mode.BLOCKING),
    DOWNLOAD("download", Kind.DOWNLOAD, 1, Mode.BLOCKING),
    CONN_1000("conn-1000", Kind.GET, 1000, Mode.ASYNC),
    // HTTP/2 over cleartext by prior knowledge (h2c) to nginx's `listen ... http2` port: the 64
    // requests are concurrent streams on one connection.
    H2_GET_C64("h2-get-c64", Kind.GET, 64, Mode.ASYNC, Wire.H2C),
    H2_POST_C64("h2-post-c64", Kind.POST, 64, Mode.ASYNC, Wire.H2C),
    H2_UPLOAD("h2-upload", Kind.UPLOAD, 1, Mode.BLOCKING, Wire.H2C),
    // WebSocket echo of 1 KiB text messages on one connection, 1 or 16 in flight: a "request" is
    // one message there and back, so requests/s are messages/s and CPU per request per message.
    WS_ECHO_C1("ws-echo-c1", Kind.WS_ECHO, 1, Mode.ASYNC),
    WS_ECHO_C16("ws-echo-c16", Kind.WS_ECHO, 16, Mode.ASYNC),
    // The small GET at c=64 through a local HTTP forwarding proxy (squid, on the server's CPU):
    // what a client spends on the proxy's framing and its own proxy handling.
    PROXY_GET_C64("proxy-get-c64", Kind.GET, 64, Mode.ASYNC, Wire.PROXY),
    // The three HTTP versions against one server (caddy, TLS on TCP and QUIC on UDP of one port):
    // the small GET at c=64 and the large download, so HTTP/3 compares with HTTP/2 and HTTP/1.1
    // on equal terms, TLS included.
    TLS_H1_GET_C64("tls-h1-get-c64", Kind.GET, 64, Mode.ASYNC, Wire.TLS_H1),
    TLS_H2_GET_C64("tls-h2-get-c64", Kind.GET, 64, Mode.ASYNC, Wire.TLS_H2),
    H3_GET_C64("h3-get-c64", Kind.GET, 64, Mode.ASYNC, Wire.H3),
    TLS_H1_DOWNLOAD("tls-h1-download", Kind.DOWNLOAD, 1, Mode.BLOCKING, Wire.TLS_H1),
    TLS_H2_DOWNLOAD("tls-h2-download", Kind.DOWNLOAD, 1, Mode.BLOCKING, Wire.TLS_H2),
    H3_DOWNLOAD("h3-download", Kind.DOWNLOAD, 1, Mode.BLOCKING, Wire.H3);

    enum Kind { GET, POST, UPLOAD, DOWNLOAD, WS_ECHO }

    /**
     * ASYNC: the client's async API behind a semaphore of {@code concurrency} permits, falling back
     * to blocking threads for clients with no async API. VIRTUAL: the blocking API on that many
     * virtual threads (JDK 21+). PLATFORM: the blocking API on that many platform threads (how
     * one request at a time is usually written). BLOCKING: one transfer at a time on the main
     * thread.
     */
    enum Mode { ASYNC, VIRTUAL, PLATFORM, BLOCKING }

    /** How the driver reaches the server, and so which {@link DriverFactory} method opens it. */
    enum Wire {
        /** Cleartext HTTP/1.1 ({@link DriverFactory#open}), or a WebSocket over it. */
        PLAIN("http/1.1"),
        /** HTTP/2 over cleartext by prior knowledge ({@link DriverFactory#openHttp2}). */
        H2C("h2c"),
        /** Cleartext HTTP/1.1 through a forwarding proxy ({@link DriverFactory#openProxied}). */
        PROXY("http/1.1 via proxy"),
        /** {@link DriverFactory#openTls} with {@link HttpVersion#HTTP_1_1}. */
        TLS_H1("http/1.1 over TLS"),
        /** {@link DriverFactory#openTls} with {@link HttpVersion#HTTP_2}. */
        TLS_H2("h2"),
        /** {@link DriverFactory#openTls} with {@link HttpVersion#HTTP_3}. */
        H3("h3");

        /** The protocol as the results name it. */
        final String label;

        Wire(String label) {
            this.label = label;
        }

        Driver open(DriverFactory factory, int concurrency, Options opt) throws Exception {
            return switch (this) {
                case PLAIN -> factory.open(concurrency);
                case H2C -> factory.openHttp2(concurrency);
                case PROXY -> factory.openProxied(concurrency, opt.proxy());
                case TLS_H1 -> factory.openTls(concurrency, HttpVersion.HTTP_1_1);
                case TLS_H2 -> factory.openTls(concurrency, HttpVersion.HTTP_2);
                case H3 -> factory.openTls(concurrency, HttpVersion.HTTP_3);
            };
        }
    }

    final String id;
    final Kind kind;
    final int concurrency;
    final Mode mode;
    final Wire wire;

    Scenario(String id, Kind kind, int concurrency, Mode mode) {
        this(id, kind, concurrency, mode, Wire.PLAIN);
    }

    Scenario(String id, Kind kind, int concurrency, Mode mode, Wire wire) {
        this.id = id;
        this.kind = kind;
        this.concurrency = concurrency;
        this.mode = mode;
        this.wire = wire;
    }

    static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + id);
    }
}
