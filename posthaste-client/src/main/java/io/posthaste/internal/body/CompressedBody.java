package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A body compressed with gzip or deflate (zlib) while it is written. Its compressed length is
 * unknown in advance, so it goes out chunked; it can be sent again if the body inside can.
 */
public final class CompressedBody implements Body {

    private final Body inner;
    private final boolean gzip;

    public CompressedBody(Body inner, String encoding) {
        this.inner = inner;
        this.gzip = encoding.equalsIgnoreCase("gzip");
    }

    @Override
    public MediaType contentType() {
        return inner.contentType();
    }

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public boolean isReplayable() {
        return inner.isReplayable();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        // The compressor must not close the transport's stream when it finishes.
        OutputStream shield = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        try (DeflaterOutputStream compressor =
                gzip ? new GZIPOutputStream(shield, 8192) : new DeflaterOutputStream(shield)) {
            inner.writeTo(compressor);
        }
    }
}
