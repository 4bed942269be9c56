package io.posthaste;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback servers that misbehave at the TCP level: one whose accept queue is full (connects
 * hang), and one that accepts and then never reads nor writes (TLS handshakes and uploads hang).
 */
final class SilentServers implements AutoCloseable {

    private final ServerSocket server;
    /** Accepted or connected sockets, closed with the server; guarded by itself. */
    private final List<Socket> held;

    private final Thread acceptor;

    private SilentServers(ServerSocket server, Thread acceptor, List<Socket> held) {
        this.server = server;
        this.acceptor = acceptor;
        this.held = held;
    }

    /** A listener that never accepts, its backlog filled so that new connects hang. */
    static SilentServers fullBacklog() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SilentServers silent = new SilentServers(server, null, new ArrayList<>());
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
                silent.held.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return silent;
            }
        }
        silent.close();
        throw new IllegalStateException("the kernel kept accepting connections; cannot fill the backlog");
    }

    /** A server that accepts connections and never reads or writes a byte. */
    static SilentServers acceptingButMute() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket socket = server.accept();
                            socket.setReceiveBufferSize(4096);
                            synchronized (held) {
                                held.add(socket);
                            }
                        } catch (IOException closed) {
                            return;
                        }
                    }
                },
                "mute-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return new SilentServers(server, acceptor, held);
    }

    /**
     * A server that reads {@code bytes} of each connection's upload and then resets it (an RST,
     * not a FIN: SO_LINGER 0), as a crashed or overloaded peer does.
     */
    static SilentServers resettingAfter(int bytes) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (Socket socket = server.accept()) {
                            socket.getInputStream().readNBytes(bytes);
                            socket.setSoLinger(true, 0);
                        } catch (IOException closed) {
                            // the server was closed, or the client gave up first
                        }
                    }
                },
                "resetting-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return new SilentServers(server, acceptor, held);
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (held) {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
