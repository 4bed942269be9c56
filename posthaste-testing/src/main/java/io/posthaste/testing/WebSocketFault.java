package io.posthaste.testing;

/**
 * A misbehaving WebSocket server, scripted with {@link WebSocketEndpoint.Builder#fault(WebSocketFault)}.
 * Each exists so that a client can prove it turns such a server into a clean error or close, never
 * into a hang or unbounded memory. All but {@link #NO_CLOSE_REPLY} act at their place in the script.
 */
public enum WebSocketFault {
    /** The TCP connection closes with no close frame (a crashed server, a cut cable). */
    ABRUPT_CLOSE,
    /**
     * A text message whose payload is not UTF-8 ({@code C3 28}); RFC 6455 section 8.1 wants the
     * client to fail the connection, with close code 1007.
     */
    INVALID_UTF8,
    /**
     * A binary message of {@link #OVERSIZED_MESSAGE_BYTES} zero bytes, sent as 64 KiB fragments,
     * each written once the one before is on the wire (the server holds one); a client with a
     * smaller limit closes with 1009. Compressed (when negotiated) it is a few KiB on the wire.
     */
    OVERSIZED_MESSAGE,
    /** {@link #PING_FLOOD_FRAMES} pings as fast as the client reads them, each to be answered. */
    PING_FLOOD,
    /**
     * The server stops reading the connection (a hung server, a full receive window): nothing the
     * client sends is read, its pings go unanswered, and its writes back up.
     */
    STOP_READING,
    /**
     * The client's close frame is never answered and the connection is left open: the client's
     * close timeout has to end it. Applies to the whole connection, wherever it is in the script.
     */
    NO_CLOSE_REPLY;

    /** The size of the {@link #OVERSIZED_MESSAGE}: 64 MiB. */
    public static final int OVERSIZED_MESSAGE_BYTES = 64 * 1024 * 1024;

    /** How many pings a {@link #PING_FLOOD} sends. */
    public static final int PING_FLOOD_FRAMES = 10_000;
}
