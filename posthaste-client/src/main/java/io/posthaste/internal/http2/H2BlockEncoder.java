package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * HPACK's encoder, remembering the last block it wrote when that block was nothing but
 * references to its tables (RFC 7541 section 6.1). Such a block leaves the tables as they were,
 * so the same fields, encoded again, give the same bytes: a connection that sends the same
 * request again (the same field objects: {@link H2Encoding} reuses them) gets them copied
 * instead of encoded. Every encode that may change the tables forgets the remembered block, as
 * does a change of the peer's limits. One per connection, on its event loop.
 */
final class H2BlockEncoder extends DefaultHttp2HeadersEncoder {

    /** The largest block remembered: all references, a request's take a few dozen bytes. */
    static final int REMEMBERED_BYTES = 256;

    private final byte[] lastBytes = new byte[REMEMBERED_BYTES];
    private int lastLength;
    /** The fields of the remembered block, or null when none is remembered. */
    private CharSequence[] lastFields;

    /** An encoder that never indexes the fields {@code sensitive} picks. */
    H2BlockEncoder(SensitivityDetector sensitive) {
        super(sensitive);
    }

    @Override
    public void encodeHeaders(int streamId, Http2Headers headers, ByteBuf buffer) throws Http2Exception {
        if (lastFields != null && headers instanceof H2Fields fields && fields.sameFieldsAs(lastFields)) {
            buffer.writeBytes(lastBytes, 0, lastLength);
            return;
        }
        lastFields = null; // This block may change the tables.
        int start = buffer.writerIndex();
        super.encodeHeaders(streamId, headers, buffer);
        int end = buffer.writerIndex();
        if (headers instanceof H2Fields fields
                && end - start <= REMEMBERED_BYTES
                && onlyReferences(buffer, start, end)) {
            buffer.getBytes(start, lastBytes, 0, end - start);
            lastLength = end - start;
            lastFields = fields.snapshot();
        }
    }

    @Override
    public void maxHeaderTableSize(long max) throws Http2Exception {
        lastFields = null;
        super.maxHeaderTableSize(max);
    }

    @Override
    public void maxHeaderListSize(long max) throws Http2Exception {
        lastFields = null;
        super.maxHeaderListSize(max);
    }

    /** Whether the HPACK block in {@code block[from, to)} is only indexed fields (section 6.1). */
    static boolean onlyReferences(ByteBuf block, int from, int to) {
        int at = from;
        while (at < to) {
            if ((block.getUnsignedByte(at) & 0x80) == 0) {
                return false;
            }
            at = H2BlockDecoder.skipInteger(block, at, to, 7);
            if (at < 0) {
                return false;
            }
        }
        return true;
    }
}
