package io.posthaste.testing.internal;

/** RFC 9110 token and field-value checks shared by the parser and the response builder. */
public final class Tokens {

    private Tokens() {}

    /** Returns whether {@code b} is a tchar (RFC 9110 §5.6.2). */
    public static boolean isTchar(int b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        return b > 0 && "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /** Returns whether {@code s} is a non-empty token. */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Throws IllegalArgumentException unless {@code name} is a token and {@code value} a safe field value. */
    public static void checkField(String name, String value) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("header name is not an RFC 9110 token: \"" + name + "\"");
        }
        if (value == null) {
            throw new IllegalArgumentException("header value is null for " + name);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                throw new IllegalArgumentException(
                        "header " + name
                                + " has a CR, LF, NUL or non-Latin-1 character; use MockResponse.Builder.raw for malformed responses");
            }
        }
    }
}
