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
    H2_GET_C64("h2-get-c64", Kind.GET, 64, Mode.ASYNC, true),
    H2_POST_C64("h2-post-c64", Kind.POST, 64, Mode.ASYNC, true),
    H2_UPLOAD("h2-upload", Kind.UPLOAD, 1, Mode.BLOCKING, true),
    // WebSocket echo of 1 KiB text messages on one connection, 1 or 16 in flight: a "request" is
    // one message there and back, so requests/s are messages/s and CPU per request per message.
    WS_ECHO_C1("ws-echo-c1", Kind.WS_ECHO, 1, Mode.ASYNC),
    WS_ECHO_C16("ws-echo-c16", Kind.WS_ECHO, 16, Mode.ASYNC),
    // The small GET at c=64 through a local HTTP forwarding proxy (squid, on the server's CPU):
    // what a client spends on the proxy's framing and its own proxy handling.
    PROXY_GET_C64("proxy-get-c64", Kind.GET, 64, Mode.ASYNC, false, true);

    enum Kind { GET, POST, UPLOAD, DOWNLOAD, WS_ECHO }

    /**
     * ASYNC: the client's async API behind a semaphore of {@code concurrency} permits, falling back
     * to blocking threads for clients with no async API. VIRTUAL: the blocking API on that many
     * virtual threads (JDK 21+). PLATFORM: the blocking API on that many platform threads (how
     * one request at a time is usually written). BLOCKING: one transfer at a time on the main
     * thread.
     */
    enum Mode { ASYNC, VIRTUAL, PLATFORM, BLOCKING }

    final String id;
    final Kind kind;
    final int concurrency;
    final Mode mode;
    /** Whether the driver speaks HTTP/2 by prior knowledge ({@link DriverFactory#openHttp2}). */
    final boolean http2;
    /** Whether the driver goes through an HTTP proxy ({@link DriverFactory#openProxied}). */
    final boolean proxied;

    Scenario(String id, Kind kind, int concurrency, Mode mode) {
        this(id, kind, concurrency, mode, false, false);
    }

    Scenario(String id, Kind kind, int concurrency, Mode mode, boolean http2) {
        this(id, kind, concurrency, mode, http2, false);
    }

    Scenario(String id, Kind kind, int concurrency, Mode mode, boolean http2, boolean proxied) {
        this.id = id;
        this.kind = kind;
        this.concurrency = concurrency;
        this.mode = mode;
        this.http2 = http2;
        this.proxied = proxied;
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
