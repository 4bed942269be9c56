package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.JsonCodec;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A value to be sent as JSON. It is encoded straight into the connection's buffer just before
 * sending, so its length is known only then; the transport always sends it with an exact
 * {@code Content-Length}.
 */
public record JsonBody(Object value, JsonCodec codec) implements Body {

    @Override
    public MediaType contentType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        codec.write(value, out);
    }
}
