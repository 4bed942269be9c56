package io.posthaste.internal.http3;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses an {@code Alt-Svc} field value (RFC 7838 section 3): {@code clear}, or a list of
 * alternatives such as {@code h3=":443"; ma=3600, h2="alt.example:443"}. Protocol ids are
 * percent-decoded; {@code ma} defaults to 24 hours; unknown parameters are ignored. A malformed
 * alternative is skipped and the rest still count (a server's typo must not hide its good
 * entries); a malformed list yields what was read before the damage. Stateless.
 */
final class AltSvc {

    /** How long an alternative without {@code ma} is fresh (RFC 7838 section 3.1): 24 hours. */
    static final long DEFAULT_MAX_AGE_SECONDS = 86_400;
    /** The longest {@code ma} kept: a year, so that adding it to a clock cannot overflow. */
    static final long MAX_AGE_CAP_SECONDS = 365L * 86_400;

    /**
     * One alternative service.
     *
     * @param protocol the ALPN protocol id, e.g. {@code h3}
     * @param host the alternative host, or empty for the origin's own
     * @param port the alternative port
     * @param maxAgeSeconds how long it may be used, from when it was received
     */
    record Alternative(String protocol, String host, int port, long maxAgeSeconds) {}

    /** What one field value says: {@code clear}, or its alternatives (maybe none). */
    record Parsed(boolean clear, List<Alternative> alternatives) {}

    private final String value;
    private int pos;

    private AltSvc(String value) {
        this.value = value;
    }

    /** Parses one {@code Alt-Svc} field value. */
    static Parsed parse(String value) {
        if (value.strip().equals("clear")) {
            return new Parsed(true, List.of());
        }
        return new Parsed(false, new AltSvc(value).alternatives());
    }

    private List<Alternative> alternatives() {
        List<Alternative> found = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= value.length()) {
                return found;
            }
            Alternative alternative = alternative();
            if (alternative != null) {
                found.add(alternative);
            }
            // Move to the next list member: past the next comma that is outside quotes.
            if (!skipToNextMember()) {
                return found;
            }
        }
    }

    /** Reads one alternative and its parameters; null if malformed (the rest of it is skipped). */
    private Alternative alternative() {
        String protocol = token();
        if (protocol.isEmpty() || !expect('=')) {
            return null;
        }
        String authority = quoted();
        if (authority == null) {
            return null;
        }
        long maxAge = DEFAULT_MAX_AGE_SECONDS;
        while (true) {
            skipSpace();
            if (pos >= value.length() || value.charAt(pos) != ';') {
                break;
            }
            pos++;
            skipSpace();
            String name = token().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !expect('=')) {
                return null;
            }
            String parameter = pos < value.length() && value.charAt(pos) == '"' ? quoted() : token();
            if (parameter == null) {
                return null;
            }
            if (name.equals("ma")) {
                maxAge = deltaSeconds(parameter);
                if (maxAge < 0) {
                    return null;
                }
            }
        }
        int colon = authority.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = authority.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = port(authority.substring(colon + 1));
        if (port < 0) {
            return null;
        }
        String decoded = percentDecode(protocol);
        return decoded == null ? null : new Alternative(decoded, host.toLowerCase(Locale.ROOT), port, maxAge);
    }

    private boolean skipToNextMember() {
        boolean quoted = false;
        while (pos < value.length()) {
            char c = value.charAt(pos++);
            if (quoted && c == '\\') {
                pos++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return true;
            }
        }
        return false;
    }

    private void skipSpace() {
        while (pos < value.length() && (value.charAt(pos) == ' ' || value.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private boolean expect(char c) {
        skipSpace();
        if (pos < value.length() && value.charAt(pos) == c) {
            pos++;
            skipSpace();
            return true;
        }
        return false;
    }

    /** An RFC 9110 token, possibly empty. */
    private String token() {
        int start = pos;
        while (pos < value.length() && isTokenChar(value.charAt(pos))) {
            pos++;
        }
        return value.substring(start, pos);
    }

    /** A quoted string, unescaped; null if there is none or it does not end. */
    private String quoted() {
        if (pos >= value.length() || value.charAt(pos) != '"') {
            return null;
        }
        StringBuilder out = new StringBuilder();
        pos++;
        while (pos < value.length()) {
            char c = value.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\' && pos < value.length()) {
                c = value.charAt(pos++);
            }
            out.append(c);
        }
        return null;
    }

    private static boolean isTokenChar(char c) {
        return c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** Returns RFC 9110 delta-seconds, capped (a huge {@code ma} is "very long"), or -1 if malformed. */
    private static long deltaSeconds(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long seconds = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            seconds = Math.min(MAX_AGE_CAP_SECONDS, seconds * 10 + c - '0');
        }
        return seconds;
    }

    private static int port(String digits) {
        if (digits.isEmpty() || digits.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + c - '0';
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    private static String percentDecode(String token) {
        if (token.indexOf('%') < 0) {
            return token;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= token.length()) {
                return null;
            }
            int hi = Character.digit(token.charAt(i + 1), 16);
            int lo = Character.digit(token.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
