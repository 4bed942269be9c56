package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the text of a response's fields (names, values, the reason phrase) through one
 * reusable buffer, so that a value costs one string. One per connection; event loop only.
 */
final class FieldText {

    private byte[] scratch = new byte[256];

    /** Decodes Latin-1 text, refusing control characters other than horizontal tab. */
    String decode(ByteBuf in, int start, int length, String what) {
        if (length == 0) {
            return "";
        }
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        in.getBytes(start, scratch, 0, length);
        for (int i = 0; i < length; i++) {
            int b = scratch[i] & 0xff;
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw new DecoderException("control character in the " + what);
            }
        }
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }
}
