package io.posthaste.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A one-thread HTTPS server on {@code 127.0.0.1} for mutual-TLS tests: it requires a client
 * certificate issued by (or being) the one it trusts, and answers every request with {@code 200},
 * {@code Connection: close} and the body {@code client <subject DN>\n}. Its own certificate is
 * fresh and self-signed, for {@code localhost} and {@code 127.0.0.1} ({@link #certificate()}).
 * The thread is named {@code posthaste-testserver-mtls}, so the leak check sees it left running.
 */
public final class MutualTlsServer implements Closeable {

    private final SSLServerSocket server;
    private final X509Certificate certificate;
    private final Thread thread;

    private MutualTlsServer(SSLServerSocket server, X509Certificate certificate) {
        this.server = server;
        this.certificate = certificate;
        this.thread = new Thread(this::serve, "posthaste-testserver-mtls");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a server that accepts client certificates issued by {@code issuer} (or {@code issuer} itself). */
    public static MutualTlsServer trusting(X509Certificate issuer) {
        try {
            Instant now = Instant.now();
            X509Bundle self = new CertificateBuilder()
                    .subject("CN=localhost")
                    .ecp256()
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .setIsCertificateAuthority(true)
                    .addExtendedKeyUsageServerAuth()
                    .buildSelfSigned();
            java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("issuer", issuer);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(self.toKeyManagerFactory().getKeyManagers(), trust.getTrustManagers(), null);
            SSLServerSocket socket = (SSLServerSocket)
                    context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
            socket.setNeedClientAuth(true);
            return new MutualTlsServer(socket, self.getCertificate());
        } catch (Exception e) {
            throw new IllegalStateException("could not start the mutual-TLS server", e);
        }
    }

    /** Returns {@code https://localhost:<port>/}. */
    public String url() {
        return "https://localhost:" + server.getLocalPort() + "/";
    }

    /** Returns the server's own certificate: what a client must trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                int matched = 0;
                for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                    matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                }
                String body = "client " + socket.getSession().getPeerPrincipal().getName() + "\n";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                                + bytes.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException refusedOrClosed) {
                // A client without a certificate fails its handshake; the next one may not.
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            thread.join(5000);
        } catch (IOException e) {
            // Closing anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
