package io.posthaste.reliability.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientConnectionException;
import io.posthaste.ClientSession;
import io.posthaste.PoolStats;
import io.posthaste.RequestBuilder;
import io.posthaste.Response;
import io.posthaste.Timeouts;
import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 requests against a server that closes every connection right after its answer without
 * announcing it (issue 12): GET and POST, {@code send()} and {@code sendAsync()}, four threads.
 * Every GET gets its answer: one that went out on a connection the server was closing goes again.
 * So does every POST whose bytes provably never reached the server application (the close was
 * known before the write, or the server's FIN came back with the reset its kernel sends for
 * bytes nobody read); the rare POST whose bytes were in the server's receive queue when it closed
 * fails saying it may have been processed. None hangs (each has a 10 s total deadline, the run a
 * bounded wait); no request reached the server twice, and the pool is empty at the end.
 */
class ClosingServerLoadTest {

    private static final int REQUESTS = 10_000;
    private static final int THREADS = 4;

    @Test
    void tenThousandRequestsAgainstAServerClosingAfterEachAnswerLoseNothingAndNeverHang() throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        try (TestServer server = TestServer.builder()
                        .dispatcher(request -> {
                            seen.merge(request.path(), 1, Integer::sum);
                            return MockResponse.builder()
                                    .body(request.path())
                                    .fault(Fault.CLOSE_AFTER_RESPONSE)
                                    .build();
                        })
                        .start();
                ClientSession session = ClientSession.builder()
                        .timeouts(
                                Timeouts.builder().total(Duration.ofSeconds(10)).build())
                        .build()) {
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger postsInDoubt = new AtomicInteger();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    runs.add(threads.submit(() -> {
                        for (int i = thread; i < REQUESTS; i += THREADS) {
                            String path = "/" + i;
                            boolean get = i % 2 == 0;
                            RequestBuilder request = get
                                    ? session.get(server.url(path))
                                    : session.post(server.url(path)).json(List.of(i));
                            try {
                                Response response = (i / 2) % 2 == 0
                                        ? request.send()
                                        : request.sendAsync().get(15, TimeUnit.SECONDS);
                                if (!response.text().equals(path)) {
                                    wrong.add(path + " got " + response.text());
                                }
                                answered.incrementAndGet();
                            } catch (Exception e) {
                                Throwable cause = e.getCause() != null && !(e instanceof ClientConnectionException)
                                        ? e.getCause()
                                        : e;
                                if (!get && cause instanceof ClientConnectionException c && c.mayHaveBeenProcessed()) {
                                    postsInDoubt.incrementAndGet();
                                } else {
                                    wrong.add(path + " failed: " + cause);
                                }
                            }
                        }
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(5, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(wrong)
                    .as("answers crossed, lost or failed for requests that never arrived")
                    .isEmpty();
            assertThat(answered.get() + postsInDoubt.get()).isEqualTo(REQUESTS);
            // A POST that reached the server's kernel just before the server closed (its bytes in
            // the receive queue at close(): a reset without a FIN) cannot be told from one the
            // server read and then aborted, so it fails saying it may have been processed, never
            // sent twice. That race is a few microseconds wide: at most one in a thousand.
            assertThat(postsInDoubt.get())
                    .as("POSTs that failed saying they may have been processed")
                    .isLessThanOrEqualTo(REQUESTS / 2 / 1000);
            assertThat(seen.values()).as("no request reached the server twice").allMatch(n -> n == 1);
            assertThat(seen.size()).isBetween(answered.get(), REQUESTS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            PoolStats stats = session.poolStats();
            while (stats.leased() + stats.connecting() + stats.waiting() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                stats = session.poolStats();
            }
            assertThat(stats.leased() + stats.connecting() + stats.waiting())
                    .as(stats.toString())
                    .isZero();
        }
    }
}
