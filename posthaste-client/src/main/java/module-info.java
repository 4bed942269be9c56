/** The Posthaste HTTP client. Only {@code io.posthaste} is API. */
module io.posthaste {
    requires transitive com.fasterxml.jackson.databind;
    // Annotations on the API (@NullMarked, @Nullable): read by tools, never needed at run time.
    requires static transitive org.jspecify;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.compression;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    // HTTP/3 over QUIC: the classes always; the native only where it exists (Http3Support says).
    requires io.netty.codec.http3;
    requires io.netty.codec.classes.quic;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.handler.proxy;
    requires io.netty.resolver;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.kqueue;
    requires io.netty.transport.unix.common;
    // Optional at run time: each coding is offered only if its library loads.
    requires static com.aayushatharva.brotli4j;
    requires static com.github.luben.zstd_jni;

    exports io.posthaste;
}
