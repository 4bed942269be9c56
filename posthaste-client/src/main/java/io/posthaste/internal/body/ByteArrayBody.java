package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.OutputStream;

/** A body held in memory. The array is owned by this body and never changed. */
public record ByteArrayBody(byte[] bytes, MediaType contentType) implements Body {

    @Override
    public long contentLength() {
        return bytes.length;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
