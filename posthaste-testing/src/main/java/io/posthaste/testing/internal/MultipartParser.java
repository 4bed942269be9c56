package io.posthaste.testing.internal;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A strict, streaming {@code multipart/*} parser (RFC 2046 §5.1, RFC 7578).
 *
 * <p>It shares no code with any encoder in this project on purpose: it is the independent check
 * that the client's multipart bodies are right. Memory stays bounded by the largest buffer fed plus
 * one delimiter, so it also serves {@code /sink} for bodies of any size.
 *
 * <p>Not thread-safe.
 */
public final class MultipartParser {

    /** Receives the parts in order. */
    public interface Handler {
        void partStart(List<Map.Entry<String, String>> headers);

        /** Part content; the array is only valid during the call. */
        void partData(byte[] data, int offset, int length);

        void partEnd();
    }

    /** The body is not a well-formed multipart body. */
    public static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private static final int MAX_PART_HEADERS = 16 * 1024;

    private enum State {
        PREAMBLE,
        AFTER_DELIMITER,
        HEADERS,
        BODY,
        EPILOGUE
    }

    private final byte[] delimiter;
    private final Handler handler;
    private byte[] buf = new byte[8192];
    private int len;
    private State state = State.PREAMBLE;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private int headerBytes;

    /** Creates a parser for the given boundary (without the leading dashes). */
    public MultipartParser(String boundary, Handler handler) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MalformedException("missing or invalid multipart boundary");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.handler = handler;
        // The first delimiter may open the body without a preceding CRLF; pretend there was one.
        buf[0] = '\r';
        buf[1] = '\n';
        len = 2;
    }

    /** Returns the boundary of a {@code multipart/*} content type, or null for any other type. */
    public static String boundary(String contentType) {
        HeaderParams p = HeaderParams.parse(contentType);
        return p.value().startsWith("multipart/") ? p.param("boundary") : null;
    }

    /** Feeds the next bytes of the body. */
    public void feed(byte[] data, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            // Feed in slices so the working buffer stays small even for one huge array.
            int n = Math.min(end - pos, 64 * 1024);
            append(data, pos, n);
            pos += n;
            process();
        }
    }

    /** Declares the end of the body; throws when the closing delimiter was never seen. */
    public void finish() {
        if (state != State.EPILOGUE) {
            throw new MalformedException("multipart body ends without its closing delimiter");
        }
    }

    private void append(byte[] data, int offset, int length) {
        if (len + length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + length));
        }
        System.arraycopy(data, offset, buf, len, length);
        len += length;
    }

    private void process() {
        int pos = 0;
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    int at = indexOf(delimiter, pos);
                    if (at < 0) {
                        pos = Math.max(pos, len - delimiter.length + 1);
                        compact(pos);
                        return;
                    }
                    pos = at + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    if (len - pos < 2) {
                        compact(pos);
                        return;
                    }
                    if (buf[pos] == '-' && buf[pos + 1] == '-') {
                        state = State.EPILOGUE;
                    } else if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                        headers.clear();
                        headerBytes = 0;
                        state = State.HEADERS;
                    } else {
                        throw new MalformedException("delimiter not followed by CRLF or --");
                    }
                    pos += 2;
                }
                case HEADERS -> {
                    int crlf = indexOf(new byte[] {'\r', '\n'}, pos);
                    if (crlf < 0) {
                        if (len - pos > MAX_PART_HEADERS) {
                            throw new MalformedException("part header section too long");
                        }
                        compact(pos);
                        return;
                    }
                    headerBytes += crlf - pos + 2;
                    if (headerBytes > MAX_PART_HEADERS) {
                        throw new MalformedException("part header section too long");
                    }
                    if (crlf == pos) {
                        handler.partStart(List.copyOf(headers));
                        state = State.BODY;
                    } else {
                        headers.add(field(new String(buf, pos, crlf - pos, StandardCharsets.ISO_8859_1)));
                    }
                    pos = crlf + 2;
                }
                case BODY -> {
                    int at = indexOf(delimiter, pos);
                    if (at < 0) {
                        int safe = Math.max(pos, len - delimiter.length + 1);
                        if (safe > pos) {
                            handler.partData(buf, pos, safe - pos);
                        }
                        compact(safe);
                        return;
                    }
                    if (at > pos) {
                        handler.partData(buf, pos, at - pos);
                    }
                    handler.partEnd();
                    pos = at + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case EPILOGUE -> {
                    len = 0;
                    return;
                }
                default -> throw new AssertionError(state);
            }
        }
    }

    private static Map.Entry<String, String> field(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || !Tokens.isToken(line.substring(0, colon))) {
            throw new MalformedException("malformed part header: " + line);
        }
        return new SimpleImmutableEntry<>(
                line.substring(0, colon), line.substring(colon + 1).strip());
    }

    private int indexOf(byte[] needle, int from) {
        int last = len - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void compact(int from) {
        if (from > 0) {
            System.arraycopy(buf, from, buf, 0, len - from);
            len -= from;
        }
    }
}
