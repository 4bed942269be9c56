package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.semantics.DigestResponse;
import io.posthaste.internal.session.DigestCredentials;
import java.security.NoSuchAlgorithmException;
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

    private DigestAuth() {}

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        return run(request, Bridge.get().extras(request).digest(), chain::proceed);
    }

    static CompletableFuture<Response> run(
            Request request, DigestCredentials credentials, Function<Request, CompletableFuture<Response>> next) {
        if (credentials == null) {
            return next.apply(request);
        }
        return next.apply(request).thenCompose(response -> answer(response, credentials, next, 2));
    }

    private static CompletableFuture<Response> answer(
            Response response,
            DigestCredentials credentials,
            Function<Request, CompletableFuture<Response>> next,
            int triesLeft) {
        Request sent = response.request();
        Map<String, String> challenge = response.status() == 401 ? challenge(response, "WWW-Authenticate") : null;
        boolean firstTry = triesLeft == 2;
        if (challenge == null
                || triesLeft == 0
                || !firstTry && !"true".equalsIgnoreCase(challenge.get("stale"))
                || !credentials.origin().sameOrigin(Bridge.get().url(sent))
                || !sent.body().map(Body::isReplayable).orElse(true)) {
            return CompletableFuture.completedFuture(response);
        }
        String authorization;
        try {
            authorization = authorization(
                    challenge,
                    credentials,
                    sent.method(),
                    Bridge.get().url(sent).target());
        } catch (NoSuchAlgorithmException unsupported) {
            return CompletableFuture.completedFuture(response);
        }
        // The 401 is not the call's answer: release what it holds (a streamed body's connection).
        Call.discard(response);
        Request again = sent.toBuilder().header("Authorization", authorization).build();
        return next.apply(again).thenCompose(r -> answer(r, credentials, next, triesLeft - 1));
    }

    /**
     * Returns the parameters of the Digest challenge in the response's {@code field}
     * ({@code WWW-Authenticate} or {@code Proxy-Authenticate}), or {@code null} if none.
     */
    static Map<String, String> challenge(Response response, String field) {
        for (String value : response.headers().allValues(field)) {
            String trimmed = value.trim();
            if (trimmed.regionMatches(true, 0, "Digest ", 0, 7)) {
                return parameters(trimmed.substring(7));
            }
        }
        return null;
    }

    static Map<String, String> parameters(String text) {
        return DigestResponse.parameters(text);
    }

    static String authorization(Map<String, String> challenge, DigestCredentials credentials, String method, String uri)
            throws NoSuchAlgorithmException {
        return DigestResponse.authorization(challenge, credentials.user(), credentials.password(), method, uri);
    }
}
