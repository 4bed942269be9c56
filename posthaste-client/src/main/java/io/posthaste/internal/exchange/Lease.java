package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.Request;
import io.posthaste.Timeouts;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.session.Events;
import java.util.concurrent.CompletableFuture;

/**
 * An exchange's hold on a connection: acquired from the exchange's one {@link ConnectionSource}
 * (an idle one without a future, the common case under load), and given back to it once per
 * attempt. Emits the connection events.
 */
final class Lease {

    private final ConnectionSource<ProtocolConnection> source;
    private final Request request;
    private final EventListener events;
    private volatile ProtocolConnection connection;
    private volatile CompletableFuture<ProtocolConnection> pending;

    Lease(ConnectionSource<ProtocolConnection> source, Request request, EventListener events) {
        this.source = source;
        this.request = request;
        this.events = events;
    }

    /** Returns an idle connection to {@code origin} now, or null: no future is made. */
    ProtocolConnection pollIdle(Origin origin) {
        return source.pollIdle(origin);
    }

    /**
     * Acquires a connection to {@code origin} ({@code fresh}: never one that sat idle), opened as
     * {@code spec} says if a new one is needed; {@link #abandon()} gives up the wait.
     */
    CompletableFuture<ProtocolConnection> acquire(Origin origin, Timeouts spec, boolean fresh) {
        CompletableFuture<ProtocolConnection> acquiring = source.acquire(origin, spec, fresh);
        pending = acquiring;
        return acquiring;
    }

    /** Holds {@code acquired} until it is given back. */
    void hold(ProtocolConnection acquired) {
        connection = acquired;
        if (events != null) {
            Events.emit(events, Event.Type.CONNECTION_ACQUIRED, request, acquired.toString());
        }
    }

    /** Returns the connection held, or null. Any thread. */
    ProtocolConnection connection() {
        return connection;
    }

    /** Gives up a wait for a connection, if one is under way. Any thread. */
    void abandon() {
        CompletableFuture<ProtocolConnection> acquiring = pending;
        if (acquiring != null) {
            acquiring.cancel(false);
        }
    }

    /**
     * Gives the connection held back to its source, kept if {@code reusable} and still usable,
     * and holds nothing after. Event loop of the connection.
     */
    void giveBack(boolean reusable) {
        ProtocolConnection held = connection;
        if (held == null) {
            return;
        }
        connection = null;
        source.release(held, reusable && held.isUsable());
        if (events != null) {
            Events.emit(events, Event.Type.CONNECTION_RELEASED, request, held.toString());
        }
    }

    /** Returns the loop for the exchange's timers. */
    EventLoop timerLoop() {
        return source.timerLoop();
    }
}
