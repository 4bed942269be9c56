package io.posthaste.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario for one client in this JVM and appends one JSON line to the results file.
 *
 * <p>Method (see docs/BENCHMARKS.md): warm up in 2-second windows until JIT compilation time
 * stops growing for two windows in a row (at most {@code --warmup-max} seconds), then measure
 * for {@code --measure} seconds: process CPU time, bytes allocated by all threads, JIT time, latency, peak RSS.
 * Every phase is bounded in time and request count, and a watchdog halts the JVM at
 * {@code --deadline} seconds whatever happens.
 */
public final class LoadMain {

    /** JIT growth per 2-second window below which the compiler counts as quiet. */
    private static final long QUIET_JIT_MILLIS = 20;
    private static final double WINDOW_SECONDS = 2;

    private final Options opt;
    private final Probe probe = new Probe();
    private final Map<String, Object> row = new LinkedHashMap<>();

    private LoadMain(Options opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep((long) (opt.deadlineSeconds() * 1000));
                System.err.println("watchdog: " + opt.driver() + " " + opt.scenario().id + " exceeded "
                        + opt.deadlineSeconds() + " s, halting");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        new LoadMain(opt).run();
        // Some clients leave non-daemon threads behind after close(); the result is written.
        System.exit(0);
    }

    private void run() throws Exception {
        DriverFactory factory = find(opt.driver());
        Scenario sc = opt.scenario();
        row.put("client", opt.label() != null ? opt.label() : factory.name());
        row.put("library", factory.description());
        row.put("scenario", sc.id);
        row.put("rep", opt.rep());
        row.put("jdk", Runtime.version().feature());
        row.put("concurrency", sc.concurrency);
        row.put("rss_idle_mb", probe.rssKib() / 1024.0);
        row.put("protocol", sc.wire.label);
        int concurrency = Math.max(1, sc.concurrency);
        Driver opened;
        try {
            opened = sc.wire.open(factory, concurrency, opt);
        } catch (UnsupportedOperationException e) {
            row.put("skipped", e.getMessage());
            writeRow();
            return;
        }
        try (Driver driver = opened) {
            row.put("pool", driver.poolSettings());
            switch (sc.kind) {
                case GET, POST -> runRequests(driver, sc);
                case UPLOAD, DOWNLOAD -> new TransferRun(opt, probe, row).run(driver, sc);
                case WS_ECHO -> runEcho(driver, sc);
            }
        } catch (Exception | Error e) {
            row.put("error", String.valueOf(e));
            e.printStackTrace();
        }
        writeRow();
    }

