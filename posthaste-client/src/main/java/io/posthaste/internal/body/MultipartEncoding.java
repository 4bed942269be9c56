package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.InvalidRequestException;
import io.posthaste.MediaType;
import io.posthaste.Multipart;
import io.posthaste.internal.semantics.HeaderRules;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The framing of {@code multipart/form-data} (RFC 7578, RFC 2046 §5.1). A body is a list of
 * segments, byte arrays of framing and the parts' bodies, computed once: the same list gives the
 * length and is written, so the two cannot disagree.
 */
public final class MultipartEncoding {

    /**
     * Where boundaries come from. Unpredictable on purpose: a part whose content contains the
     * boundary it will be framed with could forge parts of its own.
     */
    private static final Random BOUNDARY_SOURCE = new SecureRandom();

    private static final String BOUNDARY_CHARS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    private MultipartEncoding() {}

    /** Returns 128 random bits as 32 hex digits. */
    public static String newBoundary() {
        byte[] bits = new byte[16];
        BOUNDARY_SOURCE.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    /** Returns the source of {@link #newBoundary()}: for the test that holds it to {@link SecureRandom}. */
    static Random boundarySource() {
        return BOUNDARY_SOURCE;
    }

    /** Checks a caller-chosen boundary against RFC 2046's grammar. */
    public static String checkBoundary(String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70 || boundary.endsWith(" ")) {
            throw new IllegalArgumentException("a boundary has 1-70 characters and no trailing space");
        }
        for (int i = 0; i < boundary.length(); i++) {
            if (BOUNDARY_CHARS.indexOf(boundary.charAt(i)) < 0) {
                throw new IllegalArgumentException(
                        "character '" + boundary.charAt(i) + "' is not allowed in a multipart boundary");
            }
        }
        return boundary;
    }

    /**
     * Rejects a part name or file name that could break out of its header line.
     *
     * @throws InvalidRequestException if it holds CR, LF or NUL
     */
    public static void checkParameter(String what, String value) {
        if (value == null) {
            throw new NullPointerException(what);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new InvalidRequestException(what + " '" + HeaderRules.printable(value) + "' contains "
                        + HeaderRules.describe(c) + ", which cannot be sent");
            }
        }
    }

    /** Returns the framing and bodies of {@code parts} in wire order. */
    public static List<Object> segments(String boundary, List<Multipart.Part> parts) {
        List<Object> segments = new ArrayList<>(parts.size() * 2 + 1);
        StringBuilder head = new StringBuilder(128);
        for (Multipart.Part part : parts) {
            if (!segments.isEmpty()) {
                head.append("\r\n");
            }
            head.append("--").append(boundary).append("\r\n");
            head.append("Content-Disposition: form-data; name=\"")
                    .append(quote(part.name()))
                    .append('"');
            if (part.filename() != null) {
                head.append("; filename=\"").append(quote(part.filename())).append('"');
            }
            head.append("\r\n");
            MediaType type = part.content().contentType();
            if (type != null && !part.headers().contains("Content-Type")) {
                head.append("Content-Type: ").append(type).append("\r\n");
            }
            part.headers()
                    .forEach((name, value) ->
                            head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            segments.add(head.toString().getBytes(StandardCharsets.UTF_8));
            head.setLength(0);
            segments.add(part.content());
        }
        if (!segments.isEmpty()) {
            head.append("\r\n");
        }
        head.append("--").append(boundary).append("--\r\n");
        segments.add(head.toString().getBytes(StandardCharsets.UTF_8));
        return List.copyOf(segments);
    }

    /** Returns the total length of {@code segments}, or -1 if a body's length is unknown. */
    public static long length(List<Object> segments) {
        long total = 0;
        for (Object segment : segments) {
            if (segment instanceof byte[] bytes) {
                total += bytes.length;
            } else {
                long length = ((Body) segment).contentLength();
                if (length < 0) {
                    return -1;
                }
                total += length;
            }
        }
        return total;
    }

    private static String quote(String value) {
        if (value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\"", "%22");
    }
}
