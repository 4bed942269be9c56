package io.posthaste.internal.http2;

import io.netty.util.AsciiString;

/**
 * The {@link AsciiString} of the text a connection sent last in one place (its {@code :authority},
 * its {@code :path}, the value of its third field, its {@code content-length}), kept so that the
 * next request with the same text reuses it instead of copying it again: on one connection most
 * requests name the same authority and send the session's same fields, and many the same path.
 * A reused text also keeps its hash, which HPACK asks for every field. Any thread: the pair is
 * replaced whole, never changed.
 */
final class RepeatedText {

    private record Last(String text, long number, AsciiString ascii) {}

    private volatile Last last;

    /** Returns {@code text} as an {@link AsciiString}: the last one, if it was the same text. */
    AsciiString of(String text) {
        Last seen = last;
        if (seen != null && text.equals(seen.text)) {
            return seen.ascii;
        }
        AsciiString made = new AsciiString(text);
        last = new Last(text, 0, made);
        return made;
    }

    /** Returns {@code number} in decimal as an {@link AsciiString}: the last one, if it was the same. */
    AsciiString of(long number) {
        Last seen = last;
        if (seen != null && seen.text == null && seen.number == number) {
            return seen.ascii;
        }
        AsciiString made = new AsciiString(Long.toString(number));
        last = new Last(null, number, made);
        return made;
    }
}
