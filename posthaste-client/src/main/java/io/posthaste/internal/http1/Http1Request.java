package io.posthaste.internal.http1;

import io.posthaste.internal.exchange.Carrier;
import java.util.List;

/**
 * A request encoded for HTTP/1.1 and not written yet: the messages to write in order (the head's
 * buffer first, then body buffers and file regions), how many bytes of the first are the head,
 * and whether the body follows on a blocking thread.
 */
record Http1Request(List<Object> messages, int headLength, boolean bodyFollows) implements Carrier.Encoded {

    @Override
    public void discard() {
        RequestEncoder.release(messages);
    }
}
