package io.posthaste.testing.internal;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A freshly generated self-signed server certificate (EC P-256, valid from an hour ago for a day,
 * SANs {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the bind host) with the matching
 * server context and client-side trust material.
 *
 * @param certificate the server certificate, also the only trust anchor a client needs
 * @param trustManager a trust manager that trusts exactly that certificate
 * @param clientContext an SSLContext for clients, initialised with {@code trustManager}
 * @param serverContext the Netty server context presenting the certificate
 * @param privateKey the certificate's private key, for the QUIC listener's own TLS context
 */
public record TlsMaterial(
        X509Certificate certificate,
        X509TrustManager trustManager,
        SSLContext clientContext,
        SslContext serverContext,
        PrivateKey privateKey) {

    /**
     * Generates new material whose certificate also names {@code host}.
     *
     * @param offerH2 whether the server context offers {@code h2} then {@code http/1.1} by ALPN
     *                (with RFC 9113's cipher suites); otherwise it negotiates no protocol at all,
     *                as before HTTP/2 existed
     */
    public static TlsMaterial generate(String host, boolean offerH2) {
        try {
            Instant now = Instant.now();
            CertificateBuilder builder = new CertificateBuilder()
                    .subject("CN=localhost, O=posthaste-testing")
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .ecp256()
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .addSanIpAddress("::1")
                    .addExtendedKeyUsageServerAuth()
                    // Netty insists a self-signed certificate is a CA; it is its own trust anchor here.
                    .setIsCertificateAuthority(true);
            if (!host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("::1")) {
                if (Character.digit(host.charAt(0), 16) >= 0 && (host.contains(":") || host.matches("[0-9.]+"))) {
                    builder.addSanIpAddress(InetAddress.getByName(host));
                } else {
                    builder.addSanDnsName(host);
                }
            }
            X509Bundle bundle = builder.buildSelfSigned();
            X509Certificate cert = bundle.getCertificate();

            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("posthaste-testserver", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            X509TrustManager tm = null;
            for (TrustManager candidate : tmf.getTrustManagers()) {
                if (candidate instanceof X509TrustManager x509) {
                    tm = x509;
                }
            }
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {tm}, null);
            SslContextBuilder server = SslContextBuilder.forServer(
                            bundle.getKeyPair().getPrivate(), cert)
                    .sslProvider(SslProvider.JDK);
            if (offerH2) {
                server.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                // A client offering neither gets HTTP/1.1, as from a server without ALPN.
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2,
                                ApplicationProtocolNames.HTTP_1_1));
            }
            return new TlsMaterial(
                    cert, tm, client, server.build(), bundle.getKeyPair().getPrivate());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("could not create the test server's TLS certificate", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the test server's TLS certificate", e);
        }
    }
}
