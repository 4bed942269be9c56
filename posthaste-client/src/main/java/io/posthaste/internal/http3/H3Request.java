package io.posthaste.internal.http3;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http3.Http3Headers;
import io.posthaste.internal.exchange.Carrier;

/**
 * A request encoded for HTTP/3 and not written yet: its header section, its body when it was in
 * memory (written as DATA right behind the HEADERS), and whether a body follows from a blocking
 * thread instead.
 */
final class H3Request implements Carrier.Encoded {

    private final Http3Headers headers;
    private final boolean bodyFollows;
    private ByteBuf data;

    H3Request(Http3Headers headers, ByteBuf data, boolean bodyFollows) {
        this.headers = headers;
        this.data = data;
        this.bodyFollows = bodyFollows;
    }

    Http3Headers headers() {
        return headers;
    }

    @Override
    public boolean bodyFollows() {
        return bodyFollows;
    }

    /** Takes the in-memory body (the caller now owns it), or null if there is none. */
    synchronized ByteBuf takeData() {
        ByteBuf taken = data;
        data = null;
        return taken;
    }

    @Override
    public void discard() {
        ByteBuf taken = takeData();
        if (taken != null) {
            taken.release();
        }
    }
}
