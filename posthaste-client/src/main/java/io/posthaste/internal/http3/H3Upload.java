package io.posthaste.internal.http3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.posthaste.Body;
import io.posthaste.ClientPayloadException;
import io.posthaste.internal.body.BodySink;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.ExchangeSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a body that needs blocking reads (a stream or a file: HTTP/3 has no zero-copy) from a
 * blocking thread, in DATA frames of up to {@value #BUFFER_SIZE} bytes. It hands the event loop
 * one buffer at a time, and the next only once the loop has queued it and the stream is writable
 * (QUIC's flow control for the stream and the connection can take more), so a 1 GiB upload to a
 * slow server holds about one buffer plus one window, never the file. It stops at the first failure or once
 * the exchange is over, and checks that a body with a declared length wrote exactly that many
 * bytes; the stream's FIN follows the last frame.
 */
final class H3Upload extends OutputStream implements BodySink {

    private static final int BUFFER_SIZE = 64 * 1024;
    /** The longest the pump sleeps before it looks again, woken or not. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final H3Stream stream;
    private final long declaredLength;
    private volatile boolean queued;
    private volatile Thread waiter;
    private ByteBuf buffer;
    private long written;

    private H3Upload(H3Stream stream, long declaredLength) {
        this.stream = stream;
        this.declaredLength = declaredLength;
    }

    /** Starts sending the body of {@code spec} on a thread of {@code blocking}; returns the pump. */
    static H3Upload start(H3Stream stream, Attempt attempt, ExchangeSpec spec, Executor blocking) {
        H3Upload upload =
                new H3Upload(stream, spec.framing() == ExchangeSpec.Framing.CHUNKED ? -1 : spec.declaredLength());
        blocking.execute(() -> {
            try {
                upload.send(spec.body());
            } catch (IOException | RuntimeException e) {
                attempt.onBodyFailed(new ClientPayloadException(
                        "cannot send the body of " + spec.describe() + ": " + e.getMessage(), e));
            }
        });
        return upload;
    }

    private void send(Body body) throws IOException {
        try {
            if (body != null) {
                writeBody(body);
            }
            if (declaredLength >= 0 && written != declaredLength) {
                throw new IOException(
                        "the body wrote " + written + " bytes but its declared length is " + declaredLength);
            }
            // What is left goes as the last frame, then the FIN (no chunked framing on HTTP/3).
            ByteBuf last = buffer != null ? buffer : Unpooled.EMPTY_BUFFER;
            buffer = null;
            hand(last, true);
        } finally {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }
    }

    @Override
    public void writeBody(Body body) throws IOException {
        body.writeTo(this);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (buffer == null) {
                buffer = stream.alloc().buffer(BUFFER_SIZE);
            }
            int n = Math.min(len, buffer.writableBytes());
            written += n;
            if (declaredLength >= 0 && written > declaredLength) {
                throw new IOException("the body wrote more than its declared length of " + declaredLength + " bytes");
            }
            buffer.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (!buffer.isWritable()) {
                ByteBuf full = buffer;
                buffer = null;
                hand(full, false);
            }
        }
    }

    /** Hands {@code data} to the loop once the stream can take it. */
    private void hand(ByteBuf data, boolean last) throws IOException {
        try {
            awaitWritable();
        } catch (IOException e) {
            data.release();
            throw e;
        }
        queued = true;
        stream.eventLoop().execute(() -> stream.writeData(data, last));
    }

    private void awaitWritable() throws IOException {
        while (queued || !stream.isWritable()) {
            if (stream.isAbandoned()) {
                throw new IOException("the exchange ended while the body was being sent");
            }
            // Publish the thread before the second look: a signal after it unparks the thread.
            waiter = Thread.currentThread();
            if (queued || !stream.isWritable()) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
            waiter = null;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while sending the body");
            }
        }
        if (stream.isAbandoned()) {
            throw new IOException("the exchange ended while the body was being sent");
        }
    }

    /** The loop queued the last buffer handed to it. Event loop. */
    void onWriteQueued() {
        queued = false;
        signal();
    }

    /** Wakes the pump to look again. Any thread; never blocks. */
    void signal() {
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }
}
