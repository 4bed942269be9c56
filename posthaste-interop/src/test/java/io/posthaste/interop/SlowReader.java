package io.posthaste.interop;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Reads a body the way a slow consumer does, to exercise the client's HTTP/2 flow control. */
final class SlowReader {

    /** How much is read at a crawl: more than any server's initial send window (64 KiB by default). */
    static final long SLOW_PART = 1024 * 1024;

    private SlowReader() {}

    /**
     * Reads {@code body} to its end into {@code digest}, the first {@link #SLOW_PART} bytes 16 KiB
     * at a time with a 2 ms pause after each (about 130 ms in all), and returns the bytes read. The
     * server has long filled its window by then, so the rest comes only because the client opened
     * the window again for what the reader consumed.
     */
    static long digest(InputStream body, MessageDigest digest) throws IOException, InterruptedException {
        byte[] buffer = new byte[16 * 1024];
        long read = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            digest.update(buffer, 0, n);
            read += n;
            if (read < SLOW_PART) {
                Thread.sleep(2);
            }
        }
        return read;
    }
}
