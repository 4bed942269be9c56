package io.posthaste.testing.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything a WebSocket connection on a mounted endpoint needs: the script, the server's own
 * settings, and where it records what the client sent. Immutable apart from the recordings.
 *
 * @param path the mounted path
 * @param steps what the server sends once the handshake is done, in order
 * @param echo whether the server sends each message it receives back (after the script too)
 * @param ignoreClose whether the client's close frame goes unanswered
 * @param compression whether the server accepts {@code permessage-deflate}
 * @param subprotocols the subprotocols the server accepts, comma-separated, or null
 * @param maxMessageBytes the largest message the server accepts from the client
 * @param record where the connection records what it receives
 */
public record WsScript(
        String path,
        List<WsStep> steps,
        boolean echo,
        boolean ignoreClose,
        boolean compression,
        String subprotocols,
        int maxMessageBytes,
        Recording record) {

    /** What clients sent to one endpoint, over all its connections. Thread-safe. */
    public static final class Recording {
        /** Text messages, or for binary ones {@code "binary:" + length}, in arrival order. */
        public final List<String> messages = new CopyOnWriteArrayList<>();
        /** The code of each close frame received (1005 when it had none). */
        public final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
        /** The {@code Sec-WebSocket-Extensions} each handshake request offered, or "" for none. */
        public final List<String> offeredExtensions = new CopyOnWriteArrayList<>();
        /** How many pongs arrived. */
        public final java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();
    }
}
