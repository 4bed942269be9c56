package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A strict, incremental HTTP/1.1 request parser.
 *
 * <p>It is deliberately stricter than a production server: a test server that tolerates bare LF,
 * obs-fold, conflicting framing or a missing {@code Host} would hide the client bugs it exists to
 * catch. Every violation becomes a {@link BadRequest} at the first offending byte that can be
 * judged, so a malformed request is answered at once instead of waiting for bytes that never come.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop.
 */
public final class RequestParser {

    /** Receives the parts of a request as they are recognised. */
    public interface Listener {
        /** Called with the complete head; returns false to stop parsing this request here. */
        boolean onHead(RequestHead head);

        /** Called at each chunk-size line of a chunked body (never for the final zero chunk). */
        void onChunk(long size);

        /** Called with body bytes; the buffer is only valid during the call. */
        void onBody(ByteBuf data);

        /** Called once the body (and trailer section, if any) is complete. */
        void onEnd(List<Map.Entry<String, String>> trailers);
    }

    /** Outcome of one {@link #parse} call. */
    public enum Progress {
        NEED_MORE,
        COMPLETE,
        STOPPED
    }

    /** A request that cannot be parsed; {@link #status()} is the answer to send. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    static final int MAX_REQUEST_LINE = 16 * 1024;
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_HEADERS = 256;
    private static final int MAX_CHUNK_LINE = 1024;

    private enum State {
        REQUEST_LINE,
        HEADERS,
        FIXED_BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        DONE
    }

    private State state = State.REQUEST_LINE;
    private String method;
    private String target;
    private String version;
    private final List<Map.Entry<String, String>> fields = new ArrayList<>();
    private int headBytes;
    private long remaining;

    /** Prepares the parser for the next request on the same connection. */
    public void reset() {
        state = State.REQUEST_LINE;
        method = null;
        target = null;
        version = null;
        fields.clear();
        headBytes = 0;
        remaining = 0;
    }

    /** Consumes as many bytes of {@code in} as belong to the current request. */
    public Progress parse(ByteBuf in, Listener listener) throws BadRequest {
        while (true) {
            switch (state) {
                case REQUEST_LINE -> {
                    skipLeadingEmptyLines(in);
                    String line = readLine(in, MAX_REQUEST_LINE, 414);
                    if (line == null) {
                        checkMethodPrefix(in);
                        return Progress.NEED_MORE;
                    }
                    parseRequestLine(line);
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    String line = readLine(in, MAX_HEAD - headBytes, 431);
                    if (line == null) {
                        return Progress.NEED_MORE;
                    }
                    if (!line.isEmpty()) {
                        addField(fields, line);
                        continue;
                    }
                    RequestHead head = new RequestHead(method, target, version, fields);
                    long length = framing(head);
                    if (!listener.onHead(head)) {
                        state = State.DONE;
                        return Progress.STOPPED;
                    }
                    if (length == -1) {
                        state = State.CHUNK_SIZE;
                    } else if (length > 0) {
                        remaining = length;
                        state = State.FIXED_BODY;
                    } else {
                        return finish(listener, List.of());
                    }
                }
                case FIXED_BODY -> {
                    if (!deliver(in, listener)) {
                        return Progress.NEED_MORE;
                    }
                    return finish(listener, List.of());
                }
                case CHUNK_SIZE -> {
                    String line = readLine(in, MAX_CHUNK_LINE, 400);
                    if (line == null) {
                        return Progress.NEED_MORE;
                    }
                    long size = chunkSize(line);
                    if (size == 0) {
                        fields.clear();
                        state = State.TRAILERS;
                    } else {
                        listener.onChunk(size);
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    if (!deliver(in, listener)) {
                        return Progress.NEED_MORE;
                    }
                    state = State.CHUNK_END;
                }
                case CHUNK_END -> {
                    if (in.readableBytes() < 2) {
                        if (in.isReadable() && in.getByte(in.readerIndex()) != '\r') {
                            throw new BadRequest(400, "chunk data not followed by CRLF");
                        }
                        return Progress.NEED_MORE;
                    }
                    if (in.readByte() != '\r' || in.readByte() != '\n') {
                        throw new BadRequest(400, "chunk data not followed by CRLF");
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    headBytes = 0;
                    String line = readLine(in, MAX_HEAD, 431);
                    if (line == null) {
                        return Progress.NEED_MORE;
                    }
                    if (!line.isEmpty()) {
                        addField(fields, line);
                        continue;
                    }
                    return finish(listener, List.copyOf(fields));
                }
                case DONE -> throw new IllegalStateException("parser not reset after a complete request");
                default -> throw new AssertionError(state);
            }
        }
    }

    private Progress finish(Listener listener, List<Map.Entry<String, String>> trailers) {
        state = State.DONE;
        listener.onEnd(trailers);
        return Progress.COMPLETE;
    }

    private boolean deliver(ByteBuf in, Listener listener) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n > 0) {
            ByteBuf slice = in.slice(in.readerIndex(), n);
            listener.onBody(slice);
            in.skipBytes(n);
            remaining -= n;
        }
        return remaining == 0;
    }

