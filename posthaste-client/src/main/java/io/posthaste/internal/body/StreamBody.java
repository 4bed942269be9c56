package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** A body copied from an {@link InputStream}: once, or from a fresh stream per attempt. */
public final class StreamBody implements Body {

    private final Supplier<? extends InputStream> streams;
    private final long length;
    private final MediaType contentType;
    private final boolean replayable;
    private final AtomicBoolean used = new AtomicBoolean();

    private StreamBody(
            Supplier<? extends InputStream> streams, long length, MediaType contentType, boolean replayable) {
        this.streams = streams;
        this.length = length;
        this.contentType = contentType;
        this.replayable = replayable;
    }

    /** Returns a body that reads {@code stream} once and then closes it. */
    public static StreamBody oneShot(InputStream stream, long length, MediaType contentType) {
        return new StreamBody(() -> stream, length, contentType, false);
    }

    /** Returns a body that opens a new stream from {@code streams} for each attempt. */
    public static StreamBody replayable(Supplier<? extends InputStream> streams, long length, MediaType contentType) {
        return new StreamBody(streams, length, contentType, true);
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return replayable;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        if (!replayable && !used.compareAndSet(false, true)) {
            throw new IOException("this one-shot stream body has already been sent once");
        }
        try (InputStream in = streams.get()) {
            if (in == null) {
                throw new IOException("the body's stream supplier returned null");
            }
            in.transferTo(out);
        }
    }

    /** Closes the stream of a one-shot body that will never be sent (the request failed first). */
    public void discard() {
        if (!replayable && used.compareAndSet(false, true)) {
            try {
                streams.get().close();
            } catch (IOException | RuntimeException ignored) {
                // Nothing more to do: the request has already failed for a better reason.
            }
        }
    }
}