    private void writeRow() throws java.io.IOException {
        String line = Json.line(row) + "\n";
        Files.writeString(opt.out(), line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(line);
    }

    private static DriverFactory find(String name) {
        for (DriverFactory f : ServiceLoader.load(DriverFactory.class)) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no driver named " + name + " on the class path");
    }

    private void runRequests(Driver driver, Scenario sc) throws Exception {
        URI uri = opt.base().resolve(sc.kind == Scenario.Kind.GET ? "/get" : "/post");
        byte[] json = JsonBody.oneKib();
        boolean get = sc.kind == Scenario.Kind.GET;
        String mode;
        ThreadFactory threads = null;
        if (sc.mode == Scenario.Mode.VIRTUAL) {
            if (!driver.hasBlocking() || !Threads.virtualThreadsAvailable()) {
                row.put("skipped", driver.hasBlocking() ? "needs JDK 21+" : "no blocking API");
                return;
            }
            mode = "blocking-virtual";
            threads = Threads.virtual();
        } else if (sc.mode == Scenario.Mode.PLATFORM) {
            if (!driver.hasBlocking()) {
                row.put("skipped", "no blocking API");
                return;
            }
            mode = "blocking-platform";
            threads = Threads.platform("load");
        } else if (driver.hasAsync()) {
            mode = "async";
        } else if (Threads.virtualThreadsAvailable() && sc.concurrency > 1) {
            mode = "blocking-virtual";
            threads = Threads.virtual();
        } else {
            mode = "blocking-platform";
            threads = Threads.platform("load");
        }
        row.put("mode", mode);
        LoadLoop.AsyncOp async = get ? done -> driver.getAsync(uri, done) : done -> driver.postAsync(uri, json, done);
        LoadLoop.BlockingOp blocking = get ? () -> driver.get(uri) : () -> driver.post(uri, json);
        ThreadFactory tf = threads;
        Phase phase = (loop, seconds) -> {
            long nanos = (long) (seconds * 1e9);
            if (tf == null) {
                loop.runAsync(async, sc.concurrency, nanos, opt.maxRequests());
            } else {
                loop.runBlocking(blocking, sc.concurrency, tf, nanos, opt.maxRequests());
            }
        };
        warmUp(phase);
        measure(phase);
    }

    /**
     * The WebSocket echo: one connection to {@code --base} (the echo server's {@code ws://} URL),
     * 1 KiB text messages, at most {@code concurrency} awaiting their echo. Each message there and
     * back is one "request" of {@link LoadLoop}, so the row's rps is messages per second and its
     * CPU and allocation are per message.
     */
    private void runEcho(Driver driver, Scenario sc) throws Exception {
        EchoSocket socket;
        try {
            socket = driver.openWebSocket(opt.base().resolve("/echo"));
        } catch (UnsupportedOperationException e) {
            row.put("skipped", e.getMessage());
            return;
        }
        try (EchoSocket open = socket) {
            String message = "x".repeat(1024);
            row.put("mode", "async");
            row.put("message_bytes", 1024);
            Phase phase = (loop, seconds) -> loop.runAsync(done -> open.send(message, done), sc.concurrency,
                    (long) (seconds * 1e9), opt.maxRequests());
            warmUp(phase);
            measure(phase);
        }
    }

    /** One bounded burst of load. */
    interface Phase {
        void run(LoadLoop loop, double seconds) throws Exception;
    }

    private void warmUp(Phase phase) throws Exception {
        long start = System.nanoTime();
        long lastJit = probe.jitMillis();
        boolean quiet = false;
        int quietWindows = 0;
        long warmFailures = 0;
        while (true) {
            LoadLoop loop = new LoadLoop();
            phase.run(loop, Math.min(WINDOW_SECONDS, opt.warmupMaxSeconds()));
            warmFailures += loop.failed.sum();
            if (loop.stragglers() > 0 || (loop.ok.sum() == 0 && loop.failed.sum() > 0)) {
                throw new IllegalStateException("warm-up failed", loop.firstError.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long jit = probe.jitMillis();
            // One quiet window can be a lull between two C2 bursts: ask for two in a row.
            quietWindows = jit - lastJit <= QUIET_JIT_MILLIS ? quietWindows + 1 : 0;
            quiet = quietWindows >= 2;
            lastJit = jit;
            if ((elapsed >= opt.warmupMinSeconds() && quiet) || elapsed >= opt.warmupMaxSeconds()) {
                row.put("warmup_s", elapsed);
                row.put("warmup_jit_quiet", quiet);
                row.put("warmup_failures", warmFailures);
                return;
            }
        }
    }

    private void measure(Phase phase) throws Exception {
        long rssBefore = probe.rssKib();
        long peakBefore = probe.peakRssKib();
        boolean reset = probe.resetPeakRss();
        LoadLoop loop = new LoadLoop();
        Probe.Snapshot a = probe.snapshot();
        phase.run(loop, opt.measureSeconds());
        Probe.Snapshot b = probe.snapshot();
        long ok = loop.ok.sum();
        long failed = loop.failed.sum();
        double seconds = (b.nanoTime() - a.nanoTime()) / 1e9;
        row.put("requests", ok + failed);
        row.put("failures", failed);
        row.put("seconds", seconds);
        row.put("rps", ok / seconds);
        row.put("p50_us", loop.latency.quantile(0.50) / 1e3);
        row.put("p99_us", loop.latency.quantile(0.99) / 1e3);
        row.put("cpu_us_per_req", ok == 0 ? null : (b.cpuNanos() - a.cpuNanos()) / 1e3 / ok);
        row.put("alloc_bytes_per_req", ok == 0 ? null : (double) (b.allocated() - a.allocated()) / ok);
        row.put("cpu_util", (b.cpuNanos() - a.cpuNanos()) / 1e9 / seconds);
        row.put("jit_ms_measured", b.jitMillis() - a.jitMillis());
        row.put("alloc_counts_dead_threads", probe.allocationIncludesDeadThreads());
        rss(rssBefore, peakBefore, reset);
        if (loop.firstError.get() != null) {
            row.put("first_error", String.valueOf(loop.firstError.get()));
        }
    }

    /** Records RSS before the measured phase, its peak during it, and the whole run's peak. */
    void rss(long rssBeforeKib, long peakBeforeKib, boolean reset) {
        long peakDuring = probe.peakRssKib();
        row.put("rss_before_mb", rssBeforeKib / 1024.0);
        row.put("rss_peak_mb", Math.max(peakBeforeKib, peakDuring) / 1024.0);
        row.put("rss_growth_mb", reset ? (peakDuring - rssBeforeKib) / 1024.0 : null);
    }

    static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteQuietly(java.nio.file.Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover download is overwritten next time
        }
    }
}
