package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.Response;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code posthaste bench [-n N | -d DURATION] [-c N] [--json] [METHOD] URL [ITEM...]}: a load
 * generator on the client itself, like oha or hey. The request is written as for a single
 * request (headers, query and body items); {@code -c} requests are kept in flight, each worker
 * sending its next when its last one came back. Prints throughput, latency percentiles with a
 * small histogram, status codes, errors by kind, body bytes and the client's own CPU per request.
 */
@Command(
        name = "bench",
        sortOptions = false,
        description = "Sends a request many times at a given concurrency and reports requests/s, "
                + "latency percentiles, status codes, errors and the client's CPU per request.")
final class BenchCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final int DEFAULT_REQUESTS = 200;
    private static final long PROGRESS_MILLIS = 250;

    private final Terminal terminal;

    @Parameters(
            paramLabel = "[METHOD] URL [ITEM]",
            arity = "1..*",
            description = "The request, as for a single request: METHOD, URL, then Header:value, "
                    + "name==query, name=data, name:=json and @file items.")
    List<String> arguments;

    @Option(
            names = {"-n", "--requests"},
            paramLabel = "N",
            description = "How many requests to send (default " + DEFAULT_REQUESTS + " unless -d is given).")
    Long requests;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "DURATION",
            description = "How long to send for, e.g. 10s, 500ms, 2m (instead of -n).")
    String duration;

    @Option(
            names = "--warmup",
            paramLabel = "DURATION",
            description = "Send for this long first, unmeasured, so that the JIT has compiled the "
                    + "client (default 1s with -d, none with -n).")
    String warmup;

    @Option(
            names = {"-c", "--concurrency"},
            paramLabel = "N",
            defaultValue = "50",
            description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = {"-f", "--form"},
            description = "Data items as a URL-encoded form (default: JSON).")
    boolean form;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Limit for connecting, the TLS handshake and each wait for bytes.")
    Double timeout;

    @Option(
            names = "--verify",
            paramLabel = "yes|no|CA_FILE",
            defaultValue = "yes",
            description = "Verify the server's certificate (default), skip it, or trust CA_FILE.")
    String verify;

    @Mixin
    HttpVersionOptions httpVersions = new HttpVersionOptions();

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    BenchCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        String what = null;
        try {
            long durationNanos = duration == null ? Long.MAX_VALUE : nanos("-d", duration);
            if (duration != null && requests != null) {
                throw CliException.usage("-n and -d exclude each other");
            }
            long warmupNanos = warmup != null ? nanos("--warmup", warmup) : duration != null ? 1_000_000_000L : 0;
            long count =
                    requests != null ? requests : durationNanos == Long.MAX_VALUE ? DEFAULT_REQUESTS : Long.MAX_VALUE;
            if (count < 1) {
                throw CliException.usage("-n must be at least 1, not " + count);
            }
            if (concurrency < 1 || concurrency > 10_000) {
                throw CliException.usage("-c must be between 1 and 10000, not " + concurrency);
            }
            RequestSpec spec = RequestParser.parse(
                    arguments,
                    form ? RequestParser.BodyMode.FORM : RequestParser.BodyMode.JSON,
                    false,
                    null,
                    terminal.in(),
                    terminal.directory());
            if (spec.body() != null && !spec.body().isReplayable()) {
                throw CliException.usage("the body is read once (stdin?): a benchmark sends it many times");
            }
            try (ClientSession session = session(spec.url())) {
                what = spec.method() + " " + spec.url();
                Supplier<CompletableFuture<Response>> send =
                        () -> spec.toBuilder(session).sendAsync();
                if (warmupNanos > 0) {
                    new LoadRun(send, concurrency, Long.MAX_VALUE, warmupNanos).run();
                }
                LoadRun run = new LoadRun(send, concurrency, count, durationNanos);
                LoadRun.Result result = withProgress(run);
                if (json) {
                    BenchReport.json(result, spec.url(), warmupNanos / 1e9, terminal.out());
                } else {
                    BenchReport.text(result, what, warmupNanos / 1e9, terminal.out());
                }
                terminal.out().flush();
                return ExitCode.OK;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        } catch (RuntimeException e) {
            return Main.report(e, what, terminal, debug);
        }
    }

    private ClientSession session(String url) {
        // Completions run on the I/O thread that completed them: the next request goes out from
        // there, with no hand-off to the callback pool and back (the load loop never blocks).
        // On HTTP/2 the -c requests are streams multiplexed on one connection per origin (beyond
        // the server's SETTINGS_MAX_CONCURRENT_STREAMS they wait for a stream).
        ClientSession.Builder builder = ClientSession.builder()
                .raiseForStatus(false)
                .followRedirects(false)
                .maxConnectionsPerOrigin(concurrency)
                .maxConnectionsTotal(Math.max(concurrency, 256))
                .callbackExecutor(Runnable::run);
        httpVersions.applyTo(builder, url);
        Sender.trustAndTimeout(builder, Trust.forOptions(verify, null, terminal.directory()), Sender.timeout(timeout));
        return builder.build();
    }

    /** Runs {@code run}, drawing a live progress line on stderr when it is a terminal. */
    private LoadRun.Result withProgress(LoadRun run) throws InterruptedException {
        if (!terminal.stderrIsTerminal()) {
            return run.run();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "posthaste-bench-progress");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(
                () -> {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long done = run.completed();
                    terminal.err()
                            .printf(
                                    Locale.ROOT,
                                    "\r  %,d requests  %,.0f/s  p50 %.3f ms  errors %,d   ",
                                    done,
                                    seconds == 0 ? 0 : done / seconds,
                                    run.latencies().percentileMicros(0.5) / 1000.0,
                                    run.errorCount());
                    terminal.err().flush();
                },
                PROGRESS_MILLIS,
                PROGRESS_MILLIS,
                TimeUnit.MILLISECONDS);
        try {
            return run.run();
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(1, TimeUnit.SECONDS);
            terminal.err().print("\r" + " ".repeat(70) + "\r");
            terminal.err().flush();
        }
    }

    /** Returns the duration {@code value} of {@code option} in nanoseconds. */
    private static long nanos(String option, String value) {
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            throw CliException.usage(option + " takes a duration like 10s, 500ms or 2m, not '" + value + "'");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        double seconds = switch (unit) {
            case "ms" -> amount / 1000;
            case "m" -> amount * 60;
            case "h" -> amount * 3600;
            default -> amount;
        };
        if (seconds < 0 || seconds > 86_400 || seconds == 0 && option.equals("-d")) {
            throw CliException.usage(option + " must be between 1 ms and 24 h, not '" + value + "'");
        }
        return Math.round(seconds * 1e9);
    }
}
