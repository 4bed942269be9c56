package io.posthaste;

import io.posthaste.internal.body.BodyKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Writes the text of {@link LoggingInterceptor}'s records: one for a request, one for its
 * response or failure, each complete in itself (so the lines of concurrent calls never
 * interleave). Immutable and thread-safe. Never reads a body that is not already in memory.
 */
final class HttpLogMessages {

    private final LoggingInterceptor.Level level;
    private final LogRedaction redaction;
    private final int maxBodyBytes;

    HttpLogMessages(LoggingInterceptor.Level level, LogRedaction redaction, int maxBodyBytes) {
        this.level = level;
        this.redaction = redaction;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code --> POST url (n-byte body)}, then the headers and the body as the level says. */
    String request(Request request) {
        StringBuilder out = new StringBuilder(128);
        Body body = request.body().orElse(null);
        out.append("--> ").append(request.method()).append(' ').append(redaction.url(request.url()));
        if (level == LoggingInterceptor.Level.BASIC) {
            return body == null
                    ? out.toString()
                    : out.append(" (")
                            .append(size(body.contentLength()))
                            .append(")")
                            .toString();
        }
        headers(out, request.headers());
        if (level == LoggingInterceptor.Level.BODY && body != null) {
            requestBody(out, body);
        }
        return out.append("\n--> END ")
                .append(request.method())
                .append(body == null ? "" : " (" + size(body.contentLength()) + ")")
                .toString();
    }

    /** {@code <-- 200 OK url (12ms, n-byte body)}, then the headers and the body. */
    String response(Response response, long tookNanos) {
        StringBuilder out = new StringBuilder(128);
        boolean streamed = response.stream() != null;
        String size = streamed ? "streamed body" : size(response.bodyLength());
        out.append("<-- ").append(response.status());
        if (!response.reason().isEmpty()) {
            out.append(' ').append(response.reason());
        }
        out.append(' ')
                .append(redaction.url(response.url()))
                .append(" (")
                .append(millis(tookNanos))
                .append("ms");
        if (level == LoggingInterceptor.Level.BASIC) {
            return out.append(", ").append(size).append(')').toString();
        }
        out.append(')');
        headers(out, response.headers());
        if (level == LoggingInterceptor.Level.BODY) {
            if (streamed) {
                out.append("\n(streamed body not logged: it is read by the caller)");
            } else if (response.bodyLength() > 0) {
                MediaType type = response.contentType().orElse(null);
                byte[] bytes = response.bodyForError();
                text(out, bytes, Math.min(bytes.length, maxBodyBytes), bytes.length, type);
            }
        }
        return out.append("\n<-- END HTTP (").append(size).append(')').toString();
    }

    /**
     * {@code <-- HTTP FAILED: Type: message (12ms)}; the message with the URL as logged (the
     * exception names the URL, never credentials, but its query is not redacted).
     */
    String failure(Request request, Throwable failure, long tookNanos) {
        String message = failure.getMessage();
        if (message != null) {
            message = message.replace(request.url().toString(), redaction.url(request.url()));
        }
        return "<-- HTTP FAILED: " + failure.getClass().getSimpleName() + (message != null ? ": " + message : "") + " ("
                + millis(tookNanos) + "ms)";
    }

    private void headers(StringBuilder out, Headers headers) {
        headers.forEach((name, value) -> out.append('\n')
                .append(name)
                .append(": ")
                .append(redaction.hidesHeader(headers, name) ? LogRedaction.MASK : value));
    }

    private void requestBody(StringBuilder out, Body body) {
        BodyKind kind = BodyKind.of(body);
        if (kind != BodyKind.IN_MEMORY && kind != BodyKind.JSON) {
            // A file, a multipart body or a stream: reading it here would cost I/O, or consume
            // a one-shot stream that the exchange still has to send.
            out.append("\n(")
                    .append(body.isReplayable() ? "body streamed from its source" : "one-shot body")
                    .append(" not logged)");
            return;
        }
        Capped capped = new Capped(maxBodyBytes);
        try {
            body.writeTo(capped);
        } catch (IOException | RuntimeException e) {
            out.append("\n(body not logged: ")
                    .append(e.getClass().getSimpleName())
                    .append(')');
            return;
        }
        text(out, capped.toByteArray(), capped.size(), capped.total, body.contentType());
    }

    /** Appends the first {@code shown} of {@code total} bytes as text, or says why not. */
    private void text(StringBuilder out, byte[] bytes, int shown, long total, @Nullable MediaType type) {
        if (!isText(type, bytes, shown)) {
            out.append("\n(binary ").append(size(total)).append(" omitted)");
            return;
        }
        Charset charset = type == null ? StandardCharsets.UTF_8 : type.charset().orElse(StandardCharsets.UTF_8);
        String text;
        try {
            // A cut may split a character: its bytes are shown as U+FFFD, never an error.
            text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, 0, shown))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException cannotHappenWithReplace) {
            throw new IllegalStateException(cannotHappenWithReplace);
        }
        if (type != null && type.sameEssence(MediaType.FORM_URLENCODED)) {
            text = redaction.parameters(text);
        }
        out.append('\n').append(text);
        if (total > shown) {
            out.append("… (").append(total - shown).append(" more bytes)");
        }
    }

    private static boolean isText(@Nullable MediaType type, byte[] bytes, int length) {
        if (type != null) {
            String subtype = type.subtype();
            return type.type().equals("text")
                    || type.isJson()
                    || subtype.equals("xml")
                    || subtype.endsWith("+xml")
                    || subtype.equals("x-www-form-urlencoded")
                    || subtype.equals("javascript");
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String size(long bytes) {
        return bytes < 0 ? "unknown-length body" : bytes + "-byte body";
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Keeps the first {@code max} bytes written to it and counts them all. */
    private static final class Capped extends OutputStream {
        private final ByteArrayOutputStream kept;
        private final int max;
        long total;

        Capped(int max) {
            this.max = max;
            this.kept = new ByteArrayOutputStream(Math.min(max, 1024));
        }

        @Override
        public void write(int b) {
            if (total++ < max) {
                kept.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int room = (int) Math.max(0, Math.min(len, max - total));
            kept.write(b, off, room);
            total += len;
        }

        byte[] toByteArray() {
            return kept.toByteArray();
        }

        int size() {
            return kept.size();
        }
    }
}
