package io.posthaste.bench;

import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The upload and download scenarios: whole-file transfers one at a time. Warm-up repeats the
 * transfer until JIT time stops growing between two transfers (bounded by {@code --warmup-max});
 * the measured phase runs {@code --transfers} transfers (bounded by {@code --measure} seconds
 * after the first). Reports CPU ms per 100 MB, MB/s and RSS growth over the measured phase.
 */
final class TransferRun {

    private final Options opt;
    private final Probe probe;
    private final Map<String, Object> row;

    TransferRun(Options opt, Probe probe, Map<String, Object> row) {
        this.opt = opt;
        this.probe = probe;
        this.row = row;
    }

    void run(Driver driver, Scenario sc) throws Exception {
        boolean upload = sc.kind == Scenario.Kind.UPLOAD;
        long size = upload ? Files.size(opt.uploadFile()) : opt.downloadBytes();
        if (size <= 0) {
            throw new IllegalArgumentException("transfer size unknown: pass --download-bytes");
        }
        row.put("mode", "blocking");
        row.put("bytes_per_transfer", size);
        if (upload) {
            row.put("framing", driver.uploadFraming());
        }
        URI uri = opt.base().resolve(upload ? "/upload" : opt.downloadPath());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "transfer");
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            long lastJit = probe.jitMillis();
            int warm = 0;
            while (true) {
                once(worker, driver, uri, upload, size);
                warm++;
                double elapsed = (System.nanoTime() - start) / 1e9;
                long jit = probe.jitMillis();
                boolean quiet = jit - lastJit <= 20;
                lastJit = jit;
                if ((quiet && elapsed >= opt.warmupMinSeconds()) || elapsed >= opt.warmupMaxSeconds()) {
                    row.put("warmup_s", elapsed);
                    row.put("warmup_transfers", warm);
                    row.put("warmup_jit_quiet", quiet);
                    break;
                }
            }
            long rssBefore = probe.rssKib();
            long peakBefore = probe.peakRssKib();
            boolean reset = probe.resetPeakRss();
            Probe.Snapshot a = probe.snapshot();
            long deadline = a.nanoTime() + (long) (opt.measureSeconds() * 1e9);
            int done = 0;
            do {
                once(worker, driver, uri, upload, size);
                done++;
            } while (done < opt.transfers() && System.nanoTime() < deadline);
            Probe.Snapshot b = probe.snapshot();
            double seconds = (b.nanoTime() - a.nanoTime()) / 1e9;
            double bytes = (double) size * done;
            row.put("requests", done);
            row.put("failures", 0);
            row.put("seconds", seconds);
            row.put("mb_per_s", bytes / 1e6 / seconds);
            row.put("cpu_ms_per_100mb", (b.cpuNanos() - a.cpuNanos()) / 1e6 / (bytes / 1e8));
            row.put("alloc_bytes_per_mb", (b.allocated() - a.allocated()) / (bytes / 1e6));
            row.put("jit_ms_measured", b.jitMillis() - a.jitMillis());
            long peakDuring = probe.peakRssKib();
            row.put("rss_before_mb", rssBefore / 1024.0);
            row.put("rss_peak_mb", Math.max(peakBefore, peakDuring) / 1024.0);
            row.put("rss_growth_mb", reset ? (peakDuring - rssBefore) / 1024.0 : null);
        } finally {
            worker.shutdownNow();
            LoadMain.deleteQuietly(opt.downloadTarget());
        }
    }

    /** One transfer, bounded in time; any failure aborts the scenario (a 1 GiB retry would skew it). */
    private void once(ExecutorService worker, Driver driver, URI uri, boolean upload, long size) throws Exception {
        long timeoutSeconds = (long) Math.max(60, opt.measureSeconds() * 2);
        Future<Long> f = worker.submit(() -> {
            if (upload) {
                int status = driver.upload(uri, opt.uploadFile());
                if (status != 200) {
                    throw new IllegalStateException("upload answered " + status);
                }
                return size;
            }
            LoadMain.deleteQuietly(opt.downloadTarget());
            long n = driver.download(uri, opt.downloadTarget());
            long onDisk = Files.size(opt.downloadTarget());
            if (n != size || onDisk != size) {
                throw new IllegalStateException("download wrote " + onDisk + " bytes (reported " + n + "), expected " + size);
            }
            return n;
        });
        try {
            f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("transfer took over " + timeoutSeconds + " s", e);
        }
    }
}
