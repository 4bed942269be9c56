package io.posthaste.interop;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A self-signed certificate made for one run (netty-pkitesting, as posthaste-testing's TestServer
 * makes its own) for {@code localhost} and {@code 127.0.0.1}, valid for a day, written as PEM files
 * a real server can load, with a trust manager that trusts exactly it.
 */
final class RunCertificate {

    private final Path certificate;
    private final Path privateKey;
    private final X509TrustManager trustManager;
    private final X509Certificate x509;

    private RunCertificate(Path certificate, Path privateKey, X509TrustManager trustManager, X509Certificate x509) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.trustManager = trustManager;
        this.x509 = x509;
    }

    /** Makes a new certificate and writes {@code cert.pem} and {@code key.pem} into {@code dir}. */
    static RunCertificate writeTo(Path dir) {
        try {
            Instant now = Instant.now();
            X509Bundle bundle = new CertificateBuilder()
                    .subject("CN=localhost, O=posthaste-interop")
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .ecp256()
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .addExtendedKeyUsageServerAuth()
                    .setIsCertificateAuthority(true)
                    .buildSelfSigned();
            Files.createDirectories(dir);
            Path certificate =
                    Files.writeString(dir.resolve("cert.pem"), bundle.getCertificatePEM(), StandardCharsets.US_ASCII);
            Path privateKey =
                    Files.writeString(dir.resolve("key.pem"), bundle.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
            for (TrustManager candidate : bundle.toTrustManagerFactory().getTrustManagers()) {
                if (candidate instanceof X509TrustManager x509) {
                    return new RunCertificate(certificate, privateKey, x509, bundle.getCertificate());
                }
            }
            throw new IllegalStateException("the certificate's trust manager factory has no X509TrustManager");
        } catch (Exception e) {
            throw new IllegalStateException("could not create a test certificate in " + dir, e);
        }
    }

    /** Returns the certificate's PEM file. */
    Path certificate() {
        return certificate;
    }

    /** Returns the private key's PEM file (unencrypted). */
    Path privateKey() {
        return privateKey;
    }

    /** Returns the certificate itself: the only trust anchor a client needs (it is self-signed). */
    X509Certificate x509() {
        return x509;
    }

    /** Returns a trust manager that trusts exactly this certificate. */
    X509TrustManager trustManager() {
        return trustManager;
    }
}
