package io.posthaste.internal.session;

import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.Request;

/** Sends events to a session's listener, if it has one; a failing listener is logged. */
public final class Events {

    private static final System.Logger LOG = System.getLogger(Events.class.getName());

    private Events() {}

    /** Emits an event; does nothing (and allocates nothing) without a listener. */
    public static void emit(
            EventListener listener,
            Event.Type type,
            Request request,
            String target,
            int status,
            long bytes,
            Throwable failure) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEvent(new Event(type, System.nanoTime(), request, target, status, bytes, failure));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "an event listener failed on " + type, e);
        }
    }

    /** Emits an event with no figures. */
    public static void emit(EventListener listener, Event.Type type, Request request, String target) {
        emit(listener, type, request, target, 0, 0, null);
    }
}
