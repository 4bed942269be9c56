package io.posthaste.internal.exchange;

import io.posthaste.Request;

/**
 * What the steps above an exchange will do with a response's body, asked by the exchange once a
 * final head is in: the steps take each decision in one place (will it raise? will it be
 * followed?) and the exchange holds the body accordingly. It also hears of each network attempt.
 */
@FunctionalInterface
public interface BodyPolicy {

    /** How an exchange holds a response body. */
    enum Holding {
        /** Handed to the caller as a stream as soon as the head is in. */
        STREAM,
        /** Read whole (decoded, within the session's cap) before the response is handed back. */
        BUFFER,
        /** Read whole and kept as it came, never decoded: a redirect that will be followed. */
        BUFFER_RAW
    }

    /** Buffers every body: what {@code send()} wants. */
    BodyPolicy BUFFERED = (request, status, hasLocation) -> Holding.BUFFER;

    /**
     * Returns how to hold the body of the final answer {@code status} to {@code request}, whose
     * head had a {@code Location} if {@code hasLocation}. Called on an event loop: must not block.
     */
    Holding holding(Request request, int status, boolean hasLocation);

    /**
     * The exchange is about to make a network attempt (its first, or a silent retry on a fresh
     * connection), so that the call can count them all ({@code Timings.attempts()}). Any thread;
     * a call's attempts never overlap. Does nothing by default.
     */
    default void attempted() {}
}
