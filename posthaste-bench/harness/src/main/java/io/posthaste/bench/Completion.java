package io.posthaste.bench;

/**
 * Receives the outcome of one asynchronous request. A callback rather than a future, so that a
 * driver adds no allocation of its own on top of what its client's async API already costs.
 */
@FunctionalInterface
public interface Completion {

    /** Called once: {@code error} is null on success, otherwise {@code status} is meaningless. */
    void done(int status, Throwable error);
}
