package io.posthaste.cli;

import io.posthaste.ClientSession;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the request command reaches the server, as curl's flags of those names: {@code --proxy},
 * {@code --noproxy}, {@code --proxytunnel}, {@code --unix-socket}, and who the client is and whom it pins
 * ({@code --cert}, {@code --cert-key}, {@code --pin}). A picocli mixin.
 *
 * <p>Proxies come from the environment as curl reads it ({@code http_proxy}, {@code https_proxy},
 * {@code all_proxy}, {@code no_proxy}, also upper-case; {@code HTTP_PROXY} ignored under CGI) —
 * the one place they are decided, so that {@code --proxy URL} is {@code all_proxy} (for every
 * scheme) and {@code --noproxy LIST} is {@code no_proxy}, both winning over the environment's;
 * {@code --proxy ""} turns every proxy off.
 */
final class NetworkOptions {

    @Option(
            names = {"-x", "--proxy"},
            paramLabel = "URL",
            description = "Use this proxy (an http, https, "
                    + "socks5, socks5h or socks4a URL, credentials in it); empty for none (default: the "
                    + "proxy environment variables).")
    String proxy;

    @Option(
            names = "--noproxy",
            paramLabel = "HOSTS",
            description = "Hosts that skip the proxy, "
                    + "comma-separated (domains cover their subdomains; IPs, CIDR blocks; * for all).")
    String noProxy;

    @Option(names = "--proxytunnel", description = "Ask an HTTP proxy for a CONNECT tunnel for plain " + "URLs too.")
    boolean proxyTunnel;

    @Option(
            names = "--unix-socket",
            paramLabel = "PATH",
            description = "Connect to the server over " + "this Unix domain socket; the URL still names the host.")
    Path unixSocket;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "Client certificate chain (PEM) for " + "mutual TLS; its key too unless --cert-key.")
    Path certificate;

    @Option(names = "--cert-key", paramLabel = "FILE", description = "Private key (PEM, unencrypted) " + "of --cert.")
    Path certificateKey;

    @Option(
            names = "--pin",
            paramLabel = "HASH",
            description =
                    "Accept the server only if its chain " + "holds this public key hash (sha256/BASE64); repeatable.")
    List<String> pins;

    /**
     * Applies the options to {@code builder} for a request to {@code url}, with {@code environment}
     * the process's variables and {@code directory} where relative paths start.
     *
     * @throws CliException a usage error for options that contradict each other
     */
    void applyTo(ClientSession.Builder builder, String url, Map<String, String> environment, Path directory) {
        if (certificateKey != null && certificate == null) {
            throw CliException.usage("--cert-key needs --cert (the certificate it belongs to)");
        }
        if (unixSocket != null && proxy != null && !proxy.isEmpty()) {
            throw CliException.usage("--unix-socket and --proxy exclude each other");
        }
        if (unixSocket != null) {
            builder.unixSocket(directory.resolve(unixSocket));
        } else if (proxy == null || !proxy.isEmpty()) {
            builder.trustEnv(proxyEnvironment(environment)).proxyTunnel(proxyTunnel);
        }
        if (certificate != null) {
            Path chain = directory.resolve(certificate);
            builder.clientCertificate(chain, certificateKey == null ? chain : directory.resolve(certificateKey));
        }
        if (pins != null && !pins.isEmpty()) {
            builder.pinCertificate(host(url), pins.toArray(String[]::new));
        }
    }

    /** Returns the proxy variables the session reads: the environment's, with the flags' on top. */
    Map<String, String> proxyEnvironment(Map<String, String> environment) {
        Map<String, String> variables = new HashMap<>(environment);
        if (proxy != null) {
            // One proxy for every scheme: drop the per-scheme ones, which would win over all_proxy.
            variables
                    .keySet()
                    .removeIf(name ->
                            List.of("http_proxy", "https_proxy", "all_proxy").contains(name.toLowerCase(Locale.ROOT)));
            variables.put("all_proxy", proxy);
        }
        if (noProxy != null) {
            variables.keySet().removeIf(name -> name.equalsIgnoreCase("no_proxy"));
            variables.put("no_proxy", noProxy);
        }
        return variables;
    }

    private static String host(String url) {
        try {
            String host =
                    URI.create(url.contains("://") ? url : "http://" + url).getHost();
            if (host == null) {
                throw CliException.usage("--pin needs a URL with a host, not " + url);
            }
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--pin needs a URL with a host, not " + url);
        }
    }
}
