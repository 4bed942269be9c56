package io.posthaste.internal.chain;

import io.posthaste.CookieJar;
import io.posthaste.EventListener;
import io.posthaste.Headers;
import io.posthaste.HostResolver;
import io.posthaste.Interceptor;
import io.posthaste.RetryPolicy;
import io.posthaste.JsonCodec;
import io.posthaste.Timeouts;
import io.posthaste.internal.codec.RequestUrl;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Everything a session was configured with, resolved to final values.
 *
 * @param baseUrl URL that relative request URLs resolve against, or {@code null}
 * @param defaultHeaders headers every request carries unless it sets its own of the same name
 * @param userAgent the {@code User-Agent} value
 * @param timeouts default timeouts
 * @param maxConnectionsPerOrigin pool cap per origin
 * @param maxConnectionsTotal pool cap in all
 * @param idleTimeout how long an idle pooled connection is kept
 * @param raiseForStatus whether 4xx/5xx raise by default
 * @param jsonCodec JSON codec
 * @param checkJsonContentType whether {@code json()} insists on a JSON content type
 * @param maxResponseBodySize most bytes of a buffered (decoded) body
 * @param maxResponseHeaderSize most bytes of a response head's header section
 * @param maxResponseHeaders most header fields in a response
 * @param sensitiveHeaders lower-case names whose values never appear in messages
 * @param decompress whether compressed responses are decoded (every coding in
 *     {@code ContentCodings.supported()}: gzip, deflate, and br and zstd where they load)
 * @param sslContext caller-supplied SSL context, or {@code null}
 * @param trustManager caller-supplied trust manager, or {@code null} for the JDK's
 * @param eventLoopThreads event-loop threads
 * @param threadFactory makes the event-loop threads, or {@code null}
 * @param callbackExecutor completes {@code sendAsync} futures
 * @param interceptors application interceptors, outermost first
 * @param networkInterceptors network interceptors, outermost first
 * @param followRedirects whether redirects are followed by default
 * @param maxRedirects the most redirects followed for one call
 * @param allowHttpsToHttpRedirects whether a redirect may leave https for http
 * @param cookieJar where cookies are kept
 * @param retryPolicy when failed requests are sent again
 * @param eventListener hears every step, or {@code null}
 * @param auth credentials for the base URL's origin, or {@code null}
 * @param resolver looks host names up
 * @param callerDrivenIo whether {@code send()} on a platform thread drives its own I/O
 */
public record SessionConfig(RequestUrl baseUrl, Headers defaultHeaders, String userAgent,
        Timeouts timeouts, int maxConnectionsPerOrigin, int maxConnectionsTotal, Duration idleTimeout,
        boolean raiseForStatus, JsonCodec jsonCodec, boolean checkJsonContentType,
        long maxResponseBodySize, int maxResponseHeaderSize, int maxResponseHeaders,
        Set<String> sensitiveHeaders, boolean decompress, SSLContext sslContext,
        X509TrustManager trustManager, int eventLoopThreads, ThreadFactory threadFactory,
        Executor callbackExecutor, List<Interceptor> interceptors,
        List<Interceptor> networkInterceptors, boolean followRedirects, int maxRedirects,
        boolean allowHttpsToHttpRedirects, CookieJar cookieJar, RetryPolicy retryPolicy,
        EventListener eventListener, SessionAuth auth, HostResolver resolver, boolean callerDrivenIo) {
}
