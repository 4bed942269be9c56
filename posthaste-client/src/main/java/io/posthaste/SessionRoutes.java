package io.posthaste;

import io.posthaste.internal.proxy.ProxyEnvironment;
import io.posthaste.internal.proxy.Routes;
import io.posthaste.internal.session.SessionConfig;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The network-route settings of {@link ClientSession.Builder}: which proxy its requests go
 * through, or which Unix socket they go over. Kept apart so that the builder reads in one sitting;
 * every method here is a method of {@code ClientSession.Builder}. By default every request goes
 * straight to its origin and the environment is not read. A request's own {@code proxy(…)},
 * {@code noProxy()} or {@code unixSocket(…)} replaces the session's choice for that request.
 *
 * @param <B> the builder type
 */
abstract class SessionRoutes<B extends SessionRoutes<B>> extends SessionSecurity<B> {

    private @Nullable String proxy;
    private @Nullable ProxySelector proxySelector;
    /** The environment to read proxy settings from, or null: do not read one. */
    private @Nullable Map<String, String> environment;

    private @Nullable Path unixSocket;
    private boolean proxyTunnel;

    /**
     * Sends every request through a proxy, named by a URL as curl and httpx take it:
     * {@code http://[user:password@]host:port} (absolute-form requests for {@code http://}
     * targets, {@code CONNECT} tunnels for {@code https://} ones), {@code https://…} (the same
     * over TLS to the proxy, verified as any server), {@code socks5://…} (target names looked up
     * here), {@code socks5h://…} (by the proxy) or {@code socks4a://…}; {@code "direct"} for none.
     * The user and password (percent-encoded in the URL) go to the proxy only, by Basic; a proxy
     * that answers with a Digest challenge is answered once more, by Digest (a {@code CONNECT} on
     * a new connection; a forwarded request sent again, if its body can be). Messages and logs
     * never show the password. HTTP/2 to an https origin works through the tunnel.
     * {@snippet :
     * ClientSession session = ClientSession.builder().proxy("http://user:secret@proxy.corp:3128").build();
     * }
     *
     * @throws IllegalArgumentException if the URL is malformed (the message hides the password)
     */
    public B proxy(String url) {
        Routes.parse(Objects.requireNonNull(url, "url"));
        this.proxy = url;
        return self();
    }

    /**
     * Asks {@code selector} for each request's proxy (e.g. {@code ProxySelector.getDefault()},
     * which follows the JDK's {@code http.proxyHost} and related properties), taking its first
     * answer: {@code HTTP} as an HTTP proxy, {@code SOCKS} as SOCKS5 with names looked up by the
     * proxy, {@code DIRECT} as none. It is called for every request, on the calling thread or an
     * event loop: it must answer quickly and not block. Excludes {@link #proxy(String)}.
     */
    public B proxySelector(ProxySelector selector) {
        this.proxySelector = Objects.requireNonNull(selector, "selector");
        return self();
    }

    /**
     * Reads the proxy settings of the process environment when {@code trust} (default off), as
     * curl does and aiohttp's {@code trust_env}: {@code http_proxy}, {@code https_proxy},
     * {@code all_proxy} and {@code no_proxy} (host names with their subdomains, IPs, CIDR blocks,
     * {@code host:port}, {@code *}), each also upper-case; under CGI ({@code REQUEST_METHOD} set)
     * upper-case {@code HTTP_PROXY} is ignored (the "httpoxy" rule). Read once, when the session
     * is built; {@link #proxy(String)} and {@link #proxySelector(ProxySelector)} take precedence.
     *
     * @throws IllegalArgumentException at {@code build()} if a variable holds a malformed proxy URL
     */
    public B trustEnv(boolean trust) {
        this.environment = trust ? System.getenv() : null;
        return self();
    }

    /**
     * As {@link #trustEnv(boolean) trustEnv(true)}, reading these variables instead of the
     * process's: for a program that keeps its settings elsewhere (a CLI that maps
     * {@code --proxy} onto {@code all_proxy}), and for tests. The map is copied.
     */
    public B trustEnv(Map<String, String> variables) {
        this.environment = Map.copyOf(Objects.requireNonNull(variables, "variables"));
        return self();
    }

    /**
     * Asks HTTP proxies for a {@code CONNECT} tunnel for {@code http://} targets too, as curl's
     * {@code --proxytunnel} (default off: such requests go to the proxy as they are, in absolute
     * form, which every HTTP proxy understands). For a proxy that only tunnels, or so that the
     * proxy sees no more than the target's host and port.
     */
    public B proxyTunnel(boolean tunnel) {
        this.proxyTunnel = tunnel;
        return self();
    }

    /**
     * Sends every request over the Unix domain socket at {@code path} (e.g.
     * {@code /var/run/docker.sock}) instead of TCP: the URL and its {@code Host} header still say
     * what the server sees ({@code http://localhost/v1.43/containers/json}); {@code https://} URLs
     * speak TLS over the socket. Excludes {@link #proxy(String)} and {@link #proxySelector(ProxySelector)}.
     */
    public B unixSocket(Path path) {
        this.unixSocket = Objects.requireNonNull(path, "path");
        return self();
    }

    void applyRoutes(SessionConfig.Builder config) {
        config.routes(Routes.of(
                proxy,
                proxySelector,
                environment == null ? null : ProxyEnvironment.of(environment),
                unixSocket,
                proxyTunnel));
    }
}
