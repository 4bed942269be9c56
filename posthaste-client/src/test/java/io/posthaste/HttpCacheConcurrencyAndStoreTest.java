package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpCache} under concurrent requests for one URL, and its disk store: the size bound,
 * least-recently-used eviction, restarts and files a crash left behind.
 */
class HttpCacheConcurrencyAndStoreTest {

    @TempDir
    Path directory;

    final CacheTestClock clock = new CacheTestClock();
    TestServer server;
    final List<ClientSession> sessions = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        sessions.forEach(ClientSession::close);
        server.close();
    }

    private ClientSession sessionWith(HttpCache cache) {
        ClientSession session = ClientSession.builder()
                .addInterceptor(cache)
                .raiseForStatus(false)
                .build();
        sessions.add(session);
        return session;
    }

    private HttpCache cache(long maxBytes) {
        return HttpCache.onDisk(directory, maxBytes, clock, ForkJoinPool.commonPool());
    }

    private List<Response> concurrently(ClientSession session, String url, int count) {
        List<CompletableFuture<Response>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pending.add(session.get(url).sendAsync());
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void concurrentRequestsForAFreshEntryAreAllAnsweredFromTheStore() {
        ClientSession session = sessionWith(cache(1 << 20));
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=60")
                .body("v1")
                .build());
        session.get(server.url("/r")).send();

        List<Response> responses = concurrently(session, server.url("/r"), 32);

        assertThat(responses).allSatisfy(r -> {
            assertThat(r.cacheStatus()).isEqualTo(CacheStatus.HIT);
            assertThat(r.text()).isEqualTo("v1");
        });
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsNeedingRevalidationShareOneRevalidation() {
        ClientSession session = sessionWith(cache(1 << 20));
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=10")
                .header("ETag", "\"v1\"")
                .body("v1")
                .build());
        session.get(server.url("/r")).send();
        clock.advanceSeconds(30);
        server.enqueue(MockResponse.builder()
                .status(304)
                .header("Cache-Control", "max-age=0")
                .headersDelay(Duration.ofMillis(300))
                .build());

        List<Response> responses = concurrently(session, server.url("/r"), 10);

        assertThat(responses).allSatisfy(r -> {
            assertThat(r.cacheStatus()).isEqualTo(CacheStatus.REVALIDATED);
            assertThat(r.text()).isEqualTo("v1");
        });
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void staleWhileRevalidateAnswersStaleAndRevalidatesOnceInTheBackground() throws InterruptedException {
        ClientSession session = sessionWith(cache(1 << 20));
        String url = server.url("/r");
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=10, stale-while-revalidate=60")
                .header("ETag", "\"v1\"")
                .body("v1")
                .build());
        session.get(url).send();
        server.takeRequest();
        clock.advanceSeconds(30);
        server.enqueue(MockResponse.builder()
                .status(304)
                .header("Cache-Control", "max-age=100")
                .headersDelay(Duration.ofMillis(300))
                .build());

        assertThat(session.get(url).send().cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(session.get(url).send().cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(server.takeRequest().header("If-None-Match")).isEqualTo("\"v1\"");
        CacheStatus status = CacheStatus.STALE;
        for (long end = System.nanoTime() + 5_000_000_000L; status == CacheStatus.STALE && System.nanoTime() < end; ) {
            Thread.sleep(20);
            status = session.get(url).send().cacheStatus();
        }

        assertThat(status).isEqualTo(CacheStatus.HIT);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aFullStoreEvictsTheLeastRecentlyUsedEntry() {
        String kilobyte = "x".repeat(1024);
        HttpCache cache = cache(2600); // room for two entries of a little over 1 KiB
        ClientSession session = sessionWith(cache);
        for (String path : new String[] {"/a", "/b"}) {
            server.enqueue(MockResponse.builder()
                    .header("Cache-Control", "max-age=60")
                    .body(kilobyte)
                    .build());
            session.get(server.url(path)).send();
        }
        assertThat(session.get(server.url("/a")).send().cacheStatus()).isEqualTo(CacheStatus.HIT);
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=60")
                .body(kilobyte)
                .build());
        session.get(server.url("/c")).send();

        assertThat(cache.entryCount()).isEqualTo(2);
        assertThat(cache.sizeBytes()).isLessThanOrEqualTo(2600);
        assertThat(session.get(server.url("/a")).send().cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(session.get(server.url("/c")).send().cacheStatus()).isEqualTo(CacheStatus.HIT);
        server.enqueue(MockResponse.builder().body("b again").build());
        assertThat(session.get(server.url("/b")).send().cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void anAnswerLargerThanTheWholeStoreIsNotKept() {
        HttpCache cache = cache(1000);
        ClientSession session = sessionWith(cache);
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=60")
                .body("x".repeat(2000))
                .build());

        session.get(server.url("/big")).send();

        assertThat(cache.entryCount()).isZero();
        assertThat(cache.sizeBytes()).isZero();
    }

    @Test
    void entriesSurviveARestartAndFilesACrashToreAreIgnored() throws IOException {
        String url = server.url("/r");
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=60")
                .body("v1")
                .build());
        sessionWith(cache(1 << 20)).get(url).send();
        assertThat(sessionWith(cache(1 << 20)).get(url).send().cacheStatus())
                .as("after a restart")
                .isEqualTo(CacheStatus.HIT);

        Path entry;
        try (Stream<Path> files = Files.list(directory)) {
            entry = files.filter(f -> f.toString().endsWith(".entry"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] whole = Files.readAllBytes(entry);
        Path torn = directory.resolve(entry.getFileName() + ".1234.tmp");
        Files.write(torn, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length - 3));

        HttpCache reopened = cache(1 << 20);
        assertThat(torn).doesNotExist();
        server.enqueue(MockResponse.builder()
                .header("Cache-Control", "max-age=60")
                .body("v2")
                .build());
        Response response = sessionWith(reopened).get(url).send();

        assertThat(response.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(response.text()).isEqualTo("v2");
        assertThat(sessionWith(reopened).get(url).send().text()).isEqualTo("v2");
    }
}
