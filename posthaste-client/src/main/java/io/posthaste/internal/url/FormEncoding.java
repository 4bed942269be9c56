package io.posthaste.internal.url;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} encoding as HTML forms and Python's
 * {@code urlencode} do it: unreserved characters kept, space as {@code +}, everything else as
 * {@code %XX} of its bytes in the chosen charset.
 */
public final class FormEncoding {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private FormEncoding() {}

    /** Encodes the fields in order as {@code k1=v1&k2=v2}. */
    public static byte[] encode(List<Map.Entry<String, String>> fields, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * fields.size() + 16);
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write('&');
            }
            appendEncoded(out, fields.get(i).getKey(), charset, true);
            out.write('=');
            appendEncoded(out, fields.get(i).getValue(), charset, true);
        }
        return out.toByteArray();
    }

    /**
     * Appends {@code text} percent-encoded to {@code out}.
     *
     * @param spaceAsPlus whether a space becomes {@code +} (forms) or {@code %20} (query strings)
     */
    public static void appendEncoded(ByteArrayOutputStream out, String text, Charset charset, boolean spaceAsPlus) {
        byte[] bytes = text.getBytes(charset);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.write(c);
            } else if (c == ' ' && spaceAsPlus) {
                out.write('+');
            } else {
                out.write('%');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 0xf]);
            }
        }
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }
}
