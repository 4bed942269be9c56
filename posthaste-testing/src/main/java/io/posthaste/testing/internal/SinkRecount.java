package io.posthaste.testing.internal;

import io.netty.buffer.Unpooled;
import io.posthaste.testing.RecordedRequest;
import java.util.List;

/**
 * Measures a {@code /sink} request whose body was recorded instead of streamed (when a custom
 * dispatcher delegates to the echo routes), so {@code /sink} answers the same shape either way.
 */
final class SinkRecount {

    private SinkRecount() {}

    static SinkResult of(RecordedRequest r) {
        SinkMeter meter = new SinkMeter(new RequestHead(r.method(), r.target(), r.version(), r.headers()));
        for (int ignored : r.chunkSizes()) {
            meter.chunk();
        }
        meter.add(Unpooled.wrappedBuffer(r.body()));
        SinkResult measured = meter.finish();
        if (measured.bytes() == r.bodySize()) {
            return measured;
        }
        // Part of the body was not recorded; report the true size and say the hash covers less.
        return new SinkResult(
                r.bodySize(),
                measured.sha256(),
                measured.chunked(),
                measured.chunks(),
                List.of(),
                "body was truncated to " + measured.bytes() + " recorded bytes; sha256 covers those only");
    }
}
