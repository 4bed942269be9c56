package io.posthaste.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A blocking HTTP/2 client that shows exactly which frames the server put on the wire: frames are
 * split by their 9-byte headers only, and header blocks decoded with Netty's HPACK decoder, so
 * nothing the server does wrong is smoothed over. It sends only what a test tells it to (no
 * automatic ACKs or WINDOW_UPDATEs). Every read times out.
 */
final class H2FrameClient implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame as read from the wire. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The error code of a RST_STREAM or GOAWAY. */
        long errorCode() {
            return uint32(type == GOAWAY ? 4 : 0);
        }

        /** The last stream id of a GOAWAY. */
        int lastStreamId() {
            return (int) (uint32(0) & 0x7FFF_FFFF);
        }

        /** The increment of a WINDOW_UPDATE. */
        long windowIncrement() {
            return uint32(0) & 0x7FFF_FFFF;
        }

        /** The parameters of a SETTINGS frame, by identifier. */
        Map<Integer, Long> settings() {
            Map<Integer, Long> settings = new LinkedHashMap<>();
            for (int i = 0; i + 6 <= payload.length; i += 6) {
                settings.put(((payload[i] & 0xFF) << 8) | (payload[i + 1] & 0xFF), uint32(i + 2));
            }
            return settings;
        }

        @Override
        public String toString() {
            String detail = type == GOAWAY
                    ? " last=" + lastStreamId() + " error=" + errorCode() + " "
                            + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8)
                    : type == RST_STREAM ? " error=" + errorCode() : type == SETTINGS ? " " + settings() : "";
            return "Frame[type=" + type + " flags=" + flags + " stream=" + streamId + " length=" + payload.length
                    + detail + "]";
        }

        private long uint32(int at) {
            return ((payload[at] & 0xFFL) << 24)
                    | ((payload[at + 1] & 0xFFL) << 16)
                    | ((payload[at + 2] & 0xFFL) << 8)
                    | (payload[at + 3] & 0xFFL);
        }
    }

    /** One answer on a stream: its final HEADERS, DATA frame sizes and bytes, trailers, or a reset. */
    record Response(
            Http2Headers headers,
            List<Http2Headers> interim,
            byte[] body,
            List<Integer> dataFrameSizes,
            Http2Headers trailers,
            Long resetCode) {
        int status() {
            return Integer.parseInt(headers.status().toString());
        }

        String header(String name) {
            CharSequence value = headers.get(name);
            return value == null ? null : value.toString();
        }

        String bodyUtf8() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder hpackOut = new DefaultHttp2HeadersEncoder();
    /** Decodes header lists of any size: what the server sent, not what a client would accept. */
    private final DefaultHttp2HeadersDecoder hpackIn =
            new DefaultHttp2HeadersDecoder(false, Http2CodecUtil.MAX_HEADER_LIST_SIZE);

    private final List<Frame> seen = new ArrayList<>();
    private final List<Frame> unread = new ArrayList<>();

    H2FrameClient(TestServer server) throws IOException {
        this(new Socket("127.0.0.1", server.port()));
    }

    /** Speaks HTTP/2 on {@code connected}, which may be an SSLSocket that negotiated h2. */
    H2FrameClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(5_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    /**
     * Sends the connection preface and a SETTINGS frame with {@code settings} (identifiers and
     * values, alternating; none for an empty SETTINGS), and nothing else.
     */
    H2FrameClient preface(int... settings) throws IOException {
        out.write(PREFACE);
        byte[] payload = new byte[settings.length * 3];
        for (int i = 0; i + 1 < settings.length; i += 2) {
            int at = i * 3;
            payload[at] = (byte) (settings[i] >>> 8);
            payload[at + 1] = (byte) settings[i];
            for (int b = 0; b < 4; b++) {
                payload[at + 2 + b] = (byte) (settings[i + 1] >>> (24 - 8 * b));
            }
        }
        frame(SETTINGS, 0, 0, payload);
        return this;
    }

    /**
     * Sends the preface and SETTINGS with {@code settings} (see {@link #preface}), reads the
     * server's SETTINGS and acknowledges them.
     */
    Map<Integer, Long> handshake(int... settings) throws IOException {
        preface(settings);
        Frame theirs = await(f -> f.type() == SETTINGS && !f.has(ACK));
        frame(SETTINGS, ACK, 0, new byte[0]);
        return theirs.settings();
    }

    /** Sends a request's HEADERS (one frame) with {@code :authority} {@code localhost}. */
    H2FrameClient headers(int streamId, String method, String path, boolean endStream, String... nameValues)
            throws IOException {
        Http2Headers h = new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("http")
                .authority("localhost");
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        ByteBuf block = Unpooled.buffer();
        try {
            hpackOut.encodeHeaders(streamId, h, block);
            frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, bytes(block));
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
        return this;
    }

    H2FrameClient data(int streamId, String text, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, streamId, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Writes one frame exactly as given. */
    void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] header = {
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
        out.write(header);
        out.write(payload);
        out.flush();
    }

    /** Returns the next frame, read earlier by {@link #await} or from the wire. */
    Frame next() throws IOException {
        if (!unread.isEmpty()) {
            return unread.remove(0);
        }
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7FFF_FFFF;
        byte[] payload = new byte[length];
        in.readFully(payload);
        Frame f = new Frame(type, flags, streamId, payload);
        seen.add(f);
        return f;
    }

    /** Reads until a frame matches, keeping the others for {@link #next()}; fails at EOF or timeout. */
    Frame await(Predicate<Frame> wanted) throws IOException {
        List<Frame> skipped = new ArrayList<>();
        try {
            while (true) {
                Frame f = next();
                if (wanted.test(f)) {
                    return f;
                }
                skipped.add(f);
            }
        } catch (IOException e) {
            throw new IOException(e + " while waiting for a frame; frames read: " + seen, e);
        } finally {
            unread.addAll(0, skipped);
        }
    }

    /** Reads the answer on {@code streamId}, up to END_STREAM or RST_STREAM, keeping other frames. */
    Response response(int streamId) throws IOException {
        Http2Headers headers = null;
        List<Http2Headers> interim = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            Frame f = await(x -> x.streamId() == streamId);
            if (f.type() == RST_STREAM) {
                return new Response(headers, interim, body.toByteArray(), sizes, null, f.errorCode());
            }
            if (f.type() == DATA) {
                sizes.add(f.payload().length);
                body.writeBytes(f.payload());
            } else if (f.type() == HEADERS) {
                Http2Headers block = decode(f, continuation(f));
                if (headers != null) {
                    return new Response(headers, interim, body.toByteArray(), sizes, block, null);
                }
                if (block.status().charAt(0) == '1') {
                    interim.add(block);
                } else {
                    headers = block;
                }
            }
            if (f.has(END_STREAM)) {
                return new Response(headers, interim, body.toByteArray(), sizes, null, null);
            }
        }
    }

    /** Returns every frame read so far, in order. */
    List<Frame> seen() {
        return List.copyOf(seen);
    }

    /** Returns whether the server closed the connection, reading (and keeping) frames until it did. */
    boolean closedByServer() {
        try {
            while (true) {
                next();
            }
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Reads the CONTINUATION frames that end the header block {@code headers} begins, if any. */
    private List<Frame> continuation(Frame headers) throws IOException {
        List<Frame> rest = new ArrayList<>();
        boolean ended = headers.has(END_HEADERS);
        while (!ended) {
            // Frames skipped by an earlier await are kept ahead of these: only the stream's own count.
            Frame f = await(x -> x.streamId() == headers.streamId());
            if (f.type() != CONTINUATION) {
                throw new IOException("a header block broken off by " + f);
            }
            rest.add(f);
            ended = f.has(END_HEADERS);
        }
        return rest;
    }

    private Http2Headers decode(Frame headers, List<Frame> continuation) throws IOException {
        ByteBuf block = Unpooled.wrappedBuffer(headers.payload());
        for (Frame f : continuation) {
            block = Unpooled.wrappedBuffer(block, Unpooled.wrappedBuffer(f.payload()));
        }
        try {
            return hpackIn.decodeHeaders(headers.streamId(), block);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }
}
