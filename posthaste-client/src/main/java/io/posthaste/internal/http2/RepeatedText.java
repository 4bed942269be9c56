package io.posthaste.internal.http2;

import io.netty.util.AsciiString;

/**
 * The {@link AsciiString} of the text a connection sent last in one place (its {@code :authority},
 * its {@code :path}), kept so that the next request with the same text reuses it instead of
 * copying it again: on one connection most requests name the same authority, and many the same
 * path. Any thread: the pair is replaced whole, never changed.
 */
final class RepeatedText {

    private record Last(String text, AsciiString ascii) {}

    private volatile Last last;

    /** Returns {@code text} as an {@link AsciiString}: the last one, if it was the same text. */
    AsciiString of(String text) {
        Last seen = last;
        if (seen != null && seen.text.equals(text)) {
            return seen.ascii;
        }
        AsciiString made = new AsciiString(text);
        last = new Last(text, made);
        return made;
    }
}
