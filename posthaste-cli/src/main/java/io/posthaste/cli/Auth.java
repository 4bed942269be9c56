package io.posthaste.cli;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Makes the {@code Authorization} header for {@code --auth} and {@code --auth-type}. The client
 * has no auth helpers yet, so basic and bearer are plain headers here; digest needs a challenge
 * round trip that the client will own, and is refused with a clear message until then.
 */
final class Auth {

    private Auth() {
    }

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
                String pair = credentials;
                if (!pair.contains(":")) {
                    if (console == null) {
                        throw CliException.usage("--auth " + credentials + " has no password and there is "
                                + "no terminal to ask for one: use --auth user:password");
                    }
                    char[] password = console.readPassword("Password for %s: ", credentials);
                    pair = credentials + ":" + (password == null ? "" : new String(password));
                }
                return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            }
            case "bearer" -> {
                return "Bearer " + credentials;
            }
            case "digest" -> throw CliException.usage("--auth-type digest is not supported yet "
                    + "(it needs the server's challenge, which the client library does not handle "
                    + "yet); use basic or bearer");
            default -> throw CliException.usage("unknown --auth-type '" + type
                    + "' (expected basic, bearer or digest)");
        }
    }
}