    private static void skipLeadingEmptyLines(ByteBuf in) {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
        while (in.readableBytes() >= 2
                && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
        }
    }

    /** Rejects a request whose first bytes cannot start a method, e.g. a TLS hello on a plain port. */
    private static void checkMethodPrefix(ByteBuf in) throws BadRequest {
        int end = in.writerIndex();
        for (int i = in.readerIndex(); i < end; i++) {
            byte b = in.getByte(i);
            if (b == ' ') {
                return;
            }
            if (!Tokens.isTchar(b)) {
                throw new BadRequest(400, "request does not start with a method token");
            }
        }
    }

    /**
     * Returns the next CRLF-terminated line without its terminator, or null when it is not complete
     * yet. A bare CR or LF is rejected rather than tolerated.
     */
    private String readLine(ByteBuf in, int max, int tooLongStatus) throws BadRequest {
        int start = in.readerIndex();
        int end = in.writerIndex();
        for (int i = start; i < end; i++) {
            byte b = in.getByte(i);
            if (b == '\n') {
                throw new BadRequest(400, "bare LF in request");
            }
            if (b == '\r') {
                if (i + 1 == end) {
                    break;
                }
                if (in.getByte(i + 1) != '\n') {
                    throw new BadRequest(400, "bare CR in request");
                }
                int length = i - start;
                if (length > max) {
                    throw new BadRequest(tooLongStatus, "request line or header section too long");
                }
                String line = in.toString(start, length, StandardCharsets.ISO_8859_1);
                in.readerIndex(i + 2);
                headBytes += length + 2;
                return line;
            }
            if (i - start > max) {
                throw new BadRequest(tooLongStatus, "request line or header section too long");
            }
        }
        return null;
    }

    private void parseRequestLine(String line) throws BadRequest {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new BadRequest(400, "malformed request line");
        }
        method = line.substring(0, sp1);
        target = line.substring(sp1 + 1, sp2);
        version = line.substring(sp2 + 1);
        if (!Tokens.isToken(method)) {
            throw new BadRequest(400, "malformed method");
        }
        if (target.isEmpty()) {
            throw new BadRequest(400, "empty request-target");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequest(400, "request-target contains a byte that must be percent-encoded");
            }
        }
        if (!(target.startsWith("/")
                || target.startsWith("http://")
                || target.startsWith("https://")
                || target.equals("*")
                || method.equals("CONNECT"))) {
            throw new BadRequest(400, "malformed request-target");
        }
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            throw new BadRequest(400, "malformed HTTP version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(505, "HTTP version not supported: " + version);
        }
    }

    private void addField(List<Map.Entry<String, String>> into, String line) throws BadRequest {
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new BadRequest(400, "obsolete line folding");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new BadRequest(400, "header field without a name or colon");
        }
        String name = line.substring(0, colon);
        if (!Tokens.isToken(name)) {
            throw new BadRequest(400, "malformed header name: " + name.strip());
        }
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadRequest(400, "control character in header " + name);
            }
        }
        if (into.size() >= MAX_HEADERS) {
            throw new BadRequest(431, "too many header fields");
        }
        into.add(new SimpleImmutableEntry<>(name, value));
    }

    /** Returns the body length, or -1 for chunked, enforcing the rules that prevent smuggling. */
    private static long framing(RequestHead head) throws BadRequest {
        List<String> hosts = head.headers("Host");
        if (head.version().equals("HTTP/1.1") && hosts.size() != 1) {
            throw new BadRequest(400, hosts.isEmpty() ? "missing Host header" : "more than one Host header");
        }
        List<String> te = head.headers("Transfer-Encoding");
        List<String> cl = head.headers("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new BadRequest(400, "both Transfer-Encoding and Content-Length");
            }
            if (te.size() != 1
                    || !te.get(0).equalsIgnoreCase("chunked")
                    || head.version().equals("HTTP/1.0")) {
                throw new BadRequest(400, "unsupported Transfer-Encoding: " + String.join(", ", te));
            }
            return -1;
        }
        long length = 0;
        for (int i = 0; i < cl.size(); i++) {
            String v = cl.get(i);
            if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadRequest(400, "malformed Content-Length: " + v);
            }
            long parsed = Long.parseLong(v);
            if (i > 0 && parsed != length) {
                throw new BadRequest(400, "conflicting Content-Length values");
            }
            length = parsed;
        }
        return length;
    }

    private static long chunkSize(String line) throws BadRequest {
        int semi = line.indexOf(';');
        String hex = (semi >= 0 ? line.substring(0, semi) : line);
        if (hex.isEmpty() || hex.length() > 15) {
            throw new BadRequest(400, "malformed chunk size");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                throw new BadRequest(400, "malformed chunk size");
            }
            size = size * 16 + digit;
        }
        return size;
    }
}
