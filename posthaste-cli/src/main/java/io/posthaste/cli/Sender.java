package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.StreamingResponse;
import io.posthaste.Timeouts;
import java.time.Duration;
import javax.net.ssl.X509TrustManager;

/**
 * Sends a {@link RequestSpec} and returns the streamed answer. Redirects are the client's: not
 * followed unless {@code --follow} (as in httpie), and then with the client's rules (303 and
 * POST after 301/302 become GET, credentials never cross origins). The answer is the caller's
 * to close.
 */
final class Sender {

    private Sender() {}

    /**
     * Returns a session for one command: one event-loop thread (one request at a time needs no
     * more, and it starts faster), the given trust, timeouts and HTTP versions, and no raise-for-status (the
     * command prints 4xx/5xx answers and decides the exit code itself).
     *
     * @param trust the trust manager, or {@code null} for the JDK's trust store
     * @param timeout {@code --timeout}: applied to connecting, the TLS handshake, and each wait
     *     for bytes; {@code null} for the client's defaults
     * @param maxRedirects {@code --max-redirects}, used with {@code --follow}
     * @param versions {@code --http2}, {@code --http2-prior-knowledge} and {@code --http3}
     * @param url the request's URL, which {@code --http2} needs to be {@code https://}
     * @param network the route and client-certificate options ({@link NetworkOptions})
     */
    static ClientSession session(
            X509TrustManager trust,
            Duration timeout,
            int maxRedirects,
            HttpVersionOptions versions,
            String url,
            java.util.function.Consumer<ClientSession.Builder> network) {
        ClientSession.Builder builder = ClientSession.builder()
                .eventLoopThreads(1)
                .raiseForStatus(false)
                .followRedirects(false)
                .maxRedirects(maxRedirects);
        versions.applyTo(builder, url);
        network.accept(builder);
        return trustAndTimeout(builder, trust, timeout).build();
    }

    /**
     * Applies {@code trust} (null: the JDK's trust store) and {@code timeout} (null: the client's
     * defaults) to {@code builder}, as every command does; returns the builder.
     */
    static ClientSession.Builder trustAndTimeout(
            ClientSession.Builder builder, X509TrustManager trust, Duration timeout) {
        if (trust != null) {
            builder.trustManager(trust);
        }
        if (timeout != null) {
            builder.timeouts(Timeouts.defaults().toBuilder()
                    .connect(timeout)
                    .tlsHandshake(timeout)
                    .read(timeout)
                    .write(timeout)
                    .build());
        }
        return builder;
    }

    /** Returns {@code --timeout SECONDS} as a duration, or null without one. */
    static Duration timeout(Double seconds) {
        if (seconds == null) {
            return null;
        }
        if (!(seconds > 0) || seconds > 86_400) {
            throw CliException.usage("--timeout must be between 0 and 86400 seconds, not " + seconds);
        }
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    /**
     * Sends {@code spec}; with {@code follow}, the client follows redirects up to the session's
     * limit and raises {@link io.posthaste.TooManyRedirectsException} past it; with
     * {@code digest} ({@code {user, password}}), the client answers a Digest challenge.
     */
    static StreamingResponse send(ClientSession session, RequestSpec spec, boolean follow, String[] digest) {
        io.posthaste.RequestBuilder builder = spec.toBuilder(session).followRedirects(follow);
        if (digest != null) {
            builder.digestAuth(digest[0], digest[1]);
        }
        return builder.stream();
    }
}
