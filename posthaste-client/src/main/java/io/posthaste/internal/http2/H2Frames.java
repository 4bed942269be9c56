package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection.PropertyKey;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.concurrent.TimeUnit;

/**
 * The one frame and stream listener of an {@link Http2Connection}: routes each stream's frames
 * to its {@link H2Stream} (kept as a property of Netty's stream), and connection-wide ones
 * (SETTINGS, PING ACK, GOAWAY) to the connection. Frames for a stream nobody holds any more (cancelled)
 * are dropped, their bytes returned to the window at once. Never throws but for the stream
 * errors that reset a malformed stream, and the connection error of a SETTINGS or PING flood
 * ({@link #MAX_CONTROL_FRAMES}). Event loop.
 */
final class H2Frames extends Http2EventAdapter {

    /**
     * SETTINGS and PING frames the peer may send in {@link #CONTROL_WINDOW_NANOS} (CVE-2019-9512,
     * CVE-2019-9515): each costs us an ACK, and Netty bounds only the ACKs left unwritten, which a
     * peer that reads them never reaches. A real server sends a handful per connection.
     */
    static final int MAX_CONTROL_FRAMES = 1000;

    private static final long CONTROL_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Http2Connection owner;
    private final H2Heads heads;
    private PropertyKey key;
    private int controlFrames;
    private long controlWindowStart = System.nanoTime();

    H2Frames(Http2Connection owner, int maxFields) {
        this.owner = owner;
        this.heads = new H2Heads(maxFields);
    }

    /** Sets the key under which streams keep their {@link H2Stream}. */
    void key(PropertyKey streamKey) {
        this.key = streamKey;
    }

    /** Attaches {@code carrier} to Netty's {@code stream}. */
    void attach(Http2Stream stream, H2Stream carrier) {
        stream.setProperty(key, carrier);
    }

    /** Returns the carrier of stream {@code id}, or null. */
    H2Stream carrier(Http2Stream stream) {
        return stream == null ? null : stream.getProperty(key);
    }

    private H2Stream carrier(int id) {
        return carrier(owner.stream(id));
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream)
            throws Http2Exception {
        H2Stream carrier = carrier(streamId);
        if (carrier != null) {
            carrier.onHeaders(headers, endOfStream, heads);
        }
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int dependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream)
            throws Http2Exception {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        H2Stream carrier = carrier(streamId);
        return carrier == null ? data.readableBytes() + padding : carrier.onData(data, padding, endOfStream);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        H2Stream carrier = carrier(streamId);
        if (carrier != null) {
            carrier.onReset(errorCode);
        }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        countControlFrame("SETTINGS");
        owner.onSettings(settings);
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
        owner.onSettingsAck();
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        countControlFrame("PING");
    }

    /** Counts a SETTINGS or PING frame; too many in the window is a connection error. */
    private void countControlFrame(String type) throws Http2Exception {
        long now = System.nanoTime();
        if (now - controlWindowStart > CONTROL_WINDOW_NANOS) {
            controlWindowStart = now;
            controlFrames = 0;
        }
        if (++controlFrames > MAX_CONTROL_FRAMES) {
            throw Http2Exception.connectionError(
                    Http2Error.ENHANCE_YOUR_CALM,
                    "more than %d SETTINGS and PING " + "frames in %d s (a %s flood)",
                    MAX_CONTROL_FRAMES,
                    TimeUnit.NANOSECONDS.toSeconds(CONTROL_WINDOW_NANOS),
                    type);
        }
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
        owner.onPingAck(data);
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        owner.onGoAway(lastStreamId, errorCode);
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        H2Stream carrier = carrier(stream);
        if (carrier != null) {
            carrier.onClosed();
        }
    }

    /** The remote flow controller's view of {@code stream} changed. */
    void onWritabilityChanged(Http2Stream stream) {
        H2Stream carrier = carrier(stream);
        if (carrier != null) {
            carrier.onWritabilityChanged();
        }
    }
}
