package io.posthaste.internal.semantics;

import io.posthaste.InvalidRequestException;
import java.util.Objects;

/**
 * The validation every header name and value passes before it may reach the wire (RFC 9110 §5.1,
 * §5.5). Values are never echoed in messages: they may be credentials.
 */
public final class HeaderRules {

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HeaderRules() {}

    /** Returns whether {@code c} may appear in a token (header name, method). */
    public static boolean isTokenChar(char c) {
        return c < 128 && TOKEN[c];
    }

    /**
     * Checks that {@code name} is a non-empty RFC 9110 token.
     *
     * @throws InvalidRequestException if it is not
     */
    public static void checkName(String name) {
        Objects.requireNonNull(name, "header name");
        if (name.isEmpty()) {
            throw new InvalidRequestException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isTokenChar(c)) {
                throw new InvalidRequestException("header name '" + printable(name)
                        + "' contains a forbidden character " + describe(c) + " at index " + i);
            }
        }
    }

    /**
     * Checks that {@code value} holds only visible characters, spaces, horizontal tabs and
     * obs-text (0x80-0xFF): no CR, LF, NUL or other control characters, nothing beyond Latin-1.
     *
     * @param name the header's name, for the message
     * @throws InvalidRequestException if it does not
     */
    public static void checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of header " + name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new InvalidRequestException("value of header '" + name + "' contains a forbidden character "
                        + describe(c) + " at index " + i);
            }
        }
    }

    /**
     * Checks that a method is a token, as RFC 9110 §9.1 requires.
     *
     * @throws InvalidRequestException if it is not
     */
    public static void checkMethod(String method) {
        Objects.requireNonNull(method, "method");
        if (method.isEmpty()) {
            throw new InvalidRequestException("method is empty");
        }
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) {
                throw new InvalidRequestException("method '" + printable(method) + "' contains a forbidden character "
                        + describe(method.charAt(i)));
            }
        }
    }

    /** Returns whether the value of {@code name} is a credential that is never shown. */
    public static boolean isAlwaysSensitive(String name) {
        return name.equalsIgnoreCase("Authorization")
                || name.equalsIgnoreCase("Cookie")
                || name.equalsIgnoreCase("Proxy-Authorization")
                || name.equalsIgnoreCase("Set-Cookie");
    }

    public static String describe(char c) {
        return switch (c) {
            case '\r' -> "CR";
            case '\n' -> "LF";
            case 0 -> "NUL";
            default -> String.format("U+%04X", (int) c);
        };
    }

    /** Returns {@code s} with control characters escaped, short enough for a message. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return s.length() > 64 ? out.append("…").toString() : out.toString();
    }
}
