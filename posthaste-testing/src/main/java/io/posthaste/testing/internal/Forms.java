package io.posthaste.testing.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes query strings and urlencoded forms the way httpbin (Werkzeug) does. */
public final class Forms {

    private Forms() {}

    /**
     * Decodes {@code a=1&a=2&b} into an ordered multimap: {@code +} is a space, percent escapes are
     * UTF-8 (invalid sequences become U+FFFD), a key without {@code =} has the value "" and empty
     * pairs are skipped.
     */
    public static Map<String, List<String>> decode(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
            out.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
        }
        return out;
    }

    /** Collapses single-valued lists to their value, as httpbin's {@code semiflatten} does. */
    public static Map<String, Object> semiflatten(Map<String, List<String>> multi) {
        Map<String, Object> out = new LinkedHashMap<>();
        multi.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : List.copyOf(v)));
        return out;
    }

    /** Percent-decodes {@code s} as UTF-8 with {@code +} as space. */
    public static String unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%' && i + 2 < s.length() && HexFormatCompat.hexPair(s, i + 1) >= 0) {
                out.write(HexFormatCompat.hexPair(s, i + 1));
                i += 2;
            } else if (c < 0x100) {
                // Callers pass bytes as Latin-1 text, so every char below 256 is one raw byte.
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Percent-decodes a path segment (no {@code +} handling). */
    public static String unescapePath(String s) {
        return unescape(s.replace("+", "%2B"));
    }
}
