package io.posthaste.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints what a {@link LoadRun} measured: as text for people (throughput, latency percentiles,
 * a small histogram, status codes, errors, bytes, the client's own CPU per request) or as one
 * JSON object for scripts ({@code --json}).
 */
final class BenchReport {

    private static final double[] PERCENTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99_9"};
    private static final int HISTOGRAM_ROWS = 10;
    private static final int BAR_WIDTH = 40;

    private BenchReport() {}

    /** Prints {@code result} for people. */
    static void text(LoadRun.Result result, String what, double warmupSeconds, PrintStream out) {
        LatencyHistogram latencies = result.latencies();
        out.printf(
                Locale.ROOT,
                "%s: %,d requests in %.2f s, concurrency %d%s%n",
                what,
                result.requests(),
                result.seconds(),
                result.concurrency(),
                warmupSeconds > 0
                        ? String.format(Locale.ROOT, " (after %.1f s of warm-up, not counted)", warmupSeconds)
                        : "");
        out.printf(Locale.ROOT, "  requests/s   %,.1f%n", result.rps());
        out.printf(
                Locale.ROOT,
                "  latency      mean %s, min %s, max %s%n",
                ms(latencies.meanMicros()),
                ms(latencies.minMicros()),
                ms(latencies.maxMicros()));
        StringBuilder line = new StringBuilder("  percentiles ");
        for (int i = 0; i < PERCENTILES.length; i++) {
            line.append(' ')
                    .append(PERCENTILE_NAMES[i].replace('_', '.'))
                    .append(' ')
                    .append(ms(latencies.percentileMicros(PERCENTILES[i])));
        }
        out.println(line);
        histogram(latencies, out);
        out.println("  status codes " + (result.statuses().isEmpty() ? "none" : counts(result.statuses())));
        if (!result.errors().isEmpty()) {
            out.println("  errors       " + counts(result.errors()));
        }
        out.printf(
                Locale.ROOT,
                "  body bytes   %s (%s/s)%n",
                Units.bytes(result.bodyBytes()),
                Units.bytes(result.seconds() == 0 ? 0 : Math.round(result.bodyBytes() / result.seconds())));
        out.printf(
                Locale.ROOT,
                "  client CPU   %.1f µs/request (the whole process, every thread)%n",
                result.cpuMicrosPerRequest());
    }

    /** Prints {@code result} as one JSON object. */
    static void json(LoadRun.Result result, String url, double warmupSeconds, PrintStream out) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("url", url);
        root.put("warmup_seconds", warmupSeconds);
        root.put("concurrency", result.concurrency());
        root.put("requests", result.requests());
        root.put("seconds", result.seconds());
        root.put("rps", result.rps());
        ObjectNode latency = root.putObject("latency_ms");
        LatencyHistogram latencies = result.latencies();
        latency.put("mean", latencies.meanMicros() / 1000.0);
        latency.put("min", latencies.minMicros() / 1000.0);
        for (int i = 0; i < PERCENTILES.length; i++) {
            latency.put(PERCENTILE_NAMES[i], latencies.percentileMicros(PERCENTILES[i]) / 1000.0);
        }
        latency.put("max", latencies.maxMicros() / 1000.0);
        ObjectNode statuses = root.putObject("status");
        result.statuses().forEach((code, count) -> statuses.put(Integer.toString(code), count));
        ObjectNode errors = root.putObject("errors");
        result.errors().forEach(errors::put);
        root.put("body_bytes", result.bodyBytes());
        root.put("cpu_us_per_request", result.cpuMicrosPerRequest());
        out.println(root);
    }

    /** Ten rows from the fastest to the slowest latency, each with its count and a bar. */
    private static void histogram(LatencyHistogram latencies, PrintStream out) {
        long min = latencies.minMicros();
        long max = latencies.maxMicros();
        if (latencies.count() == 0) {
            return;
        }
        long step = Math.max(1, (max - min + HISTOGRAM_ROWS) / HISTOGRAM_ROWS);
        long[] rows = new long[HISTOGRAM_ROWS];
        long most = 1;
        for (int row = 0; row < HISTOGRAM_ROWS; row++) {
            long from = min + row * step;
            long to = row == HISTOGRAM_ROWS - 1 ? Long.MAX_VALUE : from + step;
            rows[row] = latencies.countBetween(from, to);
            most = Math.max(most, rows[row]);
        }
        out.println("  histogram");
        for (int row = 0; row < HISTOGRAM_ROWS; row++) {
            int width = (int) Math.round((double) rows[row] * BAR_WIDTH / most);
            out.printf(Locale.ROOT, "    %10s  %,9d  %s%n", ms(min + row * step), rows[row], "■".repeat(width));
        }
    }

    private static String counts(Map<?, Long> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((key, count) -> text.append(text.length() == 0 ? "" : ", ")
                .append(key)
                .append(": ")
                .append(String.format(Locale.ROOT, "%,d", count)));
        return text.toString();
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, micros < 10_000 ? "%.3f ms" : "%.1f ms", micros / 1000.0);
    }
}
