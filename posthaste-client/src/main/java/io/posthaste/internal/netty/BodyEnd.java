package io.posthaste.internal.netty;

/** Marks the end of a response body in the decoder's output. */
enum BodyEnd {
    INSTANCE
}
