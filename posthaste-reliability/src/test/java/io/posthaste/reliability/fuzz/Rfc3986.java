package io.posthaste.reliability.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent oracle for URL references: the component split of RFC 3986 Appendix B and the
 * resolution algorithm of §5.2 (merge and remove_dot_segments), written from the RFC and not
 * from {@link java.net.URI}, whose {@code resolve} follows the older RFC 2396.
 */
public final class Rfc3986 {

    /** Appendix B's pattern; DOTALL because its "." means any character, line breaks included. */
    private static final Pattern SPLIT =
            Pattern.compile("^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\\?([^#]*))?(#(.*))?", Pattern.DOTALL);

    /**
     * The five components; an undefined one is {@code null} (an empty one is {@code ""}).
     *
     * @param scheme the scheme or null
     * @param authority the authority or null
     * @param path the path, never null
     * @param query the query or null
     * @param fragment the fragment or null
     */
    public record Parts(String scheme, String authority, String path, String query, String fragment) {

        /** Returns the origin-form request-target: the path (at least "/") and the query. */
        public String target() {
            String p = path.isEmpty() ? "/" : path;
            return query == null ? p : p + "?" + query;
        }
    }

    private Rfc3986() {}

    /** Splits a reference into its components (Appendix B). */
    public static Parts split(String reference) {
        Matcher m = SPLIT.matcher(reference);
        if (!m.matches()) {
            throw new IllegalStateException("the Appendix B pattern matches every string");
        }
        return new Parts(m.group(2), m.group(4), m.group(5), m.group(7), m.group(9));
    }

    /** Resolves {@code reference} against {@code base} (§5.2.2, strict: a scheme is a scheme). */
    public static Parts resolve(Parts base, Parts reference) {
        if (reference.scheme() != null) {
            return new Parts(
                    reference.scheme().toLowerCase(Locale.ROOT),
                    reference.authority(),
                    removeDotSegments(reference.path()),
                    reference.query(),
                    reference.fragment());
        }
        if (reference.authority() != null) {
            return new Parts(
                    base.scheme(),
                    reference.authority(),
                    removeDotSegments(reference.path()),
                    reference.query(),
                    reference.fragment());
        }
        if (reference.path().isEmpty()) {
            return new Parts(
                    base.scheme(),
                    base.authority(),
                    base.path(),
                    reference.query() != null ? reference.query() : base.query(),
                    reference.fragment());
        }
        String path = reference.path().startsWith("/") ? reference.path() : merge(base, reference.path());
        return new Parts(
                base.scheme(), base.authority(), removeDotSegments(path), reference.query(), reference.fragment());
    }

    /** §5.2.3. */
    private static String merge(Parts base, String relativePath) {
        if (base.authority() != null && base.path().isEmpty()) {
            return "/" + relativePath;
        }
        int slash = base.path().lastIndexOf('/');
        return base.path().substring(0, slash + 1) + relativePath;
    }

    /** §5.2.4, step by step over an input buffer and an output stack of segments. */
    public static String removeDotSegments(String path) {
        String in = path;
        Deque<String> out = new ArrayDeque<>();
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../")) {
                in = in.substring(3);
                out.pollLast();
            } else if (in.equals("/..")) {
                in = "/";
                out.pollLast();
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);
                String segment = next < 0 ? in : in.substring(0, next);
                out.addLast(segment);
                in = next < 0 ? "" : in.substring(next);
            }
        }
        return String.join("", out);
    }

    /** Percent-encodes every non-ASCII code point as the %XX of its UTF-8 bytes, upper-case hex. */
    public static String encodeNonAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                out.append((char) cp);
            } else {
                for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(String.format("%02X", b & 0xff));
                }
            }
        });
        return out.toString();
    }
}
