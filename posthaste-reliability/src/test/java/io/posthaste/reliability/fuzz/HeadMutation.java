package io.posthaste.reliability.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Ways to break a response head; each yields bytes a strict decoder must refuse. */
enum HeadMutation {
    DUPLICATE_CONTENT_LENGTH,
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING,
    INVALID_CONTENT_LENGTH,
    BARE_LF,
    OBS_FOLD,
    CONTROL_IN_VALUE,
    INVALID_NAME,
    BAD_STATUS_LINE,
    TOO_MANY_BLANK_LINES,
    FIELD_TOO_LARGE,
    TOO_MANY_FIELDS;

    private static final List<String> CONTROLS =
            List.of("\0", "\u0001", "\u0008", "\u000b", "\u000c", "\u000e", "\u001f", "\u007f", "\r");
    private static final List<String> BAD_NAMES =
            List.of("X Bad", "X-Bad ", "X(Bad)", "", "Bad\u00e9", "X\"q", "X@y", "X/y", "\tX");
    private static final List<String> BAD_LENGTHS =
            List.of("-1", "+5", "5 5", "0x5", "1,1", "", "99999999999999999999", "5;", "1e3", "\u00b9");
    private static final List<String> BAD_STATUS = List.of(
            "HTTP/1.1 20 OK",
            "HTTP/1.1 2000 OK",
            "HTTP/2.0 200 OK",
            "HTTP/1.1 200OK",
            "http/1.1 200 OK",
            "HTTP/1.1 099 X",
            "HTTP/1.1  200 OK",
            "HTTP/1.1 -20 OK",
            "ICY 200 OK",
            "HTTP/1.1 200 O\u0000K",
            "HTTP/1.1 2a0 OK",
            "HTTP/1.2 200 OK",
            " HTTP/1.1 200 OK");

    /** Returns the response's bytes broken this way; {@code choice} picks among variants. */
    byte[] apply(HttpResponses.Response response, int choice, int maxHeaderSize, int maxHeaders) {
        String text = new String(response.bytes(), StandardCharsets.ISO_8859_1);
        int statusEnd = text.indexOf("\r\n") + 2;
        int headEnd = text.indexOf("\r\n\r\n") + 2;
        boolean chunked = response.framing() == HttpResponses.Framing.CHUNKED;
        String mutated = switch (this) {
            case DUPLICATE_CONTENT_LENGTH ->
                insert(
                        text,
                        statusEnd,
                        "Content-Length: " + (response.body().length + Math.floorMod(choice, 2)) + "\r\n");
            case CONTENT_LENGTH_WITH_TRANSFER_ENCODING ->
                insert(
                        text,
                        statusEnd,
                        chunked
                                ? "Content-Length: " + response.body().length + "\r\n"
                                : "Transfer-Encoding: chunked\r\n");
            case INVALID_CONTENT_LENGTH ->
                insert(withoutFraming(text), statusEnd, "Content-Length: " + pick(BAD_LENGTHS, choice) + "\r\n");
            case BARE_LF -> bareLf(text, statusEnd, headEnd, choice);
            case OBS_FOLD -> insert(text, statusEnd, "X-Folded: a\r\n" + (choice % 2 == 0 ? " " : "\t") + "b\r\n");
            case CONTROL_IN_VALUE -> insert(text, statusEnd, "X-Bad: a" + pick(CONTROLS, choice) + "b\r\n");
            case INVALID_NAME -> insert(text, statusEnd, pick(BAD_NAMES, choice) + ": v\r\n");
            case BAD_STATUS_LINE -> pick(BAD_STATUS, choice) + text.substring(statusEnd - 2);
            case TOO_MANY_BLANK_LINES -> "\r\n".repeat(9 + Math.floorMod(choice, 20)) + text;
            case FIELD_TOO_LARGE -> insert(text, statusEnd, "X-Big: " + "v".repeat(maxHeaderSize) + "\r\n");
            case TOO_MANY_FIELDS -> insert(text, statusEnd, "X-N: 1\r\n".repeat(maxHeaders + 1));
        };
        return mutated.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String bareLf(String text, int statusEnd, int headEnd, int choice) {
        // Pick one of the head's line ends (the status line's or a field's) and drop its CR.
        List<Integer> ends = new java.util.ArrayList<>();
        for (int i = statusEnd - 2; i >= 0 && i < headEnd; i = text.indexOf("\r\n", i + 2)) {
            ends.add(i);
        }
        int at = ends.get(Math.floorMod(choice, ends.size()));
        return text.substring(0, at) + text.substring(at + 1);
    }

    private static String withoutFraming(String text) {
        return text.replaceFirst("\r\nContent-Length: [0-9]+", "").replaceFirst("\r\nTransfer-Encoding: chunked", "");
    }

    static String insert(String text, int at, String inserted) {
        return text.substring(0, at) + inserted + text.substring(at);
    }

    static String pick(List<String> options, int choice) {
        return options.get(Math.floorMod(choice, options.size()));
    }
}
