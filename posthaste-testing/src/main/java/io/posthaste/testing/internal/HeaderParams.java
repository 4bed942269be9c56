package io.posthaste.testing.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code value; name=param; name="quoted \" param"} header values such as
 * {@code Content-Type} and {@code Content-Disposition}, including RFC 8187 {@code name*} parameters.
 *
 * @param value the part before the first {@code ;}, trimmed and lower-cased
 * @param params parameter names lower-cased, in order; {@code name*} already decoded into {@code name*}
 */
public record HeaderParams(String value, Map<String, String> params) {

    /** Parses {@code header}; never throws, since a bad header is for the caller to judge. */
    public static HeaderParams parse(String header) {
        if (header == null) {
            return new HeaderParams("", Map.of());
        }
        int semi = indexOfUnquoted(header, 0);
        String value =
                header.substring(0, semi < 0 ? header.length() : semi).trim().toLowerCase(java.util.Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int pos = semi;
        while (pos >= 0 && pos < header.length()) {
            int next = indexOfUnquoted(header, pos + 1);
            String item =
                    header.substring(pos + 1, next < 0 ? header.length() : next).trim();
            int eq = item.indexOf('=');
            if (eq > 0) {
                String name = item.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
                String raw = item.substring(eq + 1).trim();
                String parsed = raw.startsWith("\"") ? unquote(raw) : raw;
                if (name.endsWith("*")) {
                    parsed = decodeExtValue(raw);
                }
                params.putIfAbsent(name, parsed);
            }
            pos = next;
        }
        return new HeaderParams(value, params);
    }

    /** Returns a parameter, or null. */
    public String param(String name) {
        return params.get(name);
    }

    private static int indexOfUnquoted(String s, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                sb.append(raw.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                sb.append(c);
            }
        }
        // Header bytes arrive as Latin-1; multipart names and filenames are sent as UTF-8 (RFC 7578 §5.1).
        return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** Decodes {@code charset'language'percent-encoded} (RFC 8187); returns the raw text when malformed. */
    private static String decodeExtValue(String raw) {
        int first = raw.indexOf('\'');
        int second = first < 0 ? -1 : raw.indexOf('\'', first + 1);
        if (second < 0) {
            return raw;
        }
        Charset charset;
        try {
            charset = Charset.forName(raw.substring(0, first));
        } catch (RuntimeException e) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String encoded = raw.substring(second + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                int b = HexFormatCompat.hexPair(encoded, i + 1);
                if (b < 0) {
                    return raw;
                }
                out.write(b);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(charset);
    }
}
