package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.posthaste.ClientPayloadException;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.ExchangeSpec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Writes an encoded request on an HTTP/1.1 connection and reports to the exchange's
 * {@link Attempt}: whether any byte of the head left (for the retry rule), write progress (for
 * the write timeout and upload progress) and the end of the request. A body that follows the head
 * goes from a {@link BodyPump} on a blocking thread. Event loop of the connection, but for the
 * pump.
 */
final class RequestWriter {

    private RequestWriter() {}

    /** Writes {@code request} on {@code channel}, flushing once. */
    static void write(Channel channel, Http1Request request, Attempt attempt) {
        List<Object> messages = request.messages();
        boolean wholeRequest = !request.bodyFollows() && messages.size() == 1;
        ChannelFuture last = null;
        for (int i = 0; i < messages.size(); i++) {
            Object message = messages.get(i);
            if (message instanceof FileRegion) {
                // A file goes out as one message: only progress events show the server is taking it.
                last = channel.write(message, channel.newProgressivePromise().addListener(new FileProgress(attempt)));
                continue;
            }
            long bodyBytes = ((ByteBuf) message).readableBytes() - (i == 0 ? request.headLength() : 0);
            // The head's write says whether any byte left; when it is all the request (the common
            // case) the same listener also ends the request: one object, one listener.
            last = i == 0
                    ? channel.write(
                            message,
                            channel.newProgressivePromise().addListener(new HeadWritten(attempt, wholeRequest)))
                    : channel.write(message);
            if (bodyBytes > 0 && attempt.countsUpload()) {
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        attempt.onBodyBytesWritten(bodyBytes);
                    }
                });
            }
        }
        channel.flush();
        if (!request.bodyFollows() && messages.size() > 1) {
            last.addListener(written -> attempt.onWritten(written.cause()));
        }
    }

    /**
     * Sends the body of {@code spec} from a thread of {@code blocking}, through a new pump, and
     * returns the pump (to be woken when the channel turns writable).
     */
    static BodyPump sendBody(Channel channel, ExchangeSpec spec, Attempt attempt, Executor blocking) {
        BodyPump pump =
                new BodyPump(attempt, channel, spec.framing() == ExchangeSpec.Framing.CHUNKED, spec.declaredLength());
        // Listened to before any write: the report runs on the loop as the body's last write
        // completes, never after the answer (progress ends with its size before send() returns).
        ChannelPromise done = channel.newPromise();
        done.addListener(written -> attempt.onWritten(written.cause()));
        blocking.execute(() -> {
            try {
                pump.pump(spec.body(), done);
            } catch (IOException | RuntimeException e) {
                attempt.onBodyFailed(new ClientPayloadException(
                        "cannot send the body of " + spec.describe() + ": " + e.getMessage(), e));
            }
        });
        return pump;
    }

    /**
     * Notes whether any byte of the request head reached the socket, for the retry decision, and
     * when the head is the whole request, that the request was written.
     */
    private static final class HeadWritten implements ChannelProgressiveFutureListener {
        private final Attempt attempt;
        private final boolean wholeRequest;

        HeadWritten(Attempt attempt, boolean wholeRequest) {
            this.attempt = attempt;
            this.wholeRequest = wholeRequest;
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
            attempt.onBytesMayHaveLeft();
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture future) {
            if (future.isSuccess()) {
                attempt.onBytesMayHaveLeft();
            }
            if (wholeRequest) {
                attempt.onWritten(future.cause());
            }
        }
    }

    /** Counts a zero-copy transfer's progress as write activity, and as upload progress. */
    private static final class FileProgress implements ChannelProgressiveFutureListener {
        private final Attempt attempt;
        private long reported;

        FileProgress(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
            attempt.onActivity();
            attempt.onBodyBytesWritten(progress - reported);
            reported = progress;
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture future) {
            attempt.onActivity();
        }
    }
}
