package io.posthaste.internal.chain;

import io.posthaste.Cookie;
import io.posthaste.CookieJar;
import io.posthaste.Headers;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The cookie step, run for every hop: the jar's cookies for the hop's URL go into the
 * {@code Cookie} header, and every response's {@code Set-Cookie} goes into the jar. Cookies the
 * caller set by hand win over the jar's of the same name; they are request headers, so a
 * redirect to another origin drops them like any credential. The jar may be the caller's code:
 * if it throws, the call fails with its exception (and the answer is released) rather than the
 * exception escaping into a callback where nothing would complete the call.
 */
final class Cookies implements Interceptor {

    private final CookieJar jar;
    private final Function<Response, Response> saveCookies = this::saved;

    Cookies(CookieJar jar) {
        this.jar = jar;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        Request withCookies;
        try {
            withCookies = addTo(request, jar);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return chain.proceed(withCookies).thenApply(saveCookies);
    }

    private Response saved(Response response) {
        try {
            save(response, jar);
        } catch (RuntimeException e) {
            Call.discard(response);
            throw new CompletionException(e);
        }
        return response;
    }

    static Request addTo(Request request, CookieJar jar) {
        List<Cookie> cookies = jar.load(request.url());
        if (cookies.isEmpty()) {
            return request;
        }
        String explicit = request.headers().get("Cookie");
        Set<String> explicitNames = new HashSet<>();
        StringBuilder header = new StringBuilder(64);
        if (explicit != null) {
            header.append(explicit);
            for (String pair : explicit.split(";")) {
                int eq = pair.indexOf('=');
                explicitNames.add((eq < 0 ? pair : pair.substring(0, eq)).trim());
            }
        }
        for (Cookie cookie : cookies) {
            if (!explicitNames.contains(cookie.name())) {
                if (header.length() > 0) {
                    header.append("; ");
                }
                header.append(cookie.name()).append('=').append(cookie.value());
            }
        }
        Headers headers =
                request.headers().toBuilder().set("Cookie", header.toString()).build();
        return Bridge.get()
                .redirect(
                        request,
                        Bridge.get().url(request),
                        request.method(),
                        headers,
                        request.body().orElse(null));
    }

    static void save(Response response, CookieJar jar) {
        List<String> setCookies = response.headers().allValues("Set-Cookie");
        if (!setCookies.isEmpty()) {
            jar.save(response.url(), setCookies);
        }
    }
}
