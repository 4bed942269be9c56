package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.posthaste.Body;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.BufferedBodyWriter;
import java.io.IOException;

/**
 * Sends a body that needs blocking I/O (a stream, or a file under TLS) from a thread of its own,
 * a buffer at a time (as chunks when {@code chunked}), waiting whenever the channel's outbound
 * buffer is full, so a fast source never piles up memory in front of a slow server. It stops at
 * the first write that fails or once the exchange is over, and checks that a body with a
 * declared length wrote exactly that many bytes.
 */
final class BodyPump extends BufferedBodyWriter {

    static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    private final Channel channel;
    private final boolean chunked;
    private final Attempt attempt;

    BodyPump(Attempt attempt, Channel channel, boolean chunked, long declaredLength) {
        super(declaredLength);
        this.attempt = attempt;
        this.channel = channel;
        this.chunked = chunked;
    }

    /**
     * Writes {@code body} and ends it (the closing chunk, or an empty write) with {@code done}:
     * a promise whose listeners were added before this write, so they run on the event loop the
     * moment the whole body is written, before the loop can read the answer.
     */
    void pump(Body body, ChannelPromise done) throws IOException {
        try {
            writeBody(body);
            ByteBuf rest = takeBuffer();
            if (rest != null) {
                send(rest);
            }
            checkComplete();
            awaitReady();
            channel.writeAndFlush(
                    chunked ? channel.alloc().buffer(5).writeBytes(LAST_CHUNK) : Unpooled.EMPTY_BUFFER, done);
        } finally {
            releaseBuffer();
        }
    }

    /** The channel's writability changed: the network is taking bytes. Event loop. */
    void onChannelWritabilityChanged() {
        attempt.onActivity();
        signal();
    }

    @Override
    protected ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    protected void send(ByteBuf data) throws IOException {
        if (!data.isReadable()) {
            data.release();
            return;
        }
        int bodyBytes = data.readableBytes();
        try {
            awaitReady();
        } catch (IOException e) {
            data.release();
            throw e;
        }
        // Listened to before the write: the count runs on the loop as the write completes.
        ChannelPromise written = channel.newPromise();
        written.addListener(f -> {
            if (f.isSuccess()) {
                attempt.onBodyBytesWritten(bodyBytes);
            }
        });
        if (chunked) {
            ByteBuf header = channel.alloc().buffer(12);
            writeChunkHeader(header, bodyBytes);
            channel.write(header);
            channel.write(data);
            channel.writeAndFlush(channel.alloc().buffer(2).writeBytes(CRLF), written);
        } else {
            channel.writeAndFlush(data, written);
        }
        attempt.onActivity();
    }

    @Override
    protected boolean isReady() {
        return channel.isWritable();
    }

    @Override
    public boolean isAbandoned() {
        return attempt.isAbandoned() || !channel.isActive();
    }

    static void writeChunkHeader(ByteBuf buf, int size) {
        ByteBufUtil.writeAscii(buf, Integer.toHexString(size));
        buf.writeBytes(CRLF);
    }
}
