package io.posthaste.internal.http3;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.session.TlsSettings;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.TrustManagerFactory;

/**
 * QUIC's TLS client side for a session, as strict as {@code TlsClient} is on TCP: the same trust
 * (the session's trust manager, or the JDK's trust store), the same client certificate, hostname
 * verification by the JDK's rules (off only in the insecure mode asked for by name), SNI for
 * host names, ALPN {@code h3}. QUIC always runs TLS 1.3 ({@link Http3Support} refuses sessions
 * that forbid it). The checks after the handshake that the JDK does not make (a DNS name in the
 * certificate, pins) are the transport's, as on TCP. One context per session, built on first use.
 * Any thread.
 */
final class H3Tls {

    private final SessionConfig config;
    private volatile QuicSslContext context;

    H3Tls(SessionConfig config) {
        this.config = config;
    }

    /** Returns an engine for a connection on {@code channel} to {@code host}: SNI and verification. */
    QuicSslEngine newEngine(QuicChannel channel, String host, int port) {
        return context().newEngine(channel.alloc(), host, port);
    }

    private QuicSslContext context() {
        QuicSslContext built = context;
        if (built == null) {
            synchronized (this) {
                built = context;
                if (built == null) {
                    built = build();
                    context = built;
                }
            }
        }
        return built;
    }

    private QuicSslContext build() {
        TlsSettings tls = config.tls();
        QuicSslContextBuilder builder = QuicSslContextBuilder.forClient()
                .applicationProtocols(Http3Support.alpn().toArray(String[]::new))
                .endpointIdentificationAlgorithm(tls.insecure() ? null : "HTTPS");
        if (config.trustManager() != null) {
            builder.trustManager(config.trustManager());
        } else {
            builder.trustManager(jdkTrust());
        }
        if (tls.keyManagers() != null) {
            builder.keyManager(tls.keyManagers(), null);
        }
        return builder.build();
    }

    private static TrustManagerFactory jdkTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory;
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new IllegalStateException("the JDK's trust store cannot be loaded: " + e.getMessage(), e);
        }
    }
}
