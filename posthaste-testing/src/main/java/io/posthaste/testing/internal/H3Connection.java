package io.posthaste.testing.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.TimeUnit;

/**
 * The state one QUIC connection's request streams share: how many have opened, the GOAWAY the
 * server sent, and a close once the streams it still serves are done. Runs on the connection's
 * event loop.
 */
final class H3Connection {

    /** How long a close waits for the last answers to be acknowledged; loopback needs far less. */
    static final long CLOSE_GRACE_MILLIS = 200;

    private final QuicChannel channel;
    private final int connectionId;
    private final int goAwayAfterStreams;
    private int streamsOpened;
    private int active;
    /** The first stream ID the server no longer processes, or -1 before any GOAWAY. */
    private long goAwayId = -1;

    private boolean closeWhenIdle;

    H3Connection(QuicChannel channel, int connectionId, int goAwayAfterStreams) {
        this.channel = channel;
        this.connectionId = connectionId;
        this.goAwayAfterStreams = goAwayAfterStreams;
    }

    int id() {
        return connectionId;
    }

    QuicChannel channel() {
        return channel;
    }

    /**
     * Admits a request stream the client opened: returns its 0-based sequence on the connection, or
     * -1 when a GOAWAY already excluded it, in which case the stream has been reset with
     * {@code H3_REQUEST_REJECTED} (never processed, so the client may retry it).
     */
    int admit(QuicStreamChannel stream) {
        if (goAwayId >= 0 && stream.streamId() >= goAwayId) {
            reject(stream);
            return -1;
        }
        active++;
        int sequence = streamsOpened++;
        if (streamsOpened == goAwayAfterStreams) {
            goAwayAndCloseWhenIdle(stream.streamId() + 4);
        }
        return sequence;
    }

    /** Makes {@link #admit} reject every stream from now on, without a GOAWAY: the connection is closing. */
    void refuseEveryStream() {
        goAwayId = 0;
    }

    /** Called once for each admitted stream when the server is done with it. */
    void streamDone() {
        active--;
        closeIfIdle();
    }

    /**
     * Sends GOAWAY naming {@code firstRefused}, a client-initiated bidirectional stream ID, as the
     * first stream the server will not process, and closes the connection with
     * {@code H3_NO_ERROR} once no admitted stream is active (see {@link #closeSoon}).
     */
    void goAwayAndCloseWhenIdle(long firstRefused) {
        if (goAwayId < 0 || firstRefused < goAwayId) {
            goAwayId = firstRefused;
            QuicStreamChannel control = Http3.getLocalControlStream(channel);
            if (control != null) {
                control.writeAndFlush(new DefaultHttp3GoAwayFrame(firstRefused));
            }
        }
        closeWhenIdle = true;
        closeIfIdle();
    }

    /** Sends GOAWAY past every stream opened so far, then closes once they are done. */
    void goAwayAfterCurrent(QuicStreamChannel current) {
        goAwayAndCloseWhenIdle(current.streamId() + 4);
    }

    /** Closes the whole connection at once with the HTTP/3 error {@code code} (CONNECTION_CLOSE). */
    void close(Http3ErrorCode code) {
        if (channel.isActive()) {
            channel.close(true, code.code(), Unpooled.EMPTY_BUFFER, channel.newPromise());
        }
    }

    /**
     * Closes the connection with {@code code} after {@link #CLOSE_GRACE_MILLIS}: a CONNECTION_CLOSE
     * ends every stream at once, so answers just handed to QUIC get time to be acknowledged first
     * (once closing, QUIC retransmits nothing).
     */
    void closeSoon(Http3ErrorCode code) {
        channel.eventLoop().schedule(() -> close(code), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void reject(QuicStreamChannel stream) {
        stream.shutdown(Http3ErrorCode.H3_REQUEST_REJECTED.code()).addListener(f -> stream.close());
    }

    private void closeIfIdle() {
        if (closeWhenIdle && active == 0) {
            closeWhenIdle = false;
            closeSoon(Http3ErrorCode.H3_NO_ERROR);
        }
    }
}
