package io.posthaste.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.Body;
import io.posthaste.ClientSession;
import io.posthaste.Headers;
import io.posthaste.MediaType;
import io.posthaste.Request;
import io.posthaste.StreamingResponse;
import io.posthaste.Timings;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Prints requests and responses the way httpie does: the head (request line or status line, then
 * headers), a blank line, then the body. With {@code format} on, JSON bodies are pretty-printed;
 * with colours on they are coloured too. On a terminal, binary bodies (those with a NUL byte) are
 * replaced by a note; piped, every body goes out byte for byte.
 */
final class Printer {

    static final String BINARY_NOTE = "+-----------------------------------------+\n"
            + "| NOTE: binary data not shown in terminal |\n"
            + "+-----------------------------------------+\n";

    /** Bodies up to this size are read whole to be formatted; larger ones pass through raw. */
    private static final int MAX_FORMATTED = 16 * 1024 * 1024;
    /** How much of a body is looked at to decide whether it is binary. */
    private static final int SNIFF = 64 * 1024;
    /** Request bodies larger than this are not shown on a terminal. */
    private static final long MAX_SHOWN_REQUEST = 1024 * 1024;

    private static final Set<String> BODYLESS_WITHOUT_LENGTH = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "CONNECT");
    private static final Set<String> DEFAULT_TYPED = Set.of("POST", "PUT", "PATCH");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean terminal;
    private final boolean format;
    private final Ansi ansi;

    /**
     * @param out where to print
     * @param terminal whether {@code out} is a terminal (binary bodies are then not shown)
     * @param format whether JSON is pretty-printed
     * @param ansi whether colours are used
     */
    Printer(PrintStream out, boolean terminal, boolean format, Ansi ansi) {
        this.out = out;
        this.terminal = terminal;
        this.format = format;
        this.ansi = ansi;
    }

    /**
     * Prints the request as it goes on the wire: the client adds {@code Host}, {@code Accept},
     * {@code Accept-Encoding}, {@code User-Agent}, {@code Content-Type} and the framing header
     * unless the caller set or removed them, and this method shows them the same way.
     * {@code version} goes on the request line ({@code HTTP/1.1} or {@code HTTP/2}).
     */
    void printRequestHead(Request request, String originalUrl, String version, String userAgent) {
        URI url = request.url();
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
        out.print(ansi.paint(Ansi.GREEN + Ansi.BOLD, request.method()) + " " + ansi.paint(Ansi.CYAN, target) + " "
                + ansi.paint(Ansi.BLUE, version) + "\n");
        Headers headers = request.headers();
        Set<String> skipped = request.skippedAutoHeaders();
        header(
                "Host",
                headers.firstValue("Host").orElse(url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "")));
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equalsIgnoreCase("Host")
                    && !name.equalsIgnoreCase("Content-Length")
                    && !name.equalsIgnoreCase("Transfer-Encoding")) {
                header(name, headers.value(i));
            }
        }
        auto(headers, skipped, "Accept", "*/*");
        auto(headers, skipped, "Accept-Encoding", String.join(", ", ClientSession.contentCodings()));
        auto(headers, skipped, "User-Agent", userAgent);
        String userInfo = URI.create(originalUrl).getRawUserInfo();
        if (userInfo != null && !headers.contains("Authorization")) {
            header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                                            .getBytes(StandardCharsets.UTF_8)));
        }
        Optional<Body> body = request.body();
        MediaType type = body.map(Body::contentType).orElse(null);
        if (body.isPresent() && type == null && DEFAULT_TYPED.contains(request.method())) {
            type = MediaType.OCTET_STREAM;
        }
        if (type != null) {
            auto(headers, skipped, "Content-Type", type.toString());
        }
        if (headers.contains("Transfer-Encoding")) {
            header("Transfer-Encoding", headers.get("Transfer-Encoding"));
        } else if (body.isEmpty()) {
            if (!BODYLESS_WITHOUT_LENGTH.contains(request.method())) {
                header("Content-Length", "0");
            }
        } else if (body.get().contentLength() >= 0) {
            header("Content-Length", Long.toString(body.get().contentLength()));
        } else {
            header("Transfer-Encoding", "chunked");
        }
        out.print("\n");
    }

    /** Prints the request body, if any, followed by a blank line. */
    void printRequestBody(Request request) throws IOException {
        Optional<Body> body = request.body();
        if (body.isEmpty()) {
            return;
        }
        long length = body.get().contentLength();
        MediaType type = request.headers()
                .firstValue("Content-Type")
                .flatMap(MediaType::tryParse)
                .orElse(body.get().contentType());
        if (length > MAX_SHOWN_REQUEST || length < 0) {
            if (terminal) {
                out.print("+-- NOTE: " + (length < 0 ? "streamed" : Units.bytes(length)) + " body not shown --+\n\n");
            } else {
                body.get().writeTo(out);
                out.print("\n\n");
            }
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) length);
        body.get().writeTo(bytes);
        // A blank line parts the request from what follows, whether or not the body ends a line.
        out.print(printBytes(bytes.toByteArray(), type) ? "\n" : "\n\n");
    }

    /** Prints the status line and headers of {@code response}, then a blank line. */
    void printResponseHead(StreamingResponse response) {
        int status = response.status();
        String color = status >= 400 ? Ansi.RED : status >= 300 ? Ansi.YELLOW : Ansi.GREEN;
        out.print(ansi.paint(Ansi.BLUE, response.version()) + " "
                + ansi.paint(color + Ansi.BOLD, status + (response.reason().isEmpty() ? "" : " " + response.reason()))
                + "\n");
        response.headers().forEach(this::header);
        out.print("\n");
    }

    /**
     * Prints where the time of the exchange went, on one line after a blank one, e.g.
     * {@code timings: pool 0.1 ms, dns 0.2 ms, connect 0.3 ms, tls 1.2 ms, ttfb 5.0 ms, body
     * 0.4 ms, total 7.1 ms}; read once the body has been, so that its read is known.
     */
    void printTimings(Timings timings) {
        String line = "timings: pool " + millis(timings.poolWait()) + ", dns " + millis(timings.dns())
                + ", connect " + millis(timings.connect()) + ", tls " + millis(timings.tls())
                + ", ttfb " + millis(timings.timeToFirstByte()) + ", body " + millis(timings.bodyRead())
                + ", total " + millis(timings.total());
        out.print("\n" + ansi.paint(Ansi.BLUE, line) + "\n");
    }

    private static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
    }

    /** Prints the rest of the body of {@code response}; it stays open for the caller to close. */
    void printResponseBody(StreamingResponse response) throws IOException {
        if (response.request().method().equals("HEAD")) {
            return;
        }
        MediaType type = response.headers()
                .firstValue("Content-Type")
                .flatMap(MediaType::tryParse)
                .orElse(null);
        InputStream in = response.body();
        if (format && isJson(type)) {
            byte[] all = in.readNBytes(MAX_FORMATTED + 1);
            if (all.length <= MAX_FORMATTED) {
                printBytes(all, type);
                return;
            }
            out.write(all);
            in.transferTo(out);
            return;
        }
        byte[] head = in.readNBytes(SNIFF);
        if (terminal && isBinary(head)) {
            out.print(BINARY_NOTE);
            return;
        }
        int[] last = {'\n'};
        FilterOutputStream tracking = new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                if (length > 0) {
                    last[0] = bytes[offset + length - 1];
                }
            }
        };
        tracking.write(head);
        in.transferTo(tracking);
        tracking.flush();
        if (terminal && last[0] != '\n') {
            // A terminal prompt should not start on the body's last line; piped bytes stay exact.
            out.print("\n");
        }
    }

    /**
     * Prints the rest of the body as it arrives (httpie's {@code --stream}): each line as soon as
     * it ends, flushed, so that a stream of events reads like {@code tail -f}; the bytes go out
     * as they are, except that with colours the field names of a {@code text/event-stream}
     * ({@code data}, {@code id}, {@code event}, {@code retry}) are coloured.
     */
    void streamResponseBody(StreamingResponse response) throws IOException {
        if (response.request().method().equals("HEAD")) {
            return;
        }
        boolean events = response.headers()
                .firstValue("Content-Type")
                .flatMap(MediaType::tryParse)
                .map(t -> t.type().equals("text") && t.subtype().equals("event-stream"))
                .orElse(false);
        InputStream in = response.body();
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i + 1 - start);
                    printLine(line.toByteArray(), events);
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(buffer, start, n - start);
            out.flush();
        }
        printLine(line.toByteArray(), events);
        out.flush();
    }

    private void printLine(byte[] bytes, boolean events) {
        int colon = -1;
        for (int i = 0; events && ansi != Ansi.NONE && i < bytes.length && colon < 0; i++) {
            colon = bytes[i] == ':' ? i : colon;
        }
        if (colon > 0) {
            out.print(ansi.paint(Ansi.CYAN, new String(bytes, 0, colon, StandardCharsets.UTF_8)));
            out.write(bytes, colon, bytes.length - colon);
        } else {
            out.write(bytes, 0, bytes.length);
        }
    }

    /**
     * Prints a whole body: formatted if it is JSON and formatting is on, else as it is. Returns
     * whether the output now ends with a newline.
     */
    private boolean printBytes(byte[] bytes, MediaType type) {
        if (terminal && isBinary(bytes)) {
            out.print(BINARY_NOTE);
            return true;
        }
        if (format && isJson(type)) {
            try {
                JsonNode tree = JSON.readTree(bytes);
                if (tree != null && !tree.isMissingNode()) {
                    out.print(JsonFormatter.format(tree, ansi) + "\n");
                    return true;
                }
            } catch (IOException notJson) {
                // Served as JSON but is not: show it as it is, as httpie does.
            }
        }
        out.write(bytes, 0, bytes.length);
        boolean endsLine = bytes.length > 0 && bytes[bytes.length - 1] == '\n';
        if (terminal && !endsLine) {
            out.print("\n");
            return true;
        }
        return endsLine;
    }

    private void auto(Headers headers, Set<String> skipped, String name, String value) {
        if (!headers.contains(name) && !skipped.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            header(name, value);
        }
    }

    private void header(String name, String value) {
        out.print(ansi.paint(Ansi.CYAN, name) + ": " + value + "\n");
    }

    static boolean isJson(MediaType type) {
        return type != null && (type.isJson() || type.subtype().contains("javascript"));
    }

    static boolean isBinary(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }
}
