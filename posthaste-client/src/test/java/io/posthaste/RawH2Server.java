package io.posthaste;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/2 server by prior knowledge on 127.0.0.1 that writes raw frames, for answers no real
 * server's codec would produce: each request's HEADERS is answered by a {@link Script} writing
 * whatever bytes it likes. It acknowledges SETTINGS and PINGs and ignores every other frame. Header
 * blocks are written as HPACK literals without indexing ({@link #block}), so a name or value goes on
 * the wire exactly as given, uppercase or CR included. Every socket read times out; closing stops
 * every thread.
 */
final class RawH2Server implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int WINDOW_UPDATE = 0x8;
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    private static final int PREFACE_LENGTH = 24;

    /** Answers the request on {@code streamId} (its {@code :path} is {@code path}) by writing frames. */
    interface Script {
        void answer(Frames out, int streamId, String path) throws IOException;
    }

    /** The frame writer of one connection. */
    static final class Frames {
        private final OutputStream out;

        Frames(OutputStream out) {
            this.out = out;
        }

        /** Writes one frame and flushes. */
        void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
            byte[] head = {
                (byte) (payload.length >>> 16),
                (byte) (payload.length >>> 8),
                (byte) payload.length,
                (byte) type,
                (byte) flags,
                (byte) (streamId >>> 24),
                (byte) (streamId >>> 16),
                (byte) (streamId >>> 8),
                (byte) streamId
            };
            synchronized (this) {
                out.write(head);
                out.write(payload);
                out.flush();
            }
        }

        /** Writes HEADERS (with END_HEADERS) carrying {@code fields}, name and value in turn. */
        void headers(int streamId, boolean endStream, String... fields) throws IOException {
            frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block(fields));
        }

        void data(int streamId, boolean endStream, String text) throws IOException {
            frame(DATA, endStream ? END_STREAM : 0, streamId, text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private final ServerSocket socket;
    private final Script script;
    private final List<Socket> accepted = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean closed;

    RawH2Server(Script script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start("raw-h2-accept", this::acceptLoop);
    }

    String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /** How many connections were accepted. */
    int connectionCount() {
        return connections.get();
    }

    /** How many requests (HEADERS from the client) arrived. */
    int requestCount() {
        return requests.get();
    }

    private void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket connection = socket.accept();
                connection.setSoTimeout(10_000);
                synchronized (accepted) {
                    if (closed) {
                        connection.close();
                        return;
                    }
                    accepted.add(connection);
                }
                connections.incrementAndGet();
                start("raw-h2-connection", () -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(connection.getInputStream());
            Frames out = new Frames(connection.getOutputStream());
            DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
            in.readFully(new byte[PREFACE_LENGTH]);
            out.frame(SETTINGS, 0, 0, new byte[0]);
            while (!closed) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int streamId = in.readInt() & 0x7fffffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    out.frame(SETTINGS, ACK, 0, new byte[0]);
                } else if (type == PING && (flags & ACK) == 0) {
                    out.frame(PING, ACK, 0, payload);
                } else if (type == HEADERS) {
                    requests.incrementAndGet();
                    script.answer(out, streamId, path(hpack, streamId, payload));
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away, or the test ended: nothing to report.
        }
    }

    /** The {@code :path} of a request's header block, decoded with the connection's HPACK table. */
    private static String path(DefaultHttp2HeadersDecoder hpack, int streamId, byte[] block) throws IOException {
        ByteBuf wrapped = Unpooled.wrappedBuffer(block);
        try {
            CharSequence path = hpack.decodeHeaders(streamId, wrapped).path();
            return path == null ? "" : path.toString();
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            wrapped.release();
        }
    }

    /** An HPACK block of literal fields without indexing, new names, no Huffman coding. */
    static byte[] block(String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            out.write(0x00);
            string(out, fields[i]);
            string(out, fields[i + 1]);
        }
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, bytes.length, 7, 0x00);
        out.writeBytes(bytes);
    }

    /** RFC 7541 section 5.1. */
    private static void integer(ByteArrayOutputStream out, int value, int prefixBits, int firstByteFlags) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstByteFlags | value);
            return;
        }
        out.write(firstByteFlags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write(rest & 0x7f | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        synchronized (accepted) {
            for (Socket connection : accepted) {
                try {
                    connection.close();
                } catch (SocketException ignored) {
                    // already closed
                }
            }
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread thread : all) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
