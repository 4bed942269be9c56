package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultFileRegion;
import io.posthaste.Body;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.body.BodySink;
import io.posthaste.internal.body.FileBody;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.proxy.ProxyAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a request for HTTP/1.1. Bodies that need no blocking I/O (bytes, forms, JSON, and on
 * plain connections files and multipart bodies of those) become a list of messages written in one
 * go, files as zero-copy {@link DefaultFileRegion}s. Anything else (streams, or files under TLS)
 * is left for a {@link BodyPump} on a blocking thread, and so is a body that waits for
 * {@code 100 Continue}.
 */
final class RequestEncoder {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Bodies up to this size are copied into the head's buffer: one write, one packet. */
    private static final int INLINE_LIMIT = 16 * 1024;

    private RequestEncoder() {}

    /**
     * Encodes the request of {@code spec}: the head, with the body too unless it
     * {@linkplain ExchangeSpec#bodyFollowsHead follows} ({@code zeroCopy}: a plain connection).
     * To a forwarding HTTP proxy ({@code proxy}, else {@code null}) the request-target is the
     * absolute URL, and the head carries the proxy's credentials, if any: only such a head does.
     */
    static Http1Request encode(ExchangeSpec spec, ByteBufAllocator alloc, boolean zeroCopy, ProxyAddress proxy)
            throws IOException {
        if (spec.bodyFollowsHead(zeroCopy)) {
            ByteBuf head = alloc.buffer(256);
            writeHead(head, spec, spec.declaredLength(), proxy);
            return new Http1Request(List.of(head), head.readableBytes(), true);
        }
        return encodeWhole(spec, alloc, proxy);
    }

    /**
     * Encodes head and body into messages, in order. The caller owns the messages and must
     * release them if they are not written.
     */
    private static Http1Request encodeWhole(ExchangeSpec spec, ByteBufAllocator alloc, ProxyAddress proxy)
            throws IOException {
        List<Object> out = new ArrayList<>(4);
        Body body = spec.body();
        ByteBuf encodedJson = null;
        long length = spec.declaredLength();
        try {
            if (spec.framing() == ExchangeSpec.Framing.ENCODED_LENGTH) {
                encodedJson = alloc.buffer(256);
                try (ByteBufOutputStream stream = new ByteBufOutputStream(encodedJson)) {
                    body.writeTo(stream);
                }
                length = encodedJson.readableBytes();
            }
            int bodyHint =
                    length > 0 && length <= INLINE_LIMIT && encodedJson == null && spec.bodyKind() != BodyKind.FILE
                            ? (int) length
                            : 0;
            ByteBuf head = alloc.buffer(256 + bodyHint);
            out.add(head);
            writeHead(head, spec, length, proxy);
            int headLength = head.readableBytes();
            if (encodedJson != null) {
                if (encodedJson.readableBytes() <= INLINE_LIMIT) {
                    head.writeBytes(encodedJson);
                    encodedJson.release();
                } else {
                    out.add(encodedJson);
                }
                encodedJson = null;
            } else if (body != null && spec.framing() != ExchangeSpec.Framing.NONE) {
                new MessageSink(out, alloc, spec.framing() == ExchangeSpec.Framing.CHUNKED).writeBody(body);
                if (spec.framing() == ExchangeSpec.Framing.CHUNKED) {
                    out.add(alloc.buffer(5).writeBytes(BodyPump.LAST_CHUNK));
                }
            }
            return new Http1Request(out, headLength, false);
        } catch (IOException | RuntimeException e) {
            if (encodedJson != null) {
                encodedJson.release();
            }
            release(out);
            throw e;
        }
    }

    static void release(List<Object> messages) {
        for (Object message : messages) {
            io.netty.util.ReferenceCountUtil.safeRelease(message);
        }
    }

    private static void writeHead(ByteBuf buf, ExchangeSpec spec, long length, ProxyAddress proxy) {
        ByteBufUtil.writeAscii(buf, spec.request().method());
        buf.writeByte(' ');
        if (proxy != null) {
            // Absolute form (RFC 9112 3.2.2): scheme and authority as the Host line says them.
            ByteBufUtil.writeAscii(buf, spec.url().scheme());
            ByteBufUtil.writeAscii(buf, "://");
            ByteBufUtil.writeAscii(buf, spec.url().hostHeader());
        }
        ByteBufUtil.writeAscii(buf, spec.url().target());
        buf.writeBytes(VERSION);
        String proxyAuthorization = proxy == null ? null : spec.proxyAuthorization();
        if (proxyAuthorization != null) {
            ByteBufUtil.writeAscii(buf, "Proxy-Authorization: ");
            ByteBufUtil.writeUtf8(buf, proxyAuthorization);
            buf.writeBytes(CRLF);
        }
        String[] lines = spec.headLines();
        for (int i = 0; i < spec.headLineCount(); i += 2) {
            ByteBufUtil.writeAscii(buf, lines[i]);
            buf.writeBytes(COLON_SPACE);
            // Values were checked to be Latin-1 without controls: one byte per char is exact.
            ByteBufUtil.writeAscii(buf, lines[i + 1]);
            buf.writeBytes(CRLF);
        }
        switch (spec.framing()) {
            case LENGTH, ENCODED_LENGTH -> {
                ByteBufUtil.writeAscii(buf, "Content-Length: ");
                ByteBufUtil.writeAscii(buf, Long.toString(length));
                buf.writeBytes(CRLF);
            }
            case CHUNKED -> ByteBufUtil.writeAscii(buf, "Transfer-Encoding: chunked\r\n");
            case NONE -> {}
        }
        buf.writeBytes(CRLF);
    }

    /**
     * Collects a body's bytes into buffers (the first one being the head's, while it has room)
     * and its files as file regions.
     */
    private static final class MessageSink extends OutputStream implements BodySink {
        private final List<Object> out;
        private final ByteBufAllocator alloc;
        private final boolean chunked;

        MessageSink(List<Object> out, ByteBufAllocator alloc, boolean chunked) {
            this.out = out;
            this.alloc = alloc;
            this.chunked = chunked;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            ByteBuf last = out.get(out.size() - 1) instanceof ByteBuf buf ? buf : null;
            int needed = len + (chunked ? 12 : 0);
            if (last == null || last.writableBytes() < needed && last.readableBytes() + needed > INLINE_LIMIT) {
                last = alloc.buffer(Math.max(needed, 256));
                out.add(last);
            }
            if (chunked) {
                BodyPump.writeChunkHeader(last, len);
            }
            last.writeBytes(b, off, len);
            if (chunked) {
                last.writeBytes(CRLF);
            }
        }

        @Override
        public void writeBody(Body body) throws IOException {
            FileBody file = BodyKind.fileOf(body);
            if (file != null && !chunked) {
                out.add(new DefaultFileRegion(file.path().toFile(), 0, file.length()));
            } else {
                body.writeTo(this);
            }
        }
    }
}
