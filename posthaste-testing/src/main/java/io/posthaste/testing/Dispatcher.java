package io.posthaste.testing;

import io.posthaste.testing.internal.EchoRoutes;

/**
 * Chooses the answer to each request, for tests whose answers depend on the request.
 *
 * <p>Install one with {@link TestServer#dispatcher(Dispatcher)} or {@link TestServer.Builder#dispatcher};
 * it then receives every request and the scripted queue is bypassed. Without one, the server answers
 * from its queue first ({@link TestServer#enqueue}) and falls back to {@link #echo()}.
 *
 * <p>Threading: a custom dispatcher runs on a dedicated server thread, never on the network event
 * loop, so it may block (for example on a latch); calls for different connections may overlap.
 * A dispatcher that throws or returns null makes the server answer 500 with the reason.
 */
@FunctionalInterface
public interface Dispatcher {

    /** Returns the answer to {@code request}, which has been fully read and recorded. */
    MockResponse dispatch(RecordedRequest request);

    /**
     * Returns the answer whose early faults ({@link Fault#DISCONNECT_AT_START},
     * {@link Fault#DISCONNECT_AFTER_REQUEST_HEAD}, {@link Fault#RESPOND_BEFORE_BODY}) should apply
     * before the next request is read, or null (the default) to always read requests fully. Called on
     * the network event loop; must not block.
     */
    default MockResponse peek() {
        return null;
    }

    /**
     * Returns the httpbin-compatible echo routes ({@code /get}, {@code /post}, {@code /status/{code}},
     * ...) plus {@code /sink}; see the module's TESTING.md for the full list. Thread-safe and stateless.
     */
    static Dispatcher echo() {
        return EchoRoutes.INSTANCE;
    }
}
