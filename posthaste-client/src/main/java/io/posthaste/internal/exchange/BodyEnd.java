package io.posthaste.internal.exchange;

/** Marks the end of a response body in what a carrier delivers. */
public enum BodyEnd {
    INSTANCE
}
