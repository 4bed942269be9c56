package io.posthaste;

import io.posthaste.internal.websocket.HandshakeRefused;
import io.posthaste.internal.websocket.WsConnection;
import io.posthaste.internal.websocket.WsSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket (RFC 6455) from {@link ClientSession#websocket(String)}: text and binary messages in
 * both directions over one dedicated connection, with {@code permessage-deflate} (RFC 7692) when
 * the server agrees to it.
 *
 * {@snippet :
 * try (WebSocket ws = session.websocket("wss://example.com/chat").connect()) {
 *     ws.sendText("hello").join();                 // completes once the message is on the socket
 *     WebSocket.Message reply = ws.receive();      // blocks for the next message (or the close)
 *     System.out.println(reply.isText() ? reply.text() : reply.bytes().length + " bytes");
 *     ws.close(1000, "bye");
 * }
 * }
 *
 * <p><b>Receiving.</b> {@link #receive()} blocks for the next message, which suits a virtual
 * thread; {@link #receiveAsync()} returns a future of it. Fragmented messages arrive whole, up to
 * {@link Builder#maxMessageSize(int) the size limit}. Pings are answered, pongs are not messages.
 * The last message is the close ({@link Message#isClose()}): the code and reason the server closed
 * with; or the code this side failed the connection with, when the server broke the rules (1009
 * for a message over the limit, 1007 for a text message that is not UTF-8, 1002 for another
 * protocol error); or 1006 when the connection ended without a close frame (a crash, a cut
 * connection, a server that did not answer a close within {@link Builder#closeTimeout(Duration) the
 * close timeout}, the session closing), with a reason saying which. Every receive after it returns
 * the close again. Messages nobody has received yet are kept; once they hold more than the size
 * limit, the connection stops reading until they are taken, so a slow receiver slows the server
 * down instead of filling memory.
 *
 * <p><b>Sending and back-pressure.</b> Each send returns a future completed once the message has
 * been written to the socket, so waiting for it ({@code join()} on a virtual thread, or chaining the
 * next send on it) paces the sender to what the network and the server take. Sends that do not wait
 * are buffered up to {@link Builder#sendBufferLimit(long) a limit} (default 16 MiB); beyond it a send
 * fails at once (its future fails with {@link IllegalStateException}, the WebSocket stays open)
 * rather than let memory grow without bound or block a thread that may be an event handler's.
 * After a close, sends fail with {@link ClientConnectionException}.
 *
 * <p><b>Closing.</b> {@link #close(int, String)} sends a close frame after the messages already
 * sent, and the connection closes when the server answers, or after the close timeout (default
 * 5 s); messages the server sent before its answer are still received. {@link #close()} does that
 * with 1000 and waits for it. A WebSocket holds a connection of its own (never a pooled one) until
 * closed, and the session closing closes it.
 *
 * <p>Threading: every method may be called from any thread. Futures complete on the session's
 * {@linkplain ClientSession.Builder#callbackExecutor callback executor}, never on an I/O thread.
 */
public final class WebSocket implements AutoCloseable {

    /** The default {@link Builder#maxMessageSize(int)}: 4 MiB, as aiohttp's. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
    /** The default {@link Builder#sendBufferLimit(long)}: 16 MiB. */
    public static final long DEFAULT_SEND_BUFFER_LIMIT = 16L * 1024 * 1024;
    /** The default {@link Builder#closeTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final WsConnection connection;
    private final String url;
    private final Duration closeTimeout;

    private WebSocket(WsConnection connection, String url, Duration closeTimeout) {
        this.connection = connection;
        this.url = url;
        this.closeTimeout = closeTimeout;
    }

    /**
     * Sends a text message, encoded as UTF-8, in one frame.
     *
     * @return a future completed once the message is written to the socket; failed with
     *     {@link IllegalStateException} if the send buffer is full, with
     *     {@link ClientConnectionException} if the WebSocket is closed or closing
     */
    public CompletableFuture<Void> sendText(CharSequence text) {
        return connection.sendText(Objects.requireNonNull(text, "text"));
    }

    /**
     * Sends a binary message in one frame; {@code bytes} are copied before this method returns.
     *
     * @return a future as {@link #sendText(CharSequence)}'s
     */
    public CompletableFuture<Void> sendBinary(byte[] bytes) {
        return connection.sendBinary(Objects.requireNonNull(bytes, "bytes"));
    }

    /**
     * Returns the next message, waiting for it: a text or binary message, or the close, which is
     * returned again by every later call.
     *
     * @throws CancellationException if the thread is interrupted while waiting (its interrupt
     *     flag stays set); no message is lost
     */
    public Message receive() {
        return connection.receive();
    }

    /**
     * Returns a future of the next message, completed on the callback executor; receivers are
     * served in the order they asked, whether they wait or not. Cancelling the future gives up
     * its place, unless a message was already handed to it (then the cancel fails and the future
     * still completes with it).
     */
    public CompletableFuture<Message> receiveAsync() {
        return connection.receiveAsync();
    }

    /**
     * Starts the close handshake: sends a close frame with {@code code} and {@code reason} after
     * the messages already sent; the connection closes once the server answers or the close
     * timeout passes. A second call sends nothing more.
     *
     * @param code 1000 (normal), 1001 (going away), 1002, 1003, 1007 to 1014, or an application's
     *     3000 to 4999
     * @param reason at most 123 bytes of UTF-8, "" for none
     * @return a future completed once the connection is closed; {@link #receive()} then ends with
     *     the server's answer
     * @throws IllegalArgumentException if {@code code} may not be sent or {@code reason} is too long
     */
    public CompletableFuture<Void> close(int code, String reason) {
        checkCloseCode(code);
        Objects.requireNonNull(reason, "reason");
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("a close reason is at most 123 bytes of UTF-8: " + reason);
        }
        return connection.close(code, reason);
    }

    /**
     * Closes with 1000 (normal closure) and waits, at most the close timeout, for the connection to
     * close. Idempotent. An interrupt drops the connection at once (and keeps the interrupt flag).
     */
    @Override
    public void close() {
        CompletableFuture<Void> closed = connection.close(1000, "");
        try {
            // The close timer ends the wait; the margin covers its scheduling only.
            closed.get(closeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.abort();
        } catch (ExecutionException | TimeoutException e) {
            connection.abort();
        }
    }

    /** Drops the connection at once, with no close handshake: the last message is a close with 1006. */
    public void abort() {
        connection.abort();
    }

    /** Returns the subprotocol the server chose among those offered, or "" for none. */
    public String subprotocol() {
        return connection.subprotocol();
    }

    /** Returns whether messages are compressed ({@code permessage-deflate} was agreed on). */
    public boolean isCompressed() {
        return connection.isCompressed();
    }

    /** Returns the headers of the server's {@code 101 Switching Protocols} answer. */
    public Headers handshakeHeaders() {
        return connection.handshakeHeaders();
    }

    /** Returns the bytes of messages sent but not yet written to the socket. */
    public long pendingBytes() {
        return connection.pendingBytes();
    }

    /** Returns whether messages can be sent: the connection is open and no close was sent or received. */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** Returns a future completed once the connection is closed, however it closed. */
    public CompletableFuture<Void> whenClosed() {
        return connection.whenClosed();
    }

    /** Returns the WebSocket's URL ({@code ws} or {@code wss}, without user info). */
    public String url() {
        return url;
    }

    @Override
    public String toString() {
        return "WebSocket[" + url + (isOpen() ? "" : ", closed") + "]";
    }

    private static void checkCloseCode(int code) {
        boolean sendable = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!sendable) {
            throw new IllegalArgumentException("close code " + code + " cannot be sent: use 1000-1003, "
                    + "1007-1014 or 3000-4999 (1005, 1006 and 1015 only report what happened)");
        }
    }

    /**
     * A message received, or the close that ends a WebSocket. Immutable; {@link #bytes()} returns a
     * copy.
     */
    public static final class Message {
        private static final int TEXT = 0;
        private static final int BINARY = 1;
        private static final int CLOSE = 2;
        private static final byte[] NO_BYTES = new byte[0];

        private final int kind;
        /** The text, or the close reason; "" for a binary message. */
        private final String text;
        /** The bytes of a binary message; none for the others. */
        private final byte[] bytes;

        private final int closeCode;

        private Message(int kind, String text, byte[] bytes, int closeCode) {
            this.kind = kind;
            this.text = text;
            this.bytes = bytes;
            this.closeCode = closeCode;
        }

        /** Returns a text message. */
        public static Message text(String text) {
            return new Message(TEXT, Objects.requireNonNull(text, "text"), NO_BYTES, 0);
        }

        /** Returns a binary message holding a copy of {@code bytes}. */
        public static Message binary(byte[] bytes) {
            return new Message(
                    BINARY, "", Objects.requireNonNull(bytes, "bytes").clone(), 0);
        }

        /**
         * Returns a close with {@code code} (1000 to 4999, including 1005 "no code" and 1006 "no
         * close frame") and {@code reason}.
         */
        public static Message close(int code, String reason) {
            if (code < 1000 || code > 4999) {
                throw new IllegalArgumentException("a close code is between 1000 and 4999: " + code);
            }
            return new Message(CLOSE, Objects.requireNonNull(reason, "reason"), NO_BYTES, code);
        }

        /** A received binary message, owning {@code bytes}. */
        static Message owning(byte[] bytes) {
            return new Message(BINARY, "", bytes, 0);
        }

        /** Returns whether this is a text message. */
        public boolean isText() {
            return kind == TEXT;
        }

        /** Returns whether this is a binary message. */
        public boolean isBinary() {
            return kind == BINARY;
        }

        /** Returns whether this is the close that ends the WebSocket. */
        public boolean isClose() {
            return kind == CLOSE;
        }

        /**
         * Returns the text of a text message.
         *
         * @throws IllegalStateException for a binary message or the close
         */
        public String text() {
            if (kind != TEXT) {
                throw new IllegalStateException(
                        kind == BINARY
                                ? "a binary message has no text: use bytes()"
                                : "the close has no text: use closeCode() and closeReason()");
            }
            return text;
        }

        /**
         * Returns a copy of the bytes of a binary message, or the UTF-8 bytes of a text message.
         *
         * @throws IllegalStateException for the close
         */
        public byte[] bytes() {
            return switch (kind) {
                case BINARY -> bytes.clone();
                case TEXT -> text.getBytes(StandardCharsets.UTF_8);
                default -> throw new IllegalStateException("the close has no bytes: use closeCode() and closeReason()");
            };
        }

        /**
         * Returns the bytes of a binary message as a read-only buffer, without a copy.
         *
         * @throws IllegalStateException for a text message or the close
         */
        public ByteBuffer buffer() {
            if (kind != BINARY) {
                throw new IllegalStateException("only a binary message has a buffer: use text() or bytes()");
            }
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        /**
         * Returns the close code: the server's (1005 if its close frame had none), the one this
         * side failed the connection with, or 1006 if the connection ended without a close frame.
         *
         * @throws IllegalStateException for a text or binary message
         */
        public int closeCode() {
            checkClose();
            return closeCode;
        }

        /**
         * Returns the close reason ("" for none); for a 1006, what ended the connection.
         *
         * @throws IllegalStateException for a text or binary message
         */
        public String closeReason() {
            checkClose();
            return text;
        }

        private void checkClose() {
            if (kind != CLOSE) {
                throw new IllegalStateException("only the close has a close code and reason");
            }
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof Message m
                    && m.kind == kind
                    && m.closeCode == closeCode
                    && Objects.equals(m.text, text)
                    && Arrays.equals(m.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, text, closeCode) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case TEXT -> "Message[text, " + text.length() + " chars]";
                case BINARY -> "Message[binary, " + bytes.length + " bytes]";
                default -> "Message[close " + closeCode + (text.isEmpty() ? "" : " " + text) + "]";
            };
        }
    }

    /**
     * Configures a {@link WebSocket}; from {@link ClientSession#websocket(String)}. Not
     * thread-safe. Defaults: the session's headers, credentials, cookies, User-Agent, TLS settings
     * and timeouts (connect, TLS handshake, and the read timeout for the handshake's answer; an
     * open WebSocket has no read timeout: see {@link #pingInterval(Duration)}), no subprotocol,
     * {@code permessage-deflate} offered, messages up to 4 MiB, no keep-alive pings, a 5 s close timeout, a 16 MiB send buffer.
     */
    public static final class Builder {
        private static final Set<String> HANDSHAKE_HEADERS = Set.of(
                "upgrade",
                "connection",
                "sec-websocket-key",
                "sec-websocket-version",
                "sec-websocket-extensions",
                "sec-websocket-protocol",
                "sec-websocket-accept");

        private final ClientSession session;
        private final RequestBuilder request;
        private final List<String> subprotocols = new ArrayList<>();
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private Duration pingInterval = Duration.ZERO;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private boolean compression = true;
        private long sendBufferLimit = DEFAULT_SEND_BUFFER_LIMIT;

        Builder(ClientSession session, String url) {
            this.session = session;
            this.request = session.get(httpUrl(Objects.requireNonNull(url, "url")));
        }

        /** The http(s) URL a ws(s) URL stands for: the URL parser and the pool know only those. */
        private static String httpUrl(String url) {
            String lower = url.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ws://")) {
                return "http://" + url.substring(5);
            }
            if (lower.startsWith("wss://")) {
                return "https://" + url.substring(6);
            }
            return url;
        }

        /**
         * Sets a header of the opening handshake, replacing the session's of that name.
         *
         * @throws IllegalArgumentException for a header the handshake itself sends
         *     ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-*}: see
         *     {@link #subprotocols} and {@link #compression})
         * @throws InvalidRequestException if the name or value is not valid in HTTP
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (HANDSHAKE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is the handshake's own header: it cannot be set");
            }
            request.header(name, value);
            return this;
        }

        /** Sets each of {@code headers} as {@link #header(String, String)} does. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /** Authenticates with HTTP Basic, as {@link RequestBuilder#basicAuth(String, String)}. */
        public Builder basicAuth(String user, String password) {
            request.basicAuth(user, password);
            return this;
        }

        /** Authenticates with a bearer token, as {@link RequestBuilder#bearerAuth(String)}. */
        public Builder bearerAuth(String token) {
            request.bearerAuth(token);
            return this;
        }

        /**
         * Offers {@code names} as subprotocols ({@code Sec-WebSocket-Protocol}), in order of
         * preference; {@link WebSocket#subprotocol()} says which the server chose, if any. A server
         * that chooses one not offered fails the handshake.
         *
         * @throws IllegalArgumentException if a name is empty or not an HTTP token
         */
        public Builder subprotocols(String... names) {
            for (String name : names) {
                if (name == null || name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                    throw new IllegalArgumentException("not a subprotocol token: " + name);
                }
                subprotocols.add(name);
            }
            return this;
        }

        /**
         * Sets the largest message received, in bytes once decompressed, fragments together
         * (default 4 MiB); a larger one closes the WebSocket with 1009.
         */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 125) {
                throw new IllegalArgumentException("maxMessageSize must be at least 125 bytes: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Sends a ping every {@code interval} (default none; {@code null} or zero turns it off),
         * to keep proxies and NATs from dropping a quiet connection, and to find a dead one: if
         * nothing at all was read during a whole interval after a ping (while this side was
         * reading), the connection is dropped and the last message is a close with 1006.
         */
        public Builder pingInterval(@Nullable Duration interval) {
            if (interval != null && interval.isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative: " + interval);
            }
            this.pingInterval = interval == null ? Duration.ZERO : interval;
            return this;
        }

        /** Sets how long the server may take to answer a close before the connection is dropped (default 5 s). */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be positive: " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Sets whether {@code permessage-deflate} is offered (default true); the server may still decline it. */
        public Builder compression(boolean offer) {
            this.compression = offer;
            return this;
        }

        /**
         * Sets the most bytes of messages sent but not yet written to the socket (default 16 MiB);
         * a send beyond it fails at once (a single larger message is still sent when nothing else
         * is pending).
         */
        public Builder sendBufferLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("sendBufferLimit must be positive: " + bytes);
            }
            this.sendBufferLimit = bytes;
            return this;
        }

        /**
         * Connects and completes the opening handshake, waiting for it.
         *
         * @throws ClientResponseException if the server answered without opening a WebSocket: any
         *     status but 101 (e.g. a 403, whatever raise-for-status says), or a 101 that breaks
         *     RFC 6455 (no {@code Upgrade: websocket}, a wrong {@code Sec-WebSocket-Accept}, a
         *     subprotocol or extension that was not offered); {@code status()} tells which
         * @throws ClientConnectionException if the connection or TLS failed
         * @throws ClientTimeoutException if connecting, the TLS handshake or the answer took too long
         * @throws InvalidRequestException if the URL or a header is invalid
         * @throws CancellationException if the thread is interrupted (the interrupt flag stays set)
         */
        public WebSocket connect() {
            CompletableFuture<WebSocket> pending = connectAsync();
            try {
                return pending.get();
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                CancellationException cancelled = new CancellationException("interrupted while opening a WebSocket");
                cancelled.initCause(e);
                throw cancelled;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /**
         * Connects and completes the opening handshake without blocking. The future completes on
         * the callback executor, failed with the exceptions {@link #connect()} raises; cancelling it
         * drops the connection.
         *
         * @throws InvalidRequestException if the URL or a header is invalid
         */
        public CompletableFuture<WebSocket> connectAsync() {
            Request built = request.build();
            if (session.isClosed()) {
                throw new IllegalStateException("this ClientSession is closed");
            }
            String url = built.url().toString().replaceFirst("^http", "ws");
            WsSettings settings = new WsSettings(
                    subprotocols,
                    maxMessageSize,
                    pingInterval.toNanos(),
                    closeTimeout.toNanos(),
                    compression,
                    sendBufferLimit);
            CompletableFuture<WsConnection> opening = session.websockets().connect(built, settings);
            CompletableFuture<WebSocket> result = new CompletableFuture<>() {
                @Override
                public boolean cancel(boolean mayInterruptIfRunning) {
                    opening.cancel(mayInterruptIfRunning);
                    return super.cancel(mayInterruptIfRunning);
                }
            };
            opening.whenComplete((connection, failure) -> {
                if (failure == null) {
                    if (!result.complete(new WebSocket(connection, url, closeTimeout))) {
                        connection.abort();
                    }
                } else {
                    result.completeExceptionally(raised(built, failure));
                }
            });
            return result;
        }

        private Throwable raised(Request built, Throwable failure) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof HandshakeRefused refused) {
                Response response = new Response(
                        built,
                        refused.status(),
                        refused.reason(),
                        refused.headers(),
                        "HTTP/1.1",
                        refused.body(),
                        List.of(),
                        session.config().jsonCodec(),
                        session.config().checkJsonContentType());
                return new ClientResponseException(
                        response,
                        Objects.requireNonNull(refused.getMessage(), "HandshakeRefused always has a message"));
            }
            return cause;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
