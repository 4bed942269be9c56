/** The Posthaste HTTP client. Only {@code io.posthaste} is API. */
module io.posthaste {
    requires transitive com.fasterxml.jackson.databind;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.resolver;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;

    exports io.posthaste;
}
