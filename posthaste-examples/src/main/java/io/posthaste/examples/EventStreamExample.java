package io.posthaste.examples;

import io.posthaste.ClientSession;
import io.posthaste.EventStream;
import io.posthaste.ServerSentEvent;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The README's Server-Sent Events example as compiled code: follow a feed, print each event, and
 * let the stream reconnect by itself. The lines between the {@code snippet} markers are the
 * README's, word for word ({@code EventStreamExampleTest} checks it).
 */
public final class EventStreamExample {

    private EventStreamExample() {
    }

    /**
     * Prints every event of the feed at {@code url} to {@code out} until the server says it is done
     * (answers {@code 204}); returns the last event id, from which a later run could resume.
     */
    public static String follow(ClientSession session, String url, PrintStream out) {
        // snippet: sse
        try (EventStream events = session.events(url)
                .readTimeout(Duration.ofMinutes(5))     // a quiet feed is not a dead one
                .maxReconnectAttempts(5)                // in a row without an event
                .open()) {
            for (ServerSentEvent event : events) {      // reconnects with Last-Event-ID by itself
                out.println(event.id() + " " + event.event() + ": " + event.data());
            }
            return events.lastEventId();
        }
        // end snippet
    }
}
