package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.posthaste.Body;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.body.BodySink;
import io.posthaste.internal.body.FileBody;
import io.posthaste.internal.exchange.Attempt;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a body that needs blocking I/O (a stream, or a file under TLS) from a thread of its own,
 * in buffers of {@value #BUFFER_SIZE} bytes, waiting whenever the channel's outbound buffer is
 * full, so a fast source never piles up memory in front of a slow server. It stops at the first
 * write that fails or once the exchange is over, and checks that a body with a declared length
 * wrote exactly that many bytes.
 */
final class BodyPump extends OutputStream implements BodySink {

    static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int BUFFER_SIZE = 64 * 1024;

    /** The longest the pump sleeps before it looks at the channel again, wake-up or not. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Channel channel;
    private final boolean chunked;
    private final long declaredLength;
    /** The pump's thread while it waits for the channel to drain, else null. */
    private volatile Thread waiter;
    private final Attempt attempt;
    private ByteBuf buffer;
    private long written;
    private ChannelFuture lastWrite;

    BodyPump(Attempt attempt, Channel channel, boolean chunked, long declaredLength) {
        this.attempt = attempt;
        this.channel = channel;
        this.chunked = chunked;
        this.declaredLength = declaredLength;
    }

    /** Writes {@code body} and the closing chunk; returns the future of the last write. */
    ChannelFuture pump(Body body) throws IOException {
        try {
            writeBody(body);
            flushBuffer();
            if (declaredLength >= 0 && written != declaredLength) {
                throw new IOException("the body wrote " + written + " bytes but its declared "
                        + "length is " + declaredLength);
            }
            if (chunked) {
                awaitWritable();
                lastWrite = channel.writeAndFlush(channel.alloc().buffer(5).writeBytes(LAST_CHUNK));
            }
            return lastWrite != null ? lastWrite : channel.newSucceededFuture();
        } finally {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }
    }

    /**
     * Wakes the pump when the channel can take more. Any thread; never blocks, because the
     * event loop calls it (a lock here would park the loop whenever the pump holds it).
     */
    void signalWritable() {
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }

    /** The channel's writability changed: the network is taking bytes. Event loop. */
    void onChannelWritabilityChanged() {
        attempt.onActivity();
        signalWritable();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (buffer == null) {
                buffer = channel.alloc().buffer(BUFFER_SIZE);
            }
            int n = Math.min(len, buffer.writableBytes());
            countAndCheck(n);
            buffer.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (!buffer.isWritable()) {
                flushBuffer();
            }
        }
    }

    @Override
    public void writeBody(Body body) throws IOException {
        FileBody file = BodyKind.fileOf(body);
        if (file == null) {
            body.writeTo(this);
            return;
        }
        try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            long position = 0;
            while (position < file.length()) {
                if (buffer == null) {
                    buffer = channel.alloc().buffer(BUFFER_SIZE);
                }
                int want = (int) Math.min(buffer.writableBytes(), file.length() - position);
                int read = buffer.writeBytes(in, position, want);
                if (read < 0) {
                    throw new IOException(file.path() + " shrank while it was being sent");
                }
                countAndCheck(read);
                position += read;
                if (!buffer.isWritable()) {
                    flushBuffer();
                }
            }
        }
    }

    @Override
    public boolean isAbandoned() {
        return attempt.isAbandoned() || !channel.isActive();
    }

    private void countAndCheck(long n) throws IOException {
        written += n;
        if (declaredLength >= 0 && written > declaredLength) {
            throw new IOException("the body wrote more than its declared length of "
                    + declaredLength + " bytes");
        }
    }

    private void flushBuffer() throws IOException {
        if (buffer == null || !buffer.isReadable()) {
            return;
        }
        ByteBuf data = buffer;
        buffer = null;
        int bodyBytes = data.readableBytes();
        try {
            awaitWritable();
        } catch (IOException e) {
            data.release(); // Taken out of the field, so the pump's finally cannot see it.
            throw e;
        }
        if (chunked) {
            ByteBuf header = channel.alloc().buffer(12);
            writeChunkHeader(header, data.readableBytes());
            channel.write(header);
            channel.write(data);
            lastWrite = channel.writeAndFlush(channel.alloc().buffer(2).writeBytes(CRLF));
        } else {
            lastWrite = channel.writeAndFlush(data);
        }
        attempt.onActivity();
        lastWrite.addListener(f -> {
            if (f.isSuccess()) {
                attempt.onBodyBytesWritten(bodyBytes);
            }
        });
    }

    private void awaitWritable() throws IOException {
        while (!channel.isWritable()) {
            if (attempt.isAbandoned() || !channel.isActive()) {
                throw new IOException("the exchange ended while the body was being sent");
            }
            // Publish the thread before the second look: a signal that comes after that look
            // finds the thread and unparks it; one that came before it left the channel writable.
            waiter = Thread.currentThread();
            if (!channel.isWritable()) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
            waiter = null;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while sending the body");
            }
        }
        if (attempt.isAbandoned()) {
            throw new IOException("the exchange ended while the body was being sent");
        }
    }

    static void writeChunkHeader(ByteBuf buf, int size) {
        ByteBufUtil.writeAscii(buf, Integer.toHexString(size));
        buf.writeBytes(CRLF);
    }
}
