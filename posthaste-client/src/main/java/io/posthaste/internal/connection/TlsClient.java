package io.posthaste.internal.connection;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.session.TlsSettings;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The session's TLS client side: one {@link SslContext}, built on first use from the session's
 * {@code SSLContext}, or its trust manager and {@code TlsSettings} (versions, cipher suites, a
 * client certificate; ALPN offering the session's protocols when HTTP/2 is among them), and a
 * handler per connection with hostname verification (unless insecure, by name) and SNI.
 * Any thread.
 */
final class TlsClient {

    private final SessionConfig config;
    /** Offers the session's protocols by ALPN (none when HTTP/2 is not among them). */
    private final Lazy session = new Lazy();
    /** Offers {@code http/1.1} alone: connections that must not become HTTP/2 (a WebSocket). */
    private final Lazy http1 = new Lazy();
    /** No ALPN: an HTTPS proxy is spoken to in HTTP/1.1. */
    private final Lazy proxy = new Lazy();

    TlsClient(SessionConfig config) {
        this.config = config;
    }

    /** Whether TLS connections offer HTTP/2 by ALPN. */
    boolean offersH2() {
        return config.alpnProtocols().contains(ProtocolInstaller.H2);
    }

    /** Returns a handler for a new connection to {@code origin} on {@code ch}: SNI and hostname verification on. */
    SslHandler newHandler(Channel ch, Origin origin) throws SSLException {
        return newHandler(ch, origin, false);
    }

    /**
     * Returns a handler like {@link #newHandler(Channel, Origin)}; with {@code http1Only}, its
     * ALPN offers {@code http/1.1} alone (RFC 6455 upgrades exist in HTTP/1.1 only).
     */
    SslHandler newHandler(Channel ch, Origin origin, boolean http1Only) throws SSLException {
        // ALPN only when HTTP/2 is offered: an HTTP/1.1 session's handshake stays as it was.
        SslContext context = http1Only && offersH2()
                ? http1.get(() -> buildSslContext(List.of(ProtocolInstaller.HTTP_1_1)))
                : session.get(() -> buildSslContext(offersH2() ? config.alpnProtocols() : null));
        return configure(context.newHandler(ch.alloc(), origin.host(), origin.port()), origin.host());
    }

    /**
     * Returns a handler for the TLS of an HTTPS proxy on {@code ch}: verified as the session
     * verifies any server (trust, host name, pins), with no ALPN: a proxy is spoken to in HTTP/1.1.
     */
    SslHandler newProxyHandler(Channel ch, String host, int port) throws SSLException {
        return configure(proxy.get(() -> buildSslContext(null)).newHandler(ch.alloc(), host, port), host);
    }

    private SslHandler configure(SslHandler handler, String host) {
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        // Hostname verification is what makes a certificate mean anything: off only in the
        // insecure mode a user asked for by name.
        if (!config.tls().insecure()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!HttpSemantics.isIpLiteral(host)) {
            // The JDK names the server (SNI) only when the name has a dot; "localhost" or an
            // intranet name must reach the right virtual host too. IP addresses are never named.
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return handler;
    }

    /** A context built on first use, once. */
    private static final class Lazy {
        private volatile SslContext context;

        SslContext get(ContextMaker maker) throws SSLException {
            SslContext made = context;
            if (made == null) {
                synchronized (this) {
                    made = context;
                    if (made == null) {
                        made = maker.make();
                        context = made;
                    }
                }
            }
            return made;
        }
    }

    @FunctionalInterface
    private interface ContextMaker {
        SslContext make() throws SSLException;
    }

    /** Builds a context whose ALPN offers {@code alpnProtocols}, or no ALPN for null. */
    private SslContext buildSslContext(List<String> alpnProtocols) throws SSLException {
        ApplicationProtocolConfig alpn = alpnProtocols != null
                ? new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        alpnProtocols)
                : null;
        if (config.sslContext() != null) {
            return new JdkSslContext(
                    config.sslContext(),
                    true,
                    null,
                    IdentityCipherSuiteFilter.INSTANCE,
                    alpn,
                    io.netty.handler.ssl.ClientAuth.NONE,
                    TlsSettings.DEFAULT_PROTOCOLS.toArray(String[]::new),
                    false);
        }
        TlsSettings tls = config.tls();
        SslContextBuilder builder = SslContextBuilder.forClient()
                .protocols(tls.protocols())
                .endpointIdentificationAlgorithm(tls.insecure() ? null : "HTTPS");
        if (!tls.cipherSuites().isEmpty()) {
            builder.ciphers(tls.cipherSuites());
        }
        if (tls.keyManagers() != null) {
            builder.keyManager(tls.keyManagers());
        }
        if (alpn != null) {
            builder.applicationProtocolConfig(alpn);
        }
        if (config.trustManager() != null) {
            builder.trustManager(config.trustManager());
        }
        return builder.build();
    }
}
