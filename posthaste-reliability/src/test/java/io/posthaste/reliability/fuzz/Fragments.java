package io.posthaste.reliability.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * Generators that reach the edges: strings are built from fragments (single characters of
 * every class and multi-character snippets such as {@code %41}, {@code %zz}, {@code ..} or
 * {@code \r\n}), so a few dozen tries already mix control characters, escapes and non-ASCII
 * text, which character-by-character generators reach only by luck.
 */
public final class Fragments {

    /** C0 controls and DEL, one string each: CR, LF, NUL and HTAB among them. */
    public static final List<String> CONTROLS = controls();

    /** Non-ASCII text: Latin-1, beyond Latin-1, a surrogate pair, invisible and separator code points. */
    public static final List<String> NON_ASCII =
            List.of("é", "ü", "ß", "ÿ", "\u00a0", "Ā", "中", "文", "\u2028", "\ufeff", "😀", "Ω", "ﬁ");

    /** RFC 3986 gen-delims and sub-delims, plus the characters URLs must escape. */
    public static final List<String> URL_SPECIALS = List.of(
            ":", "/", "?", "#", "[", "]", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "%", "\\", "\"",
            "<", ">", "{", "}", "|", "^", "`", " ");

    /** Percent-escapes, good and bad, and dot segments. */
    public static final List<String> ESCAPES = List.of(
            "%41", "%2F", "%2f", "%25", "%00", "%0D%0A", "%zz", "%4", "%", "%C3%A9", "%FF", "..", ".", "./", "../");

    private Fragments() {}

    /** Returns one printable ASCII character (0x21-0x7E). */
    public static Gen<String> printableAscii() {
        return Gen.charIn('!', '~');
    }

    /** Returns one letter or digit. */
    public static Gen<String> alphanumeric() {
        return Gen.frequency(
                Gen.weight(26, Gen.charIn('a', 'z')),
                Gen.weight(26, Gen.charIn('A', 'Z')),
                Gen.weight(10, Gen.charIn('0', '9')));
    }

    /** Returns one Latin-1 character beyond ASCII (0x80-0xFF, C1 controls included). */
    public static Gen<String> latin1High() {
        return Gen.charIn('\u0080', '\u00ff');
    }

    /** Returns the concatenation of {@code min..max} pieces. */
    public static Gen<String> joined(Gen<String> piece, int min, int max) {
        return piece.list(min, max).map(pieces -> String.join("", pieces));
    }

    /**
     * Returns text of valid Unicode (no lone surrogate): mostly ASCII, with controls, non-ASCII,
     * URL specials and escapes mixed in, now and then a long run of one character.
     */
    public static Gen<String> anyText(int maxPieces) {
        Gen<String> piece = Gen.frequency(
                Gen.weight(8, alphanumeric()),
                Gen.weight(4, printableAscii()),
                Gen.weight(2, Gen.of(URL_SPECIALS)),
                Gen.weight(2, Gen.of(NON_ASCII)),
                Gen.weight(1, Gen.of(CONTROLS)),
                Gen.weight(1, Gen.of(ESCAPES)));
        return Gen.frequency(
                Gen.weight(20, joined(piece, 0, maxPieces)),
                Gen.weight(1, Gen.ints(1_000, 9_000).map(n -> "x".repeat(n))));
    }

    /** Returns text without CR, LF and NUL (the characters that can split a line). */
    public static Gen<String> textWithoutLineBreaks(int maxPieces) {
        return anyText(maxPieces).map(s -> s.replace("\r", "").replace("\n", "").replace("\0", ""));
    }

    /** Returns {@code text} with {@code inserted} put at {@code position} (modulo its length + 1). */
    public static String insertAt(String text, String inserted, int position) {
        int at = Math.floorMod(position, text.length() + 1);
        return text.substring(0, at) + inserted + text.substring(at);
    }

    /** Splits {@code bytes} at the given cut points (taken modulo the length), in order. */
    public static List<byte[]> split(byte[] bytes, List<Integer> cuts) {
        List<Integer> points = new ArrayList<>();
        for (int cut : cuts) {
            points.add(bytes.length == 0 ? 0 : Math.floorMod(cut, bytes.length));
        }
        points.sort(Integer::compare);
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int point : points) {
            if (point > from) {
                pieces.add(java.util.Arrays.copyOfRange(bytes, from, point));
                from = point;
            }
        }
        if (from < bytes.length || pieces.isEmpty()) {
            pieces.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        }
        return pieces;
    }

    private static List<String> controls() {
        List<String> list = new ArrayList<>();
        for (char c = 0; c < 0x20; c++) {
            list.add(String.valueOf(c));
        }
        list.add("\u007f");
        return List.copyOf(list);
    }
}
