package io.posthaste.testing.internal;

import io.posthaste.testing.WebSocketFault;

/** One step of a scripted WebSocket connection, run in order once the handshake is done. */
public sealed interface WsStep {

    /** A text message, sent in one frame per part (more than one part: a fragmented message). */
    record Text(String... parts) implements WsStep {}

    /** A binary message in one frame. */
    record Binary(byte[] bytes) implements WsStep {}

    /** A ping carrying {@code payload} (at most 125 bytes). */
    record Ping(byte[] payload) implements WsStep {}

    /** A close frame; the server then waits for the client's close and closes the connection. */
    record Close(int code, String reason) implements WsStep {}

    /** A pause before the next step. */
    record Pause(long nanos) implements WsStep {}

    /** A fault acting at this point (never {@link WebSocketFault#NO_CLOSE_REPLY}). */
    record Fault(WebSocketFault fault) implements WsStep {}
}
