package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.session.DigestCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * HTTP Digest authentication (RFC 7616): MD5 and SHA-256 (and their {@code -sess} forms), with
 * {@code qop=auth} or without qop. The request goes out without credentials; a 401 with a Digest
 * challenge from the credentials' own origin is answered once, and once more if the server says
 * the nonce was stale. Bodies that cannot be sent again are not resent: the 401 is returned.
 */
final class DigestAuth implements Interceptor {

    static final DigestAuth INSTANCE = new DigestAuth();

    private static final SecureRandom RANDOM = new SecureRandom();

    private DigestAuth() {
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        return run(request, Bridge.get().extras(request).digest(), chain::proceed);
    }

    static CompletableFuture<Response> run(Request request, DigestCredentials credentials,
            Function<Request, CompletableFuture<Response>> next) {
        if (credentials == null) {
            return next.apply(request);
        }
        return next.apply(request).thenCompose(response -> answer(response, credentials, next, 2));
    }

    private static CompletableFuture<Response> answer(Response response, DigestCredentials credentials,
            Function<Request, CompletableFuture<Response>> next, int triesLeft) {
        Request sent = response.request();
        Map<String, String> challenge = response.status() == 401 ? challenge(response) : null;
        boolean firstTry = triesLeft == 2;
        if (challenge == null || triesLeft == 0
                || !firstTry && !"true".equalsIgnoreCase(challenge.get("stale"))
                || !credentials.origin().sameOrigin(Bridge.get().url(sent))
                || !sent.body().map(Body::isReplayable).orElse(true)) {
            return CompletableFuture.completedFuture(response);
        }
        String authorization;
        try {
            authorization = authorization(challenge, credentials, sent.method(),
                    Bridge.get().url(sent).target());
        } catch (NoSuchAlgorithmException unsupported) {
            return CompletableFuture.completedFuture(response);
        }
        Request again = sent.toBuilder().header("Authorization", authorization).build();
        return next.apply(again).thenCompose(r -> answer(r, credentials, next, triesLeft - 1));
    }

    /** Returns the parameters of the response's Digest challenge, or {@code null} if none. */
    static Map<String, String> challenge(Response response) {
        for (String value : response.headers().allValues("WWW-Authenticate")) {
            String trimmed = value.trim();
            if (trimmed.regionMatches(true, 0, "Digest ", 0, 7)) {
                return parameters(trimmed.substring(7));
            }
        }
        return null;
    }

    static Map<String, String> parameters(String text) {
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

    static String authorization(Map<String, String> challenge, DigestCredentials credentials,
            String method, String uri) throws NoSuchAlgorithmException {
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
        boolean qopAuth = qopOffered != null && java.util.Arrays.stream(qopOffered.split(","))
                .map(String::trim).anyMatch("auth"::equalsIgnoreCase);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String cnonce = HexFormat.of().formatHex(random);
        String nc = "00000001";
        String ha1 = hash(javaName, credentials.user() + ":" + realm + ":" + credentials.password());
        if (session) {
            ha1 = hash(javaName, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(javaName, method + ":" + uri);
        String response = qopAuth
                ? hash(javaName, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : hash(javaName, ha1 + ":" + nonce + ":" + ha2);
        StringBuilder header = new StringBuilder("Digest username=\"").append(quote(credentials.user()))
                .append("\", realm=\"").append(quote(realm)).append("\", nonce=\"").append(quote(nonce))
                .append("\", uri=\"").append(quote(uri)).append("\", algorithm=").append(algorithm)
                .append(", response=\"").append(response).append('"');
        if (qopAuth) {
            header.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        if (challenge.containsKey("opaque")) {
            header.append(", opaque=\"").append(quote(challenge.get("opaque"))).append('"');
        }
        return header.toString();
    }

    static String hash(String algorithm, String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
