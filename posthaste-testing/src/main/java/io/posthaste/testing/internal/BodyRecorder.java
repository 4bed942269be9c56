package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Keeps the first bytes of a request body up to a limit and counts the rest. Not thread-safe. */
final class BodyRecorder {

    /** Chunk sizes beyond this many are counted but not listed, to bound memory. */
    static final int MAX_LISTED_CHUNKS = 100_000;

    private final long limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final List<Integer> chunkSizes = new ArrayList<>();
    private long size;
    private boolean chunked;

    BodyRecorder(long limit) {
        this.limit = limit;
    }

    void chunk(long chunkSize) {
        chunked = true;
        if (chunkSizes.size() < MAX_LISTED_CHUNKS) {
            chunkSizes.add((int) Math.min(Integer.MAX_VALUE, chunkSize));
        }
    }

    void add(ByteBuf data) {
        int n = data.readableBytes();
        size += n;
        int keep = (int) Math.min(n, limit - kept.size());
        if (keep > 0) {
            try {
                data.getBytes(data.readerIndex(), kept, keep);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    byte[] bytes() {
        return kept.toByteArray();
    }

    long size() {
        return size;
    }

    boolean chunked() {
        return chunked;
    }

    List<Integer> chunkSizes() {
        return List.copyOf(chunkSizes);
    }
}
