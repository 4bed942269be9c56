package io.posthaste.testing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Unix domain socket in front of a {@link TestServer}: each connection to the socket is relayed,
 * byte for byte, to the server's TCP port, so that a test reaches the server (and its recorded
 * requests) over a socket path. Threads are named {@code posthaste-testserver-unix-…};
 * {@link #close()} ends them, closes every connection and deletes the socket file.
 */
public final class UnixSocketRelay implements Closeable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path path;
    private final int port;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> channels = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private UnixSocketRelay(Path path, int port) throws IOException {
        this.path = path;
        this.port = port;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        start(this::acceptLoop);
    }

    /** Listens on {@code path} (which must not exist) and relays to {@code server}. */
    public static UnixSocketRelay to(TestServer server, Path path) {
        try {
            return new UnixSocketRelay(path, server.port());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + path, e);
        }
    }

    /** Returns the socket's path. */
    public Path path() {
        return path;
    }

    /** Returns how many connections came in over the socket. */
    public int connectionCount() {
        return connections.get();
    }

    @Override
    public void close() {
        closed = true;
        quietly(server);
        channels.forEach(UnixSocketRelay::quietly);
        List<Thread> started;
        synchronized (threads) {
            started = List.copyOf(threads);
        }
        for (Thread thread : started) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Left for the temporary directory's cleanup.
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = track(server.accept());
                connections.incrementAndGet();
                SocketChannel origin = track(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
                start(() -> pump(origin, client));
                start(() -> pump(client, origin));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // One side went: close both.
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private SocketChannel track(SocketChannel channel) {
        channels.add(channel);
        if (closed) {
            quietly(channel);
        }
        return channel;
    }

    private void start(Runnable task) {
        Thread thread = new Thread(task, "posthaste-testserver-unix-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
    }

    private static void quietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
