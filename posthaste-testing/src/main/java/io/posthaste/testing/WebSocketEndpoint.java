package io.posthaste.testing;

import io.posthaste.testing.internal.WsScript;
import io.posthaste.testing.internal.WsStep;
import io.posthaste.testing.internal.WsUpgrade;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted WebSocket endpoint (RFC 6455), mounted with {@link TestServer#mount(String, Endpoint)}.
 * Netty's WebSocket server handlers do the handshake, with {@code permessage-deflate} (RFC 7692)
 * accepted when the client offers it; then each connection runs the script, each step once the
 * one before is on the wire, and echoes the messages it receives unless told not to.
 *
 * {@snippet :
 * WebSocketEndpoint chat = WebSocketEndpoint.builder()
 *         .text("welcome")                          // sent once the handshake is done
 *         .textFragments("hel", "lo")               // one message in two frames
 *         .pause(Duration.ofMillis(100))
 *         .fault(WebSocketFault.INVALID_UTF8)       // then misbehave
 *         .build();
 * server.mount("/chat", chat);                       // ws://127.0.0.1:PORT/chat
 * // ... a client connects, sends "hi" ...
 * assert chat.messages().contains("hi");            // and "hi" came back: echo is on
 * }
 *
 * <p>A client's close frame is answered with the same code and the connection closed (unless
 * {@link WebSocketFault#NO_CLOSE_REPLY}); a scripted {@link Builder#close close} waits up to 5 s
 * for the client's answer. Pings are answered with pongs. A request to the path that does not ask
 * for a WebSocket (or comes over HTTP/2) gets {@code 400}. Thread-safe; the recordings cover every
 * connection.
 */
public final class WebSocketEndpoint implements Endpoint {

    /** The default of {@link Builder#maxMessageSize}: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final List<WsStep> steps;
    private final boolean echo;
    private final boolean ignoreClose;
    private final boolean compression;
    private final String subprotocols;
    private final int maxMessageBytes;
    private final WsScript.Recording record = new WsScript.Recording();

    private WebSocketEndpoint(Builder b) {
        this.steps = List.copyOf(b.steps);
        this.echo = b.echo;
        this.ignoreClose = b.ignoreClose;
        this.compression = b.compression;
        this.subprotocols = b.subprotocols;
        this.maxMessageBytes = b.maxMessageBytes;
    }

    /** Returns an endpoint that echoes every message and sends nothing of its own. */
    public static WebSocketEndpoint echo() {
        return builder().build();
    }

    /** Returns a builder: an empty script, echo on, {@code permessage-deflate} on, no subprotocols. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the messages clients sent, in arrival order over all connections: the text of a text
     * message, {@code "binary:<length>"} for a binary one.
     */
    public List<String> messages() {
        return List.copyOf(record.messages);
    }

    /** Returns the code of each close frame clients sent, in order (1005 for a close without a code). */
    public List<Integer> closeCodes() {
        return List.copyOf(record.closeCodes);
    }

    /** Returns how many pongs clients sent. */
    public int pongCount() {
        return record.pongs.get();
    }

    /**
     * Returns the {@code Sec-WebSocket-Extensions} header of each handshake request, in order ("" for
     * a request without one): what the client offered, e.g. {@code permessage-deflate}.
     */
    public List<String> offeredExtensions() {
        return List.copyOf(record.offeredExtensions);
    }

    /** Returns the upgrade that serves this endpoint on {@code path}. */
    WsUpgrade upgrade(String path) {
        return new WsUpgrade(
                new WsScript(path, steps, echo, ignoreClose, compression, subprotocols, maxMessageBytes, record));
    }

    @Override
    public String toString() {
        return "WebSocketEndpoint[" + steps.size() + " steps" + (echo ? ", echo" : "")
                + (compression ? ", permessage-deflate" : "") + "]";
    }

    /** Builds a {@link WebSocketEndpoint}; not thread-safe. Every method validates its input at once. */
    public static final class Builder {
        private final List<WsStep> steps = new ArrayList<>();
        private boolean echo = true;
        private boolean ignoreClose;
        private boolean compression = true;
        private String subprotocols;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

        private Builder() {}

        /** Sends a text message in one frame. */
        public Builder text(String message) {
            return textFragments(message);
        }

        /** Sends one text message as one frame per part (a fragmented message when more than one). */
        public Builder textFragments(String... parts) {
            if (parts == null || parts.length == 0) {
                throw new IllegalArgumentException("give at least one part");
            }
            for (String part : parts) {
                if (part == null) {
                    throw new IllegalArgumentException("parts must not be null");
                }
            }
            steps.add(new WsStep.Text(parts.clone()));
            return this;
        }

        /** Sends a binary message in one frame. */
        public Builder binary(byte[] message) {
            if (message == null) {
                throw new IllegalArgumentException("message must not be null");
            }
            steps.add(new WsStep.Binary(message.clone()));
            return this;
        }

        /** Sends a ping with {@code payload} (at most 125 bytes of UTF-8). */
        public Builder ping(String payload) {
            byte[] bytes = payload == null ? null : payload.getBytes(StandardCharsets.UTF_8);
            if (bytes == null || bytes.length > 125) {
                throw new IllegalArgumentException("a ping payload is at most 125 bytes: " + payload);
            }
            steps.add(new WsStep.Ping(bytes));
            return this;
        }

        /** Waits {@code pause} (at most an hour) before the next step. */
        public Builder pause(Duration pause) {
            if (pause == null || pause.isNegative() || pause.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("pause must be between zero and an hour: " + pause);
            }
            steps.add(new WsStep.Pause(pause.toNanos()));
            return this;
        }

        /**
         * Starts the close handshake with {@code code} (1000-4999) and {@code reason} (at most 123 bytes);
         * later steps do not run.
         */
        public Builder close(int code, String reason) {
            if (code < 1000 || code > 4999) {
                throw new IllegalArgumentException("close code must be between 1000 and 4999: " + code);
            }
            if (reason == null || reason.getBytes(StandardCharsets.UTF_8).length > 123) {
                throw new IllegalArgumentException("a close reason is at most 123 bytes: " + reason);
            }
            steps.add(new WsStep.Close(code, reason));
            return this;
        }

        /** Misbehaves here, as {@code fault} says ({@link WebSocketFault#NO_CLOSE_REPLY}: all along). */
        public Builder fault(WebSocketFault fault) {
            if (fault == null) {
                throw new IllegalArgumentException("fault must not be null");
            }
            if (fault == WebSocketFault.NO_CLOSE_REPLY) {
                ignoreClose = true;
            } else {
                steps.add(new WsStep.Fault(fault));
            }
            return this;
        }

        /** Turns echoing off: messages are recorded but not sent back. */
        public Builder noEcho() {
            this.echo = false;
            return this;
        }

        /** Refuses {@code permessage-deflate} (it is accepted by default when offered). */
        public Builder noCompression() {
            this.compression = false;
            return this;
        }

        /** Accepts these subprotocols (the first the client offers wins); by default none. */
        public Builder subprotocols(String... names) {
            if (names == null || names.length == 0) {
                throw new IllegalArgumentException("give at least one subprotocol");
            }
            for (String name : names) {
                if (name == null || name.isEmpty() || name.contains(",") || name.contains(" ")) {
                    throw new IllegalArgumentException("not a subprotocol token: " + name);
                }
            }
            this.subprotocols = String.join(",", names);
            return this;
        }

        /** Sets the largest message (and frame) the server accepts from a client; default 16 MiB. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 125) {
                throw new IllegalArgumentException("maxMessageSize must be at least 125 bytes: " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Returns the endpoint; it starts with nothing recorded. */
        public WebSocketEndpoint build() {
            return new WebSocketEndpoint(this);
        }
    }
}
