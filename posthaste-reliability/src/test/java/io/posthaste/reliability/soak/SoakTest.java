package io.posthaste.reliability.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
import io.posthaste.ClientSession;
import io.posthaste.PoolStats;
import io.posthaste.RetryPolicy;
import io.posthaste.Timeouts;
import io.posthaste.reliability.fuzz.BufferLeakCheck;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: {@value #CONCURRENCY} workers send a random mix of {@link Scenario}s (plain, chunked,
 * gzip and throttled downloads, disconnects, stalls with short timeouts, resets, 503s under a
 * retry policy, bodies cut short, file, stream and multipart uploads, streamed downloads closed
 * early, cancelled {@code sendAsync} futures) to a {@link TestServer} on 127.0.0.1 for
 * {@code -Dsoak.seconds} (default 30), sampling heap, direct memory, descriptors, threads and the
 * pool every few seconds into {@code target/soak-report.txt}.
 *
 * <p>It proves: every request ends within a bound, in a response or in the failure its scenario
 * expects ({@link Scenario#expects}: a healthy exchange expects none, a reset a connection error,
 * a stall the total timeout...); no body is corrupted; direct memory stays under this JVM's
 * {@code -XX:MaxDirectMemorySize} (set small by the soak profile, so an allocation over it fails
 * a request, which no scenario expects); heap after GC, direct memory, descriptors and threads do not trend upwards (late
 * window against early window, tolerances below); no connection stays leased once the load
 * stops; Netty's leak detector reports nothing; and the session's threads and sockets go when
 * it closes. Excluded from the default build by its tag; see docs/FUZZING-AND-SOAK.md.
 */
@Tag("soak")
class SoakTest {

    static final int CONCURRENCY = 32;
    /** Heap after GC may grow by this factor plus {@link #HEAP_SLACK} from early to late window. */
    static final double HEAP_FACTOR = 1.5;

    static final long HEAP_SLACK = 16L << 20;
    /** Direct memory (Netty's count and the JDK's pool) may grow by this much: a few pool chunks. */
    static final long DIRECT_SLACK = 32L << 20;
    /** Descriptors: two per loopback connection (both ends live in this JVM), so some slack. */
    static final int FD_SLACK = 48;

    static final int THREAD_SLACK = 8;
    /** The most direct memory the soak may run with: small, so that holding too much fails requests. */
    static final long MAX_DIRECT_MEMORY = 64L << 20;

    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    @Test
    void mixedFaultyTrafficLeavesNoTrendAndNoLeasedConnection(@TempDir Path dir) throws Exception {
        assertThat(PlatformDependent.maxDirectMemory())
                .as("direct memory cap (-XX:MaxDirectMemorySize, set by " + "the soak profile)")
                .isLessThanOrEqualTo(MAX_DIRECT_MEMORY);
        long seconds = Long.getLong("soak.seconds", 30);
        Path report = Path.of(System.getProperty("soak.report", "target/soak-report.txt"));
        Path upload = dir.resolve("upload.bin");
        byte[] fileBytes = new byte[256 * 1024];
        ThreadLocalRandom.current().nextBytes(fileBytes);
        Files.write(upload, fileBytes);
        int baselineFds = Sample.openFds();
        List<Sample> samples = new ArrayList<>();
        List<String> leaks;
        PoolStats afterLoad;
        try (TestServer server = TestServer.builder().maxRecordedBodyBytes(1024).start()) {
            server.dispatcher(request -> answer(request.path()));
            ClientSession session = ClientSession.builder()
                    .timeouts(Timeouts.builder()
                            .connect(Duration.ofSeconds(2))
                            .read(Duration.ofSeconds(2))
                            .total(Duration.ofSeconds(15))
                            .build())
                    .retryPolicy(RetryPolicy.builder()
                            .maxAttempts(3)
                            .initialBackoff(Duration.ofMillis(5))
                            .maxBackoff(Duration.ofMillis(20))
                            .retryOnStatus(Set.of(503))
                            .build())
                    .build();
            try {
                long start = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
                long interval = Math.max(2, Math.min(10, seconds / 20));
                ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY);
                String base = server.url("/").substring(0, server.url("/").length() - 1);
                for (int i = 0; i < CONCURRENCY; i++) {
                    workers.execute(() -> work(session, base, upload, deadline));
                }
                workers.shutdown();
                samples.add(Sample.take(0, 0, 0, session.poolStats()));
                print(report, Sample.HEADER + "\n" + samples.get(0).row(), false);
                while (!workers.awaitTermination(interval, TimeUnit.SECONDS)) {
                    drainRecorded(server);
                    Sample sample = Sample.take(
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                            done.get(),
                            failed.get(),
                            session.poolStats());
                    samples.add(sample);
                    print(report, sample.row(), true);
                    assertThat(System.nanoTime() - deadline)
                            .as("workers stop within 60 s of the deadline")
                            .isLessThan(TimeUnit.SECONDS.toNanos(60));
                }
                afterLoad = waitForIdlePool(session);
            } finally {
                session.close();
            }
            drainRecorded(server);
            leaks = BufferLeakCheck.collectLeaks();
        }
        String summary = summary(samples, afterLoad, baselineFds);
        print(report, summary, true);
        assertThat(unexpected).as("requests that ended in an unexpected way").isEmpty();
        assertThat(done.get()).as("requests done").isGreaterThan(seconds * 10);
        assertThat(afterLoad.leased())
                .as("connections leased after the load stopped")
                .isZero();
        assertThat(afterLoad.waiting()).isZero();
        assertThat(leaks).as("Netty leak reports").isEmpty();
        assertFlat(samples);
        assertThat(waitForFds(baselineFds + 8)).as("descriptors after close").isLessThanOrEqualTo(baselineFds + 8);
    }

    private static MockResponse answer(String path) {
        String[] parts = path.split("/");
        return parts.length == 4 && parts[1].equals("s")
                ? Scenario.valueOf(parts[2]).answer(Integer.parseInt(parts[3]))
                : MockResponse.status(404);
    }

    private void work(ClientSession session, String base, Path upload, long deadline) {
        Scenario[] scenarios = Scenario.values();
        // Bounded twice: by the deadline and by a count no run at this concurrency can reach.
        for (int i = 0; i < 1_000_000 && System.nanoTime() < deadline; i++) {
            Scenario scenario = scenarios[ThreadLocalRandom.current().nextInt(scenarios.length)];
            String label;
            try {
                label = scenario.run(session, base, upload);
            } catch (Throwable failure) {
                failed.incrementAndGet();
                if (scenario.expects(failure)) {
                    label = failure.getClass().getSimpleName();
                } else {
                    label = "UNEXPECTED " + failure.getClass().getSimpleName();
                    if (unexpected.size() < 20) {
                        unexpected.add(new AssertionError(scenario + ": " + failure, failure));
                    }
                }
            }
            done.incrementAndGet();
            outcomes.computeIfAbsent(scenario + " -> " + label, k -> new LongAdder())
                    .increment();
        }
    }

    private static PoolStats waitForIdlePool(ClientSession session) throws InterruptedException {
        PoolStats stats = session.poolStats();
        for (int i = 0; i < 100 && (stats.leased() > 0 || stats.connecting() > 0); i++) {
            Thread.sleep(100);
            stats = session.poolStats();
        }
        return stats;
    }

    private static int waitForFds(int target) throws InterruptedException {
        int fds = Sample.openFds();
        for (int i = 0; i < 100 && fds > target; i++) {
            Thread.sleep(100);
            fds = Sample.openFds();
        }
        return fds;
    }

    private static void drainRecorded(TestServer server) {
        for (int i = 0; i < 1_000_000 && server.takeRequest(Duration.ZERO) != null; i++) {
            // The server keeps every request it records; the soak does not look at them.
        }
    }

    /** Compares the mean of the second quarter (after warm-up) with the mean of the last quarter. */
    private static void assertFlat(List<Sample> samples) {
        assertThat(samples.size()).as("samples").isGreaterThanOrEqualTo(4);
        int quarter = samples.size() / 4;
        List<Sample> early = samples.subList(quarter, 2 * quarter);
        List<Sample> late = samples.subList(samples.size() - quarter, samples.size());
        assertThat(mean(late, Sample::heapAfterGc))
                .as("heap after GC, late vs early")
                .isLessThanOrEqualTo(mean(early, Sample::heapAfterGc) * HEAP_FACTOR + HEAP_SLACK);
        assertThat(mean(late, Sample::nettyDirect))
                .as("Netty direct memory, late vs early")
                .isLessThanOrEqualTo(mean(early, Sample::nettyDirect) + DIRECT_SLACK);
        assertThat(mean(late, Sample::jdkDirect))
                .as("JDK direct buffer pool, late vs early")
                .isLessThanOrEqualTo(mean(early, Sample::jdkDirect) + DIRECT_SLACK);
        assertThat(mean(late, Sample::fds))
                .as("open descriptors, late vs early")
                .isLessThanOrEqualTo(mean(early, Sample::fds) + FD_SLACK);
        assertThat(mean(late, Sample::threads))
                .as("threads, late vs early")
                .isLessThanOrEqualTo(mean(early, Sample::threads) + THREAD_SLACK);
    }

    private static double mean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        return samples.stream().mapToDouble(field).average().orElse(0);
    }

    private String summary(List<Sample> samples, PoolStats afterLoad, int baselineFds) {
        StringBuilder out = new StringBuilder("\nOutcomes (scenario -> result: count)\n");
        new TreeMap<>(outcomes).forEach((k, v) -> out.append(String.format("  %-60s %8d%n", k, v.sum())));
        out.append(String.format(
                "%nTotal %d requests, %d ended in an exception (%d unexpected)%n",
                done.get(), failed.get(), unexpected.size()));
        out.append("Pool after the load stopped: ").append(afterLoad).append('\n');
        out.append("Descriptors before the run: ").append(baselineFds).append('\n');
        out.append("Samples: ").append(samples.size()).append('\n');
        return out.toString();
    }

    private static void print(Path report, String text, boolean append) throws IOException {
        System.out.println(text);
        Files.createDirectories(report.toAbsolutePath().getParent());
        if (append) {
            Files.writeString(
                    report,
                    text + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } else {
            Files.writeString(report, text + "\n");
        }
    }
}
