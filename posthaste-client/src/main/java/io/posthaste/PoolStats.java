package io.posthaste;

/**
 * A snapshot of a session's connection pool, for metrics and for tests that check nothing leaked.
 *
 * @param leased connections carrying an exchange (or a stream not yet closed)
 * @param idle connections waiting in the pool for the next request
 * @param connecting connections being opened
 * @param waiting requests waiting for a connection because the pool is full
 */
public record PoolStats(int leased, int idle, int connecting, int waiting) {}
