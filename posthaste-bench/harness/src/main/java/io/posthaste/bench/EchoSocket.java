package io.posthaste.bench;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One WebSocket connection of a client under test, for the {@code ws-echo-*} scenarios: each text
 * message sent comes back from the echo server, in order, and completes the {@link Completion}
 * given with it. A driver implements {@link #write} with its client's own send and calls
 * {@link #echoed()} from its client's receive callback (or loop) for each message that arrives.
 *
 * <p>Threading: {@link #send} is called from the harness's one issuing thread (never twice at
 * once); {@link #echoed()} from the client's threads.
 */
public abstract class EchoSocket implements AutoCloseable {

    /** Who waits for the next echo: the server answers in the order messages were sent. */
    private final Queue<Completion> waiting = new ConcurrentLinkedQueue<>();

    /** Sends {@code message}; {@code done} completes when its echo has arrived (or the send failed). */
    public final void send(String message, Completion done) {
        waiting.add(done);
        try {
            write(message);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Sends {@code message} with the client's own API, without waiting for it to be written. */
    protected abstract void write(String message);

    /** One message came back: completes the oldest send. */
    protected final void echoed() {
        Completion done = waiting.poll();
        if (done != null) {
            done.done(200, null);
        }
    }

    /** A send or the connection failed: completes the oldest send with {@code error}. */
    protected final void failed(Throwable error) {
        Completion done = waiting.poll();
        if (done != null) {
            done.done(0, error);
        }
    }

    @Override
    public abstract void close() throws Exception;
}
