package io.posthaste;

import io.posthaste.internal.cache.CacheControl;
import io.posthaste.internal.cache.CachePolicy;
import io.posthaste.internal.cache.DiskStore;
import io.posthaste.internal.cache.Freshness;
import io.posthaste.internal.cache.StoredResponse;
import io.posthaste.internal.chain.Chains;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * A private HTTP cache (RFC 9111) kept on disk: an {@link Interceptor} you add to a session.
 * {@snippet :
 * HttpCache cache = HttpCache.onDisk(Path.of("http-cache"), 50 * 1024 * 1024);
 * try (ClientSession session = ClientSession.builder().addInterceptor(cache).build()) {
 *     Response first = session.get(url).send();    // MISS: from the network, stored
 *     Response again = session.get(url).send();    // HIT while fresh, REVALIDATED after a 304
 * }
 * }
 *
 * <p><b>What it caches.</b> Buffered answers ({@code send()}, {@code sendAsync()}) to {@code GET};
 * a {@code HEAD} is answered from a fresh {@code GET} entry. Everything else passes through as
 * {@link CacheStatus#UNCACHED}: other methods, {@link RequestBuilder#stream()} calls (their body
 * stays on the connection, so nothing is kept), and requests carrying their own {@code Range} or
 * conditional headers. An answer that came through redirects is not stored (its URL is not the
 * request's). One entry per URL: a response whose {@code Vary} fields differ replaces it.
 *
 * <p><b>Rules.</b> Freshness from {@code max-age}, else {@code Expires - Date}, else for a 200 a
 * tenth of the time since {@code Last-Modified}; {@code s-maxage} is ignored, as for any private
 * cache. A stale entry is revalidated with {@code If-None-Match} / {@code If-Modified-Since}; a
 * {@code 304} updates its headers. {@code no-store}, {@code no-cache}, {@code must-revalidate},
 * {@code stale-while-revalidate} and {@code stale-if-error} (RFC 5861) are honoured on responses;
 * {@code no-cache}, {@code no-store}, {@code max-age}, {@code max-stale}, {@code min-fresh},
 * {@code stale-if-error} and {@code only-if-cached} (a {@code 504} when nothing usable is stored)
 * on requests. A successful {@code POST}, {@code PUT}, {@code DELETE}, {@code PATCH} (any unsafe
 * method) removes the entry of its URL and of its {@code Location} and {@code Content-Location}
 * on the same origin. Answers from the store carry an {@code Age} header.
 *
 * <p><b>Order.</b> Add it with {@link ClientSession.Builder#addInterceptor}: where you add it is
 * where it sits among your interceptors (those added after it are not run on a hit). It sees
 * answers before raise-for-status, so a {@code 504} it makes raises as any other would.
 *
 * <p><b>Threads and concurrency.</b> Thread-safe; share one cache per session (a hit decodes JSON
 * with the codec of the session whose answers the cache has seen). The lookup reads the disk on
 * the thread that sends the request; stores, and background revalidations, run on the common
 * fork-join pool. Entries are replaced whole (written aside, then moved into place), so a
 * concurrent reader never sees a torn one, and at most one revalidation per URL is in flight: the
 * requests that need one meanwhile wait for it and share its result.
 */
public final class HttpCache implements Interceptor {

    private static final Set<String> CALLERS_OWN =
            Set.of("range", "if-range", "if-none-match", "if-modified-since", "if-match", "if-unmodified-since");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final DiskStore store;
    private final Clock clock;
    private final Executor executor;
    /** The revalidation in flight per URL, completed with what it left in the store. */
    private final Map<String, CompletableFuture<Outcome>> revalidations = new ConcurrentHashMap<>();
    /** The last answer from the network: what gives a replayed answer the session's JSON codec. */
    private volatile @Nullable Response template;

    private HttpCache(DiskStore store, Clock clock, Executor executor) {
        this.store = store;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Opens (or creates) a cache in {@code directory} holding at most {@code maxBytes} of
     * entries, the least recently used evicted first. Entries found there are reused; files a
     * crash left half-written are deleted.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     * @throws java.io.UncheckedIOException if the directory cannot be created or read
     */
    public static HttpCache onDisk(Path directory, long maxBytes) {
        return onDisk(directory, maxBytes, Clock.systemUTC(), ForkJoinPool.commonPool());
    }

    static HttpCache onDisk(Path directory, long maxBytes, Clock clock, Executor executor) {
        Objects.requireNonNull(directory, "directory");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        return new HttpCache(DiskStore.open(directory, maxBytes), clock, executor);
    }

    /** Returns the bytes the entries take on disk, at most the size the cache was opened with. */
    public long sizeBytes() {
        return store.sizeBytes();
    }

    /** Returns the number of stored responses. */
    public int entryCount() {
        return store.count();
    }

    /** Answers {@code request} from the store, through the network, or both; see the class contract. */
    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return SAFE.contains(method)
                    ? chain.proceed(request)
                    : chain.proceed(request).thenApply(response -> invalidate(request, response));
        }
        if (Chains.streaming(chain)
                || request.headers().names().stream()
                        .anyMatch(name -> CALLERS_OWN.contains(name.toLowerCase(java.util.Locale.ROOT)))) {
            return chain.proceed(request);
        }
        Headers headers = request.headers();
        CacheControl asked = CacheControl.parse(
                headers.allValues("Cache-Control"), "no-cache".equalsIgnoreCase(headers.get("Pragma")));
        String key = request.url().toString();
        StoredResponse stored = store.get(key);
        if (stored != null && !CachePolicy.varyMatches(stored, name -> joined(headers, name))) {
            stored = null;
        }
        if (stored == null) {
            // Nothing usable is stored: only the network can answer.
            if (method.equals("HEAD")) {
                return chain.proceed(request).thenApply(response -> response.withCacheStatus(CacheStatus.MISS));
            }
            if (asked.onlyIfCached()) {
                return CompletableFuture.completedFuture(made(request, 504, "Gateway Timeout"));
            }
            long sent = clock.millis();
            return chain.proceed(request).thenCompose(response -> keep(request, response, sent, asked));
        }
        CachePolicy.Use use = CachePolicy.use(stored, asked, clock.millis());
        if (method.equals("HEAD")) {
            return use == CachePolicy.Use.FRESH
                    ? CompletableFuture.completedFuture(replay(request, stored, CacheStatus.HIT, false))
                    : chain.proceed(request).thenApply(response -> response.withCacheStatus(CacheStatus.MISS));
        }
        if (use == CachePolicy.Use.FRESH || use == CachePolicy.Use.STALE) {
            CacheStatus status = use == CachePolicy.Use.FRESH ? CacheStatus.HIT : CacheStatus.STALE;
            return CompletableFuture.completedFuture(replay(request, stored, status, true));
        }
        if (use == CachePolicy.Use.STALE_WHILE_REVALIDATE) {
            revalidateInBackground(request, chain, stored);
            return CompletableFuture.completedFuture(replay(request, stored, CacheStatus.STALE, true));
        }
        if (asked.onlyIfCached()) {
            return CompletableFuture.completedFuture(made(request, 504, "Gateway Timeout"));
        }
        return revalidate(request, chain, stored, asked);
    }

    /** Revalidates {@code stored}, or waits for the revalidation of its URL already in flight. */
    private CompletableFuture<Response> revalidate(
            Request request, Chain chain, StoredResponse stored, CacheControl asked) {
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> leader = revalidations.putIfAbsent(stored.url(), mine);
        if (leader != null) {
            // Its result stands for ours; if it left nothing usable, ask on our own (not joined).
            return leader.thenCompose(outcome -> outcome.entry() != null
                    ? CompletableFuture.completedFuture(replay(request, outcome.entry(), outcome.status(), true))
                    : validate(request, chain, stored, asked, new CompletableFuture<>()));
        }
        return validate(request, chain, stored, asked, mine).whenComplete((response, failure) -> {
            revalidations.remove(stored.url(), mine);
            mine.complete(Outcome.NOTHING);
        });
    }

    /** Starts a revalidation of {@code stored} off the caller's thread, unless one is in flight. */
    private void revalidateInBackground(Request request, Chain chain, StoredResponse stored) {
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        if (revalidations.putIfAbsent(stored.url(), mine) != null) {
            return;
        }
        Runnable finish = () -> {
            revalidations.remove(stored.url(), mine);
            mine.complete(Outcome.NOTHING);
        };
        try {
            // Not on this thread: inside send() it would run on the caller's own I/O loop, which
            // nobody drives once send() has returned the stale answer.
            executor.execute(() -> validate(request, chain, stored, CacheControl.parse(List.of(), false), mine)
                    .whenComplete((response, failure) -> finish.run()));
        } catch (RuntimeException rejected) {
            finish.run();
        }
    }

    /**
     * Asks the server whether {@code stored} is still good, completing {@code announce} with what
     * the store holds afterwards for the requests waiting on this revalidation.
     */
    private CompletableFuture<Response> validate(
            Request request,
            Chain chain,
            StoredResponse stored,
            CacheControl asked,
            CompletableFuture<Outcome> announce) {
        Request.Builder conditional = request.toBuilder();
        if (stored.header("ETag") != null) {
            conditional.header("If-None-Match", stored.header("ETag"));
        }
        if (stored.header("Last-Modified") != null) {
            conditional.header("If-Modified-Since", stored.header("Last-Modified"));
        }
        long sent = clock.millis();
        return chain.proceed(conditional.build())
                .handle((response, failure) -> {
                    if (failure != null || response.status() >= 500) {
                        announce.complete(Outcome.NOTHING);
                        if (CachePolicy.staleIfError(stored, asked, clock.millis())) {
                            return CompletableFuture.completedFuture(replay(request, stored, CacheStatus.STALE, true));
                        }
                        return failure != null
                                ? CompletableFuture.<Response>failedFuture(failure)
                                : CompletableFuture.completedFuture(response.withCacheStatus(CacheStatus.MISS));
                    }
                    template = response;
                    if (response.status() != 304) {
                        return keep(request, response, sent, asked)
                                .whenComplete((kept, e) -> announce.complete(Outcome.NOTHING));
                    }
                    StoredResponse freshened = stored.freshenedBy(flat(response.headers()), sent, clock.millis());
                    return CompletableFuture.supplyAsync(
                            () -> {
                                store.put(freshened);
                                announce.complete(new Outcome(freshened, CacheStatus.REVALIDATED));
                                return replay(request, freshened, CacheStatus.REVALIDATED, true);
                            },
                            executor);
                })
                .thenCompose(next -> next);
    }

    /** Stores {@code response} if the rules allow, and returns it as a {@link CacheStatus#MISS}. */
    private CompletableFuture<Response> keep(Request request, Response response, long sent, CacheControl asked) {
        template = response;
        Response miss = response.withCacheStatus(CacheStatus.MISS);
        if (response.stream() != null || !response.history().isEmpty()) {
            return CompletableFuture.completedFuture(miss);
        }
        Map<String, String> vary = new TreeMap<>();
        for (String value : response.headers().allValues("Vary")) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    String field = name.trim().toLowerCase(java.util.Locale.ROOT);
                    vary.put(field, joined(request.headers(), field));
                }
            }
        }
        StoredResponse candidate = new StoredResponse(
                request.url().toString(),
                response.status(),
                response.reason(),
                response.version(),
                flat(response.headers()),
                vary,
                sent,
                clock.millis(),
                response.bodyForError());
        if (!CachePolicy.storable(candidate, asked, request.headers().contains("Authorization"))) {
            return CompletableFuture.completedFuture(miss);
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    store.put(candidate);
                    return miss;
                },
                executor);
    }

    /**
     * Removes what a successful unsafe request made stale (RFC 9111 §4.4). The removals are index
     * updates and unlinks, cheap enough for the thread that completes the response.
     */
    private Response invalidate(Request request, Response response) {
        if (response.status() >= 200 && response.status() < 400) {
            URI target = request.url();
            store.remove(target.toString());
            for (String field : List.of("Location", "Content-Location")) {
                String value = response.headers().get(field);
                try {
                    URI other = value == null ? null : target.resolve(value);
                    if (other != null
                            && Objects.equals(other.getScheme(), target.getScheme())
                            && Objects.equals(other.getHost(), target.getHost())
                            && other.getPort() == target.getPort()) {
                        store.remove(other.toString());
                    }
                } catch (IllegalArgumentException malformed) {
                    // Nothing that names no URL can be invalidated.
                }
            }
        }
        return response;
    }

    /** Returns {@code stored} as the answer to {@code request}, with its current {@code Age}. */
    private Response replay(Request request, StoredResponse stored, CacheStatus status, boolean withBody) {
        long age = Freshness.currentAgeMillis(stored, clock.millis()) / 1000;
        Headers.Builder headers = Headers.of(stored.headers().toArray(String[]::new)).toBuilder();
        headers.set("Age", Long.toString(age));
        return answer(
                request,
                stored.status(),
                stored.reason(),
                headers.build(),
                stored.version(),
                withBody ? stored.body() : new byte[0],
                status);
    }

    private Response made(Request request, int status, String reason) {
        return answer(request, status, reason, Headers.empty(), "HTTP/1.1", new byte[0], CacheStatus.MISS);
    }

    private Response answer(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            byte[] body,
            CacheStatus cacheStatus) {
        Response base = template;
        return base != null
                ? base.replayed(request, status, reason, headers, version, body, cacheStatus)
                : new Response(request, status, reason, headers, version, body, List.of(), JsonCodec.jackson(), true)
                        .withCacheStatus(cacheStatus);
    }

    private static List<String> flat(Headers headers) {
        List<String> fields = new ArrayList<>(headers.size() * 2);
        headers.forEach((name, value) -> {
            fields.add(name);
            fields.add(value);
        });
        return fields;
    }

    /** Returns every value of {@code name} in {@code headers} joined by ", ", or null if none. */
    private static @Nullable String joined(Headers headers, String name) {
        List<String> values = headers.allValues(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** What a revalidation left in the store for the requests that waited on it. */
    private record Outcome(@Nullable StoredResponse entry, CacheStatus status) {
        /** Nothing usable: each waiter asks the server itself (the status is never read). */
        static final Outcome NOTHING = new Outcome(null, CacheStatus.MISS);
    }
}
