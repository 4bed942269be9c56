package io.posthaste.internal.body;

import io.posthaste.Body;
import java.io.IOException;

/**
 * An output that takes whole bodies, so a transport can send a file part of a multipart body
 * zero-copy instead of receiving its bytes.
 */
public interface BodySink {

    /** Sends {@code body} in full at the current position. */
    void writeBody(Body body) throws IOException;

    /**
     * Returns whether nobody waits for the body any more (the exchange ended), so that a body
     * waiting on its source can give up. Any thread; false unless the sink can tell.
     */
    default boolean isAbandoned() {
        return false;
    }
}
