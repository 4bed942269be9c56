package io.posthaste.internal.websocket;

import java.util.List;

/**
 * How one WebSocket is opened and run, as its builder left it.
 *
 * @param subprotocols the subprotocols offered, in order of preference (none: empty)
 * @param maxMessageSize the largest message received, in bytes (after decompression); over it the
 *     WebSocket closes with 1009
 * @param pingIntervalNanos how often a ping is sent, or 0 for never
 * @param closeTimeoutNanos how long the server may take to answer a close before the connection
 *     is dropped
 * @param compression whether {@code permessage-deflate} is offered
 * @param sendBufferLimit the most bytes of messages sent but not yet written to the socket
 */
public record WsSettings(
        List<String> subprotocols,
        int maxMessageSize,
        long pingIntervalNanos,
        long closeTimeoutNanos,
        boolean compression,
        long sendBufferLimit) {

    public WsSettings {
        subprotocols = List.copyOf(subprotocols);
    }
}
