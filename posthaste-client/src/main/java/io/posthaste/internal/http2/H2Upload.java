package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.posthaste.Body;
import io.posthaste.ClientPayloadException;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.BufferedBodyWriter;
import io.posthaste.internal.exchange.ExchangeSpec;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Sends a body that needs blocking reads (a stream or a file: HTTP/2 has no zero-copy) from a
 * blocking thread, in buffers of {@value #BUFFER_BYTES} bytes, which the codec cuts into DATA
 * frames of the server's maximum frame size. Each buffer handed over costs this thread and the
 * loop a wake-up each; at 64 KiB those wake-ups took about a fifth of a 1 GiB upload's CPU,
 * which four times larger buffers save. It hands the event loop one buffer at a time,
 * and the next only once the loop has queued it and the stream is writable (its flow-control
 * window and the connection can take more), so a 1 GiB upload to a slow server holds about one
 * buffer plus one window, never the file. It stops at the first failure or once the exchange is
 * over, and checks that a body with a declared length wrote exactly that many bytes; the last
 * frame carries END_STREAM.
 */
final class H2Upload extends BufferedBodyWriter {

    /** How many bytes of the body are handed to the event loop at a time. */
    static final int BUFFER_BYTES = 256 * 1024;

    private final H2Stream stream;
    private volatile boolean queued;

    private H2Upload(H2Stream stream, long declaredLength) {
        super(declaredLength, BUFFER_BYTES);
        this.stream = stream;
    }

    /** Starts sending the body of {@code spec} on a thread of {@code blocking}; returns the pump. */
    static H2Upload start(H2Stream stream, Attempt attempt, ExchangeSpec spec, Executor blocking) {
        H2Upload upload =
                new H2Upload(stream, spec.framing() == ExchangeSpec.Framing.CHUNKED ? -1 : spec.declaredLength());
        blocking.execute(() -> {
            try {
                upload.sendAll(spec.body());
            } catch (IOException | RuntimeException e) {
                attempt.onBodyFailed(new ClientPayloadException(
                        "cannot send the body of " + spec.describe() + ": " + e.getMessage(), e));
            }
        });
        return upload;
    }

    private void sendAll(Body body) throws IOException {
        try {
            if (body != null) {
                writeBody(body);
            }
            checkComplete();
            // Nothing left over: an empty DATA frame carries END_STREAM (no chunked framing on h2).
            ByteBuf last = takeBuffer();
            hand(last != null ? last : Unpooled.EMPTY_BUFFER, true);
        } finally {
            releaseBuffer();
        }
    }

    @Override
    protected ByteBufAllocator alloc() {
        return stream.alloc();
    }

    @Override
    protected void send(ByteBuf full) throws IOException {
        hand(full, false);
    }

    /** Hands {@code data} to the loop once the stream can take it. */
    private void hand(ByteBuf data, boolean last) throws IOException {
        try {
            awaitReady();
        } catch (IOException e) {
            data.release();
            throw e;
        }
        queued = true;
        stream.eventLoop().execute(() -> stream.writeData(data, last));
    }

    @Override
    protected boolean isReady() {
        return !queued && stream.isWritable();
    }

    @Override
    public boolean isAbandoned() {
        return stream.isAbandoned();
    }

    /** The loop queued the last buffer handed to it. Event loop. */
    void onWriteQueued() {
        queued = false;
        signal();
    }
}
