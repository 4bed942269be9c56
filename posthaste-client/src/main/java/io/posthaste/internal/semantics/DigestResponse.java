package io.posthaste.internal.semantics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic of HTTP Digest authentication (RFC 7616), for servers and proxies alike: a
 * challenge's parameters, and the answer to it for MD5 and SHA-256 (and their {@code -sess}
 * forms), with {@code qop=auth} or without qop. Stateless; any thread.
 */
public final class DigestResponse {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DigestResponse() {}

    /** Returns the parameters of a challenge's text (after {@code Digest }), names in lower case. */
    public static Map<String, String> parameters(String text) {
        Map<String, String> parameters = new HashMap<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            parameters.put(key, value.toString().trim());
        }
        return parameters;
    }

    /**
     * Returns the {@code Authorization} (or {@code Proxy-Authorization}) value answering
     * {@code challenge} for {@code user} and {@code password}, for a request of {@code method}
     * to {@code uri} (the request-target; {@code host:port} for {@code CONNECT}).
     *
     * @throws NoSuchAlgorithmException for an algorithm other than MD5 and SHA-256 (and -sess)
     */
    public static String authorization(
            Map<String, String> challenge, String user, String password, String method, String uri)
            throws NoSuchAlgorithmException {
        String algorithm = challenge.getOrDefault("algorithm", "MD5");
        boolean session = algorithm.toUpperCase(Locale.ROOT).endsWith("-SESS");
        String base = session ? algorithm.substring(0, algorithm.length() - 5) : algorithm;
        String javaName = switch (base.toUpperCase(Locale.ROOT)) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> throw new NoSuchAlgorithmException(algorithm);
        };
        String realm = challenge.getOrDefault("realm", "");
        String nonce = challenge.getOrDefault("nonce", "");
        String qopOffered = challenge.get("qop");
        boolean qopAuth = qopOffered != null
                && java.util.Arrays.stream(qopOffered.split(","))
                        .map(String::trim)
                        .anyMatch("auth"::equalsIgnoreCase);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String cnonce = HexFormat.of().formatHex(random);
        String nc = "00000001";
        String ha1 = hash(javaName, user + ":" + realm + ":" + password);
        if (session) {
            ha1 = hash(javaName, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(javaName, method + ":" + uri);
        String response = qopAuth
                ? hash(javaName, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : hash(javaName, ha1 + ":" + nonce + ":" + ha2);
        StringBuilder header = new StringBuilder("Digest username=\"")
                .append(quote(user))
                .append("\", realm=\"")
                .append(quote(realm))
                .append("\", nonce=\"")
                .append(quote(nonce))
                .append("\", uri=\"")
                .append(quote(uri))
                .append("\", algorithm=")
                .append(algorithm)
                .append(", response=\"")
                .append(response)
                .append('"');
        if (qopAuth) {
            header.append(", qop=auth, nc=")
                    .append(nc)
                    .append(", cnonce=\"")
                    .append(cnonce)
                    .append('"');
        }
        if (challenge.containsKey("opaque")) {
            header.append(", opaque=\"").append(quote(challenge.get("opaque"))).append('"');
        }
        return header.toString();
    }

    /** Returns the hex digest of {@code text} in UTF-8. */
    public static String hash(String algorithm, String text) throws NoSuchAlgorithmException {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
