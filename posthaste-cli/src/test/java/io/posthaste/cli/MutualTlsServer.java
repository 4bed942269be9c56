package io.posthaste.cli;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A one-thread HTTPS server that requires a client certificate issued as {@code client} and
 * answers every request with {@code 200} and the client's subject. For {@code --cert} tests;
 * the thread is named like the test server's, so the leak check sees it.
 */
final class MutualTlsServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final Thread thread;

    private MutualTlsServer(SSLServerSocket server) {
        this.server = server;
        this.thread = new Thread(this::serve, "posthaste-testserver-mtls");
        thread.setDaemon(true);
        thread.start();
    }

    static MutualTlsServer trusting(X509Bundle client) throws Exception {
        X509Bundle self = new CertificateBuilder().subject("CN=localhost").ecp256().addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).addExtendedKeyUsageServerAuth()
                .buildSelfSigned();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(self.toKeyManagerFactory().getKeyManagers(), client.toTrustManagerFactory().getTrustManagers(),
                null);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        socket.setNeedClientAuth(true);
        return new MutualTlsServer(socket);
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort() + "/";
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
                String subject = socket.getSession().getPeerPrincipal().getName() + "\n";
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + subject.length()
                        + "\r\nConnection: close\r\n\r\n" + subject).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException refusedOrClosed) {
                // A client without a certificate fails its handshake; the next one may not.
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
