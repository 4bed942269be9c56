package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.proxy.ProxyAddress;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.proxy.Routes;
import io.posthaste.internal.semantics.DigestResponse;
import io.posthaste.internal.session.RequestExtras;
import io.posthaste.internal.url.RequestUrl;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP Digest authentication (RFC 7616) to a forwarding HTTP proxy: a request for an
 * {@code http://} target goes to the proxy in absolute form with the proxy URL's user by Basic (the
 * URL names no scheme); a {@code 407} with a Digest challenge is answered once, and once more if
 * the proxy says the nonce was stale, by sending the request again with the Digest answer in place
 * of Basic. The answer's {@code uri} is the absolute-form target, as the proxy saw it. A final
 * {@code 407} is the call's response, as curl returns it; bodies that cannot be sent again are not
 * resent. A proxy's challenge to {@code CONNECT} is answered where tunnels are dialled, not here.
 *
 * <p>Runs once per redirect hop (inside the redirect step), since each hop may take another route.
 * Stateless beyond the session's routes; any thread.
 */
final class ProxyDigestAuth implements Interceptor {

    private final Routes routes;

    ProxyDigestAuth(Routes routes) {
        this.routes = routes;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        return chain.proceed(request).thenCompose(response -> answer(request, response, chain, 2));
    }

    private CompletableFuture<Response> answer(Request sent, Response response, Chain chain, int triesLeft) {
        if (response.status() != 407 || triesLeft == 0) {
            return CompletableFuture.completedFuture(response);
        }
        RequestUrl url = Bridge.get().url(sent);
        RequestExtras extras = Bridge.get().extras(sent);
        Route route = routes.choose(url.isHttps(), url.host(), url.port(), extras.route());
        ProxyAddress proxy = route.proxy();
        Map<String, String> challenge = DigestAuth.challenge(response, "Proxy-Authenticate");
        boolean firstTry = triesLeft == 2;
        if (challenge == null
                || !route.forwards(url.isHttps())
                || proxy.user() == null
                || !firstTry && !"true".equalsIgnoreCase(challenge.get("stale"))
                || !sent.body().map(Body::isReplayable).orElse(true)) {
            return CompletableFuture.completedFuture(response);
        }
        String authorization;
        try {
            authorization = DigestResponse.authorization(
                    challenge,
                    proxy.user(),
                    proxy.password() == null ? "" : proxy.password(),
                    sent.method(),
                    url.scheme() + "://" + url.hostHeader() + url.target());
        } catch (NoSuchAlgorithmException unsupported) {
            return CompletableFuture.completedFuture(response);
        }
        // The 407 is not the call's answer: release what it holds before asking again.
        Call.discard(response);
        Request again = Bridge.get().withExtras(sent, extras.withProxyAuthorization(authorization));
        return chain.proceed(again).thenCompose(r -> answer(again, r, chain, triesLeft - 1));
    }
}
