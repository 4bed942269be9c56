package io.posthaste;

import org.jspecify.annotations.Nullable;

/**
 * One step of a call or a connection, as an {@link EventListener} receives it.
 *
 * @param type what happened
 * @param nanoTime when, from {@link System#nanoTime()} (compare events, not wall clocks)
 * @param request the request concerned, or {@code null} for connection events
 * @param target the host, address or URL concerned, or {@code null}
 * @param status the response status for response, redirect and retry events, else 0
 * @param bytes the body bytes for body events, else 0
 * @param failure the failure for failed and retry events, else {@code null}
 */
public record Event(
        Type type,
        long nanoTime,
        @Nullable Request request,
        @Nullable String target,
        int status,
        long bytes,
        @Nullable Throwable failure) {

    /** The kinds of event, in the order they usually happen. */
    public enum Type {
        /** A call began. */
        CALL_START,
        /** A host look-up began ({@code target}: the host). */
        DNS_START,
        /** A host look-up ended ({@code target}: the host). */
        DNS_END,
        /** A TCP connect began ({@code target}: the address). */
        CONNECT_START,
        /** A TCP connect succeeded ({@code target}: the address). */
        CONNECT_END,
        /** A TCP connect failed ({@code failure}). */
        CONNECT_FAILED,
        /** A TLS handshake began. */
        TLS_START,
        /** A TLS handshake succeeded. */
        TLS_END,
        /** The call got a connection from the pool (new or reused). */
        CONNECTION_ACQUIRED,
        /** The request head is on the wire. */
        REQUEST_HEADERS_SENT,
        /** The whole request body is on the wire ({@code bytes}). */
        REQUEST_BODY_SENT,
        /** The response head arrived ({@code status}). */
        RESPONSE_HEADERS_RECEIVED,
        /** The whole response body arrived ({@code bytes}, after decoding). */
        RESPONSE_BODY_RECEIVED,
        /** The call gave its connection back (to the pool, or closed it). */
        CONNECTION_RELEASED,
        /** A redirect is being followed ({@code status}, {@code target}: the new URL). */
        REDIRECT,
        /** A failed attempt will be tried again ({@code status} or {@code failure}). */
        RETRY,
        /** The call ended with a response ({@code status}). */
        CALL_END,
        /** The call failed ({@code failure}). */
        CALL_FAILED
    }

    /** Never shows header values: only the type, the request line, target and figures. */
    @Override
    public String toString() {
        return "Event[" + type + (request != null ? " " + request.method() + " " + request.url() : "")
                + (target != null ? " " + target : "") + (status != 0 ? " " + status : "")
                + (bytes != 0 ? " " + bytes + " bytes" : "")
                + (failure != null ? " " + failure.getClass().getSimpleName() : "") + "]";
    }
}
