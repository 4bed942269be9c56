package io.posthaste.internal.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Host look-ups, cached for a short time and shared: concurrent requests for the same host wait
 * for one look-up instead of starting one each, and a successful answer is reused for
 * {@code ttlNanos} (10 s by default, like aiohttp). Failures are not cached. Bounded: past
 * {@value #MAX_ENTRIES} hosts the cache starts over. Look-ups run on the given executor, never on
 * an event loop.
 */
final class DnsCache {

    static final int MAX_ENTRIES = 1024;

    /** Looks a host up; blocking. */
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private record Entry(CompletableFuture<InetAddress[]> addresses, long expiresAt) {}

    private final Lookup lookup;
    private final Executor executor;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    DnsCache(Lookup lookup, Executor executor, long ttlNanos) {
        this.lookup = lookup;
        this.executor = executor;
        this.ttlNanos = ttlNanos;
    }

    CompletableFuture<InetAddress[]> resolve(String host) {
        long now = System.nanoTime();
        Entry entry = entries.get(host);
        if (entry != null && (!entry.addresses().isDone() || now - entry.expiresAt() < 0)) {
            return entry.addresses();
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        CompletableFuture<InetAddress[]> fresh = new CompletableFuture<>();
        Entry mine = new Entry(fresh, now + ttlNanos);
        Entry winner = entry == null
                ? entries.putIfAbsent(host, mine)
                : entries.replace(host, entry, mine) ? null : entries.get(host);
        if (winner != null) {
            return winner.addresses();
        }
        try {
            executor.execute(() -> {
                try {
                    fresh.complete(lookup.lookup(host));
                } catch (UnknownHostException | RuntimeException e) {
                    entries.remove(host, mine);
                    fresh.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            entries.remove(host, mine);
            fresh.completeExceptionally(rejected);
        }
        return fresh;
    }

    int size() {
        return entries.size();
    }
}
