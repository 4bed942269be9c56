package io.posthaste.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.util.function.LongFunction;

/**
 * A request encoded for a protocol that frames its messages (HTTP/2, HTTP/3) and not written yet:
 * its header block, of the protocol's type {@code H}; its body when it was in memory (written as
 * DATA right behind the HEADERS); and whether a body follows from a blocking thread instead.
 *
 * @param <H> the protocol's header type
 */
public final class FramedRequest<H> implements Carrier.Encoded {

    private final H headers;
    private final boolean bodyFollows;
    private ByteBuf data;

    private FramedRequest(H headers, ByteBuf data, boolean bodyFollows) {
        this.headers = headers;
        this.data = data;
        this.bodyFollows = bodyFollows;
    }

    /**
     * Encodes the request of {@code spec}: a body that is in memory is written into a buffer of
     * {@code alloc} now, one that needs blocking reads is left to follow; {@code headers} makes
     * the header block for a content length (-1: none is sent). Any thread.
     */
    public static <H> FramedRequest<H> encode(ExchangeSpec spec, ByteBufAllocator alloc, LongFunction<H> headers)
            throws IOException {
        boolean bodyFollows = spec.bodyFollowsHead(false);
        ByteBuf data = null;
        long length = spec.declaredLength();
        if (!bodyFollows && spec.body() != null && spec.framing() != ExchangeSpec.Framing.NONE) {
            data = alloc.buffer(length > 0 && length < Integer.MAX_VALUE ? (int) length : 256);
            try (ByteBufOutputStream out = new ByteBufOutputStream(data)) {
                spec.body().writeTo(out);
            } catch (IOException | RuntimeException e) {
                data.release();
                throw e;
            }
            if (spec.framing() == ExchangeSpec.Framing.ENCODED_LENGTH) {
                length = data.readableBytes();
            }
        }
        boolean knownLength =
                spec.framing() == ExchangeSpec.Framing.LENGTH || spec.framing() == ExchangeSpec.Framing.ENCODED_LENGTH;
        H block;
        try {
            block = headers.apply(knownLength ? length : -1);
        } catch (RuntimeException e) {
            if (data != null) {
                data.release();
            }
            throw e;
        }
        return new FramedRequest<>(block, data, bodyFollows);
    }

    /** Returns the header block. */
    public H headers() {
        return headers;
    }

    @Override
    public boolean bodyFollows() {
        return bodyFollows;
    }

    /** Takes the in-memory body (the caller now owns it), or null if there is none. */
    public synchronized ByteBuf takeData() {
        ByteBuf taken = data;
        data = null;
        return taken;
    }

    @Override
    public void discard() {
        ByteBuf taken = takeData();
        if (taken != null) {
            taken.release();
        }
    }
}
