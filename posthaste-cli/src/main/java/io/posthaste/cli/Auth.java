package io.posthaste.cli;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns {@code --auth} and {@code --auth-type} into credentials: basic and bearer become the
 * {@code Authorization} header; digest becomes a user and password for the client's
 * {@code digestAuth}, which answers the server's challenge.
 */
final class Auth {

    private Auth() {}

    /**
     * Returns the header value, or {@code null} without {@code --auth}.
     *
     * @param credentials {@code user:password} (basic; {@code user} alone asks for the password
     *     on the console), or the token (bearer)
     * @param type {@code basic}, {@code bearer} or {@code digest}
     */
    static String header(String credentials, String type, Console console) {
        if (credentials == null) {
            return null;
        }
        switch (type.toLowerCase(Locale.ROOT)) {
            case "basic" -> {
                return "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        userAndPassword(credentials, console).getBytes(StandardCharsets.UTF_8));
            }
            case "bearer" -> {
                return "Bearer " + credentials;
            }
            case "digest" -> {
                return null;
            }
            default ->
                throw CliException.usage("unknown --auth-type '" + type + "' (expected basic, bearer or digest)");
        }
    }

    /** Returns {@code {user, password}} for {@code --auth-type digest}, or {@code null}. */
    static String[] digest(String credentials, String type, Console console) {
        if (credentials == null || !type.equalsIgnoreCase("digest")) {
            return null;
        }
        String pair = userAndPassword(credentials, console);
        int colon = pair.indexOf(':');
        return new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    }

    /** Returns {@code user:password}, asking for the password when only a user was given. */
    private static String userAndPassword(String credentials, Console console) {
        if (credentials.contains(":")) {
            return credentials;
        }
        if (console == null) {
            throw CliException.usage("--auth " + credentials + " has no password and there is "
                    + "no terminal to ask for one: use --auth user:password");
        }
        char[] password = console.readPassword("Password for %s: ", credentials);
        return credentials + ":" + (password == null ? "" : new String(password));
    }
}
