package io.posthaste.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.posthaste.Body;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.body.BodySink;
import io.posthaste.internal.body.FileBody;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What every protocol's blocking body sender shares: the body's bytes gathered into buffers of
 * a size the subclass chooses ({@value #BUFFER_SIZE} bytes unless it says otherwise), each handed
 * on ({@link #send}) once full; the count of bytes checked against a declared length (never
 * more, and exactly that many at the end); and the wait until the transport can take the next
 * buffer ({@link #awaitReady}), so a fast source never piles up memory in front of a slow
 * server. A subclass says how a buffer goes out and when the transport is ready.
 *
 * <p>Threading: one sending thread writes; {@link #signal} may come from any thread (the event
 * loop, when the transport can take more) and never blocks.
 */
public abstract class BufferedBodyWriter extends OutputStream implements BodySink {

    /** How many bytes of the body go out at a time, unless a subclass chooses otherwise. */
    protected static final int BUFFER_SIZE = 64 * 1024;

    /** The longest the sender sleeps before it looks again, woken or not. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long declaredLength;
    private final int bufferSize;
    /** The sending thread while it waits for the transport, else null. */
    private volatile Thread waiter;

    private ByteBuf buffer;
    private long written;

    /** {@code declaredLength}: the bytes the body must write, or -1 if it is not known. */
    protected BufferedBodyWriter(long declaredLength) {
        this(declaredLength, BUFFER_SIZE);
    }

    /** As above, with buffers of {@code bufferSize} bytes. */
    protected BufferedBodyWriter(long declaredLength, int bufferSize) {
        this.declaredLength = declaredLength;
        this.bufferSize = bufferSize;
    }

    /** Returns the allocator of the buffers. */
    protected abstract ByteBufAllocator alloc();

    /** Sends {@code full}, a buffer of the body's bytes, taking ownership of it. */
    protected abstract void send(ByteBuf full) throws IOException;

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            ByteBuf into = buffer();
            int n = Math.min(len, into.writableBytes());
            count(n);
            into.writeBytes(b, off, n);
            off += n;
            len -= n;
            sendIfFull();
        }
    }

    /**
     * Writes {@code body} whole. A file is read straight into the buffers, a buffer's worth per
     * read and one copy, rather than through {@code InputStream.transferTo}'s 8 KiB array (eight
     * times the reads, two copies); its declared length is what is sent. Any other body writes its
     * bytes to this stream.
     */
    @Override
    public final void writeBody(Body body) throws IOException {
        FileBody file = BodyKind.fileOf(body);
        if (file == null) {
            body.writeTo(this);
            return;
        }
        try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            long position = 0;
            while (position < file.length()) {
                ByteBuf into = buffer();
                int want = (int) Math.min(into.writableBytes(), file.length() - position);
                int read = into.writeBytes(in, position, want);
                if (read < 0) {
                    throw new IOException(file.path() + " shrank while it was being sent");
                }
                count(read);
                position += read;
                sendIfFull();
            }
        }
    }

    /** Returns the buffer being filled, making one if none is. */
    protected final ByteBuf buffer() {
        if (buffer == null) {
            buffer = alloc().buffer(bufferSize);
        }
        return buffer;
    }

    /** Sends the buffer being filled if it is full. */
    protected final void sendIfFull() throws IOException {
        if (!buffer.isWritable()) {
            send(takeBuffer());
        }
    }

    /** Returns the buffer being filled, now the caller's, or null if none is. */
    protected final ByteBuf takeBuffer() {
        ByteBuf taken = buffer;
        buffer = null;
        return taken;
    }

    /** Releases the buffer being filled, if any: the body ended, well or not. */
    protected final void releaseBuffer() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    /** Counts {@code n} more bytes of the body, failing past its declared length. */
    protected final void count(long n) throws IOException {
        written += n;
        if (declaredLength >= 0 && written > declaredLength) {
            throw new IOException("the body wrote more than its declared length of " + declaredLength + " bytes");
        }
    }

    /** Fails unless the body wrote exactly its declared length (if it has one). */
    protected final void checkComplete() throws IOException {
        if (declaredLength >= 0 && written != declaredLength) {
            throw new IOException("the body wrote " + written + " bytes but its declared length is " + declaredLength);
        }
    }

    /**
     * Waits until the transport is {@link #isReady ready} for another buffer, failing once the
     * exchange {@link #isAbandoned is over} or the thread is interrupted. Sleeps at most 100 ms at a
     * time, so a lost wake-up costs a delay, never a hang.
     */
    protected final void awaitReady() throws IOException {
        while (!isReady()) {
            if (isAbandoned()) {
                throw new IOException("the exchange ended while the body was being sent");
            }
            // Publish the thread before the second look: a signal that comes after that look
            // finds the thread and unparks it; one that came before it left the transport ready.
            waiter = Thread.currentThread();
            if (!isReady()) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
            waiter = null;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while sending the body");
            }
        }
        if (isAbandoned()) {
            throw new IOException("the exchange ended while the body was being sent");
        }
    }

    /** Returns whether the transport can take another buffer now. Any thread. */
    protected abstract boolean isReady();

    /** Returns whether the exchange is over, so that sending must stop. Any thread. */
    @Override
    public abstract boolean isAbandoned();

    /** Wakes the sender to look again. Any thread; never blocks (the event loop calls it). */
    public final void signal() {
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }
}
