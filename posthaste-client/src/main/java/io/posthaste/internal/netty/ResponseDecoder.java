package io.posthaste.internal.netty;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Netty's response decoder, told which responses can have no body: a response to HEAD never has
 * one, whatever its {@code Content-Length} or {@code Transfer-Encoding} say (RFC 9110 §9.3.2).
 * Strict: bare LF line endings, and a response with both {@code Content-Length} and
 * {@code Transfer-Encoding}, are protocol errors, not things to guess about.
 */
final class ResponseDecoder extends HttpResponseDecoder {

    /** The longest status line accepted. */
    static final int MAX_INITIAL_LINE = 8190;

    private boolean headRequest;

    ResponseDecoder(int maxHeaderSize) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true));
    }

    /** Tells the decoder whether the request now in flight is a HEAD. Event loop only. */
    void expectHeadResponse(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }
}
