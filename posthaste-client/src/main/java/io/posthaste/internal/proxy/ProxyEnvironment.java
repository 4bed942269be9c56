package io.posthaste.internal.proxy;

import java.util.Map;

/**
 * The proxy settings of an environment, read as curl reads them: {@code http_proxy} for
 * {@code http://} targets, {@code https_proxy} for {@code https://} ones, {@code all_proxy} for
 * either when its own is unset, and {@code no_proxy} (see {@link NoProxy}) for the targets that go
 * direct. Each also upper-case, the lower-case one winning when both are set; an empty value is
 * unset. Under CGI ({@code REQUEST_METHOD} set) upper-case {@code HTTP_PROXY} is ignored: a
 * request's {@code Proxy:} header reaches a CGI program as {@code HTTP_PROXY} (the "httpoxy"
 * attack), while no header can set the lower-case name. Takes the variables as a map, so that it
 * reads no process state; immutable.
 */
public final class ProxyEnvironment {

    private final ProxyAddress http;
    private final ProxyAddress https;
    private final NoProxy noProxy;

    private ProxyEnvironment(ProxyAddress http, ProxyAddress https, NoProxy noProxy) {
        this.http = http;
        this.https = https;
        this.noProxy = noProxy;
    }

    /**
     * Reads the settings from {@code variables} (e.g. {@code System.getenv()}).
     *
     * @throws IllegalArgumentException naming the variable whose proxy URL is malformed (never its password)
     */
    public static ProxyEnvironment of(Map<String, String> variables) {
        boolean cgi = nonEmpty(variables.get("REQUEST_METHOD")) != null;
        String all = either(variables, "all_proxy", "ALL_PROXY");
        String http = cgi ? nonEmpty(variables.get("http_proxy")) : either(variables, "http_proxy", "HTTP_PROXY");
        String https = either(variables, "https_proxy", "HTTPS_PROXY");
        String noProxy = either(variables, "no_proxy", "NO_PROXY");
        return new ProxyEnvironment(
                parse(http != null ? http : all, "http_proxy"),
                parse(https != null ? https : all, "https_proxy"),
                NoProxy.parse(noProxy));
    }

    /** Returns the proxy for a request to {@code host}:{@code port} over {@code https} or not, or {@code null} for none. */
    public ProxyAddress proxyFor(boolean https, String host, int port) {
        ProxyAddress proxy = https ? this.https : this.http;
        return proxy == null || noProxy.covers(host, port) ? null : proxy;
    }

    private static String either(Map<String, String> variables, String lower, String upper) {
        String value = nonEmpty(variables.get(lower));
        return value != null ? value : nonEmpty(variables.get(upper));
    }

    private static String nonEmpty(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ProxyAddress parse(String url, String variable) {
        if (url == null) {
            return null;
        }
        try {
            return ProxyAddress.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " (or its upper-case or all_proxy): " + e.getMessage(), e);
        }
    }
}
