package io.posthaste;

import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A one-line HTTPS server on 127.0.0.1 presenting whatever certificate a test built: it completes
 * the handshake, reads a request head and answers {@code 200 ok}. Failed handshakes are counted,
 * not thrown. Enough to find out what the client accepts; the real test server serves the rest.
 */
final class TlsFixtureServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();

    private TlsFixtureServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::serve, "tls-fixture");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves TLS 1.2/1.3 with {@code identity}'s certificate chain and key. */
    static TlsFixtureServer presenting(X509Bundle identity) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(identity.toKeyManagerFactory().getKeyManagers(), null, null);
        SSLServerSocket socket = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TlsFixtureServer(socket);
    }

    /** A plain listener that records nothing and answers nothing: for reading a ClientHello. */
    static ServerSocket plainListener() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                accepted.incrementAndGet();
                socket.setSoTimeout(5_000);
                InputStream in = socket.getInputStream();
                int matched = 0;
                // Read the request head: up to the blank line (bounded by the timeout and 64 KiB).
                for (int i = 0; i < 65_536 && matched < 4; i++) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
                }
                socket.getOutputStream()
                        .write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close" + "\r\n\r\nok")
                                .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException handshakeRefusedOrClosed) {
                // the client turned the certificate down (or the server was closed): that is the point
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
