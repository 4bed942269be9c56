package io.posthaste.internal.http2;

import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * HPACK's decoder, decoding header blocks into {@link H2Fields}, whose names it checks once per
 * name object ({@link H2Fields.CheckedNames}). One per connection, on its event loop.
 */
final class H2BlockDecoder extends DefaultHttp2HeadersDecoder {

    private final H2Fields.CheckedNames checked = new H2Fields.CheckedNames();

    /**
     * A decoder that checks names and pseudo-headers when {@code validate}, of blocks that decode
     * to at most {@code maxHeaderListSize} bytes.
     */
    H2BlockDecoder(boolean validate, long maxHeaderListSize) {
        super(validate, maxHeaderListSize, -1);
    }

    @Override
    protected Http2Headers newHeaders() {
        return H2Fields.received(numberOfHeadersGuess(), checked);
    }
}
