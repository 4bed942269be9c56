package io.posthaste.testing.internal;

/** Hex helpers; {@code java.util.HexFormat} exists on 17, this only adds lenient pair parsing. */
final class HexFormatCompat {

    private HexFormatCompat() {}

    /** Returns the byte value of the two hex digits at {@code at}, or -1 when they are not hex. */
    static int hexPair(CharSequence s, int at) {
        int hi = Character.digit(s.charAt(at), 16);
        int lo = Character.digit(s.charAt(at + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }
}
