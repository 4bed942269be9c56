package io.posthaste.internal.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Interprets a {@code text/event-stream} exactly as the WHATWG HTML standard's "event stream
 * interpretation" says (section 9.2.6): UTF-8 with invalid sequences replaced by U+FFFD, one
 * leading byte-order mark skipped, lines ended by CRLF, LF or CR (a CR at the end of one piece and
 * an LF at the start of the next are one line end), {@code :} comments, one space after the colon
 * dropped, {@code data} lines joined with LF, {@code id} values containing NUL ignored,
 * {@code retry} taken only when all ASCII digits, unknown fields ignored, an event dispatched only
 * at a blank line and only when it has data, type {@code message} by default, and the last event
 * id kept from event to event (an id-only block changes it too). An event cut off by the end of
 * the stream is never dispatched: call {@link #reset()} for the next connection.
 *
 * <p>Memory is bounded: a line longer than {@code maxEventBytes} bytes, or an event whose data
 * grows beyond {@code maxEventBytes} characters, raises {@link TooLarge}. Not thread-safe.
 */
public final class EventParser {

    /** Receives what the stream says, in order. */
    public interface Sink {
        /**
         * A dispatched event.
         *
         * @param lastEventId the last event id in effect ("" when none was ever set)
         * @param type the event type, {@code message} unless the stream named another
         * @param data the data lines joined with LF
         * @param retryMillis the {@code retry} value given within this event's block, or -1
         */
        void event(String lastEventId, String type, String data, long retryMillis);

        /** A valid {@code retry} field: the new reconnection time, in milliseconds. */
        void retry(long millis);
    }

    /** A line or an event's data went over the limit. */
    public static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final Sink sink;
    private final int maxEventBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastEventIdBuffer;
    private long retryInBlock = -1;
    /** Bytes of a possible byte-order mark seen at the very start of the stream (0-3), or -1 once past it. */
    private int bomSeen;

    private boolean afterCr;

    /**
     * @param lastEventId the id to start from ("" for none), e.g. from an earlier connection
     * @param maxEventBytes the longest line in bytes, and the most data characters in one event
     */
    public EventParser(Sink sink, String lastEventId, int maxEventBytes) {
        this.sink = sink;
        this.lastEventIdBuffer = lastEventId;
        this.maxEventBytes = maxEventBytes;
    }

    /** Returns the last event id buffer: what a reconnection sends as {@code Last-Event-ID}. */
    public String lastEventId() {
        return lastEventIdBuffer;
    }

    /**
     * Forgets a half-read line and event, as the end of a stream does, and expects a new stream
     * (with its own byte-order mark). The last event id stays.
     */
    public void reset() {
        line.reset();
        data.setLength(0);
        type = "";
        retryInBlock = -1;
        bomSeen = 0;
        afterCr = false;
    }

    /** Reads {@code len} bytes of the stream, dispatching every event they complete. */
    public void feed(byte[] bytes, int off, int len) {
        int i = off;
        int end = off + len;
        while (bomSeen >= 0 && i < end) {
            i = skipBom(bytes, i, end);
        }
        int start = i;
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b != CR && b != LF) {
                continue;
            }
            if (b == LF && afterCr && i == start && line.size() == 0) {
                // The LF of a CRLF whose CR ended the previous piece.
                afterCr = false;
                start = i + 1;
                continue;
            }
            append(bytes, start, i - start);
            if (b == CR && i + 1 < end && bytes[i + 1] == LF) {
                i++;
            }
            afterCr = b == CR && i + 1 == end;
            start = i + 1;
            line(take());
        }
        if (start < end) {
            afterCr = false;
            append(bytes, start, end - start);
        }
    }

    /** Consumes bytes of a leading byte-order mark; returns where the stream proper starts. */
    private int skipBom(byte[] bytes, int i, int end) {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        if (bytes[i] == bom[bomSeen]) {
            bomSeen++;
            if (bomSeen == bom.length) {
                bomSeen = -1;
            }
            return i + 1;
        }
        // Not a mark after all: what looked like its start is content.
        line.write(bom, 0, bomSeen);
        bomSeen = -1;
        return i;
    }

    private void append(byte[] bytes, int from, int n) {
        if (line.size() + n > maxEventBytes) {
            throw new TooLarge("an event stream line is longer than " + maxEventBytes + " bytes");
        }
        line.write(bytes, from, n);
    }

    private String take() {
        try {
            String text =
                    utf8.reset().decode(ByteBuffer.wrap(line.toByteArray())).toString();
            line.reset();
            return text;
        } catch (CharacterCodingException e) {
            throw new AssertionError("a replacing decoder does not throw", e);
        }
    }

    private void line(String text) {
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int from = colon + 1 < text.length() && text.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
            value = text.substring(from);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (data.length() + value.length() + 1 > maxEventBytes) {
                    throw new TooLarge("an event's data is longer than " + maxEventBytes + " characters");
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> retry(value);
            default -> {
                // Unknown fields are ignored, as the standard says.
            }
        }
    }

    private void retry(String value) {
        if (value.isEmpty()) {
            return;
        }
        long millis = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return;
            }
            // A value too large for a long means "wait for ever", near enough.
            millis = millis > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : millis * 10 + (c - '0');
        }
        retryInBlock = millis;
        sink.retry(millis);
    }

    private void dispatch() {
        long retry = retryInBlock;
        retryInBlock = -1;
        if (data.length() == 0) {
            type = "";
            return;
        }
        data.setLength(data.length() - 1);
        String eventType = type.isEmpty() ? "message" : type;
        String eventData = data.toString();
        data.setLength(0);
        type = "";
        sink.event(lastEventIdBuffer, eventType, eventData, retry);
    }
}
