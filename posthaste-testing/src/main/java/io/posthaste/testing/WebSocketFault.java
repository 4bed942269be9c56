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
    /**
     * {@link #PING_FLOOD_FRAMES} pings as fast as the client reads them, each to be answered and
     * each carrying 125 bytes, the most a control frame may (so that the pongs owed add up fast).
     */
    PING_FLOOD,
    /**
     * A text frame ({@code masked}) with its mask bit set, as only a client may send it: RFC 6455
     * section 5.1 wants the client to fail the connection, with close code 1002.
     */
    MASKED_FRAME,
    /**
     * A frame with opcode {@code 0x3}, the first RFC 6455 section 5.2 reserves for further data
     * frames: the client fails the connection with 1002.
     */
    RESERVED_OPCODE,
    /**
     * A frame with opcode {@code 0xB}, the first RFC 6455 section 5.2 reserves for further control
     * frames: the client fails the connection with 1002.
     */
    RESERVED_CONTROL_OPCODE,
    /**
     * A text frame ({@code reserved}) with the RSV2 bit set, which no extension this server can
     * negotiate defines: the client fails the connection with 1002 (RFC 6455 section 5.2).
     */
    RESERVED_BITS,
    /**
     * The text message {@code deflated}, compressed as {@code permessage-deflate} sends it (RSV1
     * set, RFC 7692 section 7.2.1), whether or not the extension was negotiated: it arrives if it
     * was; if not, RSV1 is a reserved bit and the client fails the connection with 1002.
     */
    DEFLATED_TEXT,
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
