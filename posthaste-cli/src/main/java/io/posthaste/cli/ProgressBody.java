package io.posthaste.cli;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A request body that advances a {@link ProgressBar} as the client writes it. The client has no
 * upload progress hook yet, so this wraps the body: the bytes still come from the wrapped body's
 * own {@code writeTo}, only counted on the way. (Wrapping turns off zero-copy file sends, which
 * is why the command wraps only when a bar is shown.)
 */
final class ProgressBody implements Body {

    private final Body body;
    private final ProgressBar bar;

    ProgressBody(Body body, ProgressBar bar) {
        this.body = body;
        this.bar = bar;
    }

    @Override
    public MediaType contentType() {
        return body.contentType();
    }

    @Override
    public long contentLength() {
        return body.contentLength();
    }

    @Override
    public boolean isReplayable() {
        return body.isReplayable();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        body.writeTo(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                bar.advance(1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                bar.advance(length);
            }
        });
        bar.finish();
    }
}
