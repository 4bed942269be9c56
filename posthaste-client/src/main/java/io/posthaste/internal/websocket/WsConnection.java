package io.posthaste.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.posthaste.ClientConnectionException;
import io.posthaste.Headers;
import io.posthaste.WebSocket;
import io.posthaste.internal.connection.Connection;
import io.posthaste.internal.connection.Origin;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * An open WebSocket, as {@link io.posthaste.WebSocket} uses it: sends (each a future completed
 * once its frame is on the socket, with the bytes not yet written bounded), the close handshake,
 * and receiving from the {@link Inbox}. A {@link Connection} only so that the transport can open it;
 * it is never pooled. Thread-safe; the frames' state lives on the channel's loop
 * ({@link FrameHandler}); futures complete on the session's callback executor.
 */
public final class WsConnection implements Connection {

    private final Origin origin;
    private final Channel channel;
    private final WsSettings settings;
    private final Executor executor;
    private final BooleanSupplier sessionClosing;
    private final String name;
    private final Inbox inbox;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile FrameHandler frames;
    private volatile String subprotocol = "";
    private volatile boolean compressed;
    private volatile Headers handshakeHeaders = Headers.empty();
    private volatile WebSocket.Message closeMessage;

    WsConnection(
            Origin origin,
            Channel channel,
            WsSettings settings,
            Executor executor,
            BooleanSupplier sessionClosing,
            String name) {
        this.origin = origin;
        this.channel = channel;
        this.settings = settings;
        this.executor = executor;
        this.sessionClosing = sessionClosing;
        this.name = name;
        this.inbox = new Inbox(
                executor,
                settings.maxMessageSize(),
                () -> channel.eventLoop().execute(() -> channel.config().setAutoRead(true)));
    }

    /** Called once the opening handshake succeeded, on the loop, before any frame is read. */
    FrameHandler opened(String protocol, boolean deflate, Headers headers) {
        this.subprotocol = protocol == null ? "" : protocol;
        this.compressed = deflate;
        this.handshakeHeaders = headers;
        this.frames = new FrameHandler(this, settings.maxMessageSize());
        return frames;
    }

    /** Returns the subprotocol the server chose, or "" for none. */
    public String subprotocol() {
        return subprotocol;
    }

    /** Returns whether {@code permessage-deflate} was negotiated. */
    public boolean isCompressed() {
        return compressed;
    }

    /** Returns the headers of the server's {@code 101} answer. */
    public Headers handshakeHeaders() {
        return handshakeHeaders;
    }

    /** Returns the bytes of messages sent but not yet written to the socket. */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    /** Returns whether the connection is open and no close was asked for. */
    public boolean isOpen() {
        return !closeRequested.get() && closeMessage == null && channel.isActive();
    }

    /** Sends a text message (UTF-8). */
    public CompletableFuture<Void> sendText(CharSequence text) {
        CompletableFuture<Void> refused = refuse(ByteBufUtil.utf8Bytes(text));
        if (refused != null) {
            return refused;
        }
        return write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)));
    }

    /** Sends a binary message, copied at once. */
    public CompletableFuture<Void> sendBinary(byte[] bytes) {
        CompletableFuture<Void> refused = refuse(bytes.length);
        if (refused != null) {
            return refused;
        }
        ByteBuf copy = channel.alloc().buffer(bytes.length).writeBytes(bytes);
        return write(new BinaryWebSocketFrame(copy));
    }

    /**
     * Counts {@code size} bytes as pending; returns a failed future instead if the WebSocket is
     * closed or the bytes would overflow the send buffer (a message larger than the buffer goes
     * alone), else null.
     */
    private CompletableFuture<Void> refuse(int size) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        long pending = pendingBytes.addAndGet(size);
        if (pending > settings.sendBufferLimit() && pending != size) {
            pendingBytes.addAndGet(-size);
            return CompletableFuture.failedFuture(new IllegalStateException(name + ": the send buffer is full ("
                    + (pending - size) + " bytes not yet written, limit " + settings.sendBufferLimit()
                    + "): wait for the futures of earlier sends before sending more"));
        }
        return null;
    }

    private CompletableFuture<Void> write(WebSocketFrame frame) {
        int size = frame.content().readableBytes();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(frame).addListener(f -> {
            pendingBytes.addAndGet(-size);
            if (f.isSuccess()) {
                complete(sent, null);
            } else {
                complete(
                        sent,
                        closeMessage != null || closeRequested.get()
                                ? closedFailure()
                                : new ClientConnectionException(
                                        name + ": the message could not be sent: " + f.cause(),
                                        f.cause(),
                                        false,
                                        true));
                channel.close();
            }
        });
        return sent;
    }

    private ClientConnectionException closedFailure() {
        WebSocket.Message last = closeMessage;
        return new ClientConnectionException(
                name
                        + (last == null
                                ? ": the WebSocket is closing"
                                : ": the WebSocket is closed (" + last.closeCode()
                                        + (last.closeReason().isEmpty() ? "" : " " + last.closeReason()) + ")"),
                null,
                false,
                false);
    }

    /**
     * Starts the close handshake with {@code code} and {@code reason} (checked by the caller);
     * returns a future completed once the connection is closed, by the server's answer or the
     * close timeout. A second call starts nothing.
     */
    public CompletableFuture<Void> close(int code, String reason) {
        if (closeRequested.compareAndSet(false, true)) {
            FrameHandler handler = frames;
            channel.eventLoop().execute(() -> handler.startClose(code, reason));
        }
        return closed.copy();
    }

    /** Drops the connection at once, without a close handshake. */
    public void abort() {
        closeRequested.set(true);
        channel.close();
    }

    /** Returns a future completed once the connection is closed. */
    public CompletableFuture<Void> whenClosed() {
        return closed.copy();
    }

    /**
     * Returns the next message, waiting for it; the close is the last, returned again to every
     * later call.
     *
     * @throws CancellationException if the thread is interrupted while waiting (the interrupt
     *     flag stays set)
     */
    public WebSocket.Message receive() {
        CompletableFuture<WebSocket.Message> next = inbox.next(false);
        try {
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!next.cancel(false)) {
                // A message was already handed to this receiver: it is returned, not lost.
                return next.join();
            }
            CancellationException cancelled =
                    new CancellationException(name + ": interrupted while waiting for a message");
            cancelled.initCause(e);
            throw cancelled;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Returns a future of the next message, completed on the callback executor. */
    public CompletableFuture<WebSocket.Message> receiveAsync() {
        return inbox.next(true);
    }

    /** The connection is gone; {@code close} is its last message. Event loop. */
    void closed(WebSocket.Message close) {
        closeMessage = close;
        inbox.offer(close);
        complete(closed, null);
    }

    private <T> void complete(CompletableFuture<T> future, Throwable failure) {
        Runnable completion =
                failure == null ? () -> future.complete(null) : () -> future.completeExceptionally(failure);
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    WsSettings settings() {
        return settings;
    }

    Inbox inbox() {
        return inbox;
    }

    boolean isSessionClosing() {
        return sessionClosing.getAsBoolean();
    }

    @Override
    public Origin origin() {
        return origin;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean isUsable() {
        return false;
    }

    @Override
    public void idleSince(long nanoTime) {
        // Never pooled, never idle.
    }

    @Override
    public long idleSince() {
        return 0;
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        return name;
    }
}
