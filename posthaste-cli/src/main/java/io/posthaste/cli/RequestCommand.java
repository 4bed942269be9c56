package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.Request;
import io.posthaste.StreamingResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code posthaste [METHOD] URL [ITEM ...]}: one HTTP request in httpie's syntax. Prints the
 * answer (head and body on a terminal, body alone when piped), and exits 0 unless the request
 * failed, or {@code --check-status} or {@code --download} maps the status to 3, 4 or 5.
 */
@Command(
        name = "posthaste",
        sortOptions = false,
        versionProvider = Main.Version.class,
        // The description, the exit codes and the examples are HelpText's, laid out to the
        // terminal's width.
        commandListHeading = "%nCommands:%n")
final class RequestCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Parameters(
            paramLabel = "[METHOD] URL [ITEM]",
            arity = "0..*",
            description = "Method (optional), URL, then request items.")
    List<String> arguments = new ArrayList<>();

    @Option(
            names = {"-j", "--json"},
            description = "JSON mode (the default for data items); also "
                    + "sets Accept and, for a raw body, Content-Type to JSON.")
    boolean json;

    // No long unbroken words in descriptions: picocli cuts a word wider than its column.
    @Option(
            names = {"-f", "--form"},
            description = "Data items as a URL-encoded form " + "(multipart with file items).")
    boolean form;

    @Option(names = "--multipart", description = "Always send a multipart/form-data body.")
    boolean multipart;

    // A plain label: picocli broke "USER[:PASS]|TOKEN" across lines at many widths (HelpTest
    // sweeps them all).
    @Option(
            names = {"-a", "--auth"},
            paramLabel = "CREDENTIALS",
            description =
                    "user:password for basic and digest (user alone asks for the password), " + "the token for bearer.")
    String auth;

    @Option(
            names = {"-A", "--auth-type"},
            paramLabel = "TYPE",
            defaultValue = "basic",
            description = "basic (default), bearer or digest.")
    String authType;

    @Option(
            names = {"-F", "--follow"},
            description = "Follow redirects.")
    boolean follow;

    @Option(
            names = "--max-redirects",
            paramLabel = "N",
            defaultValue = "30",
            description = "Most redirects to follow (default ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Connect and idle-read timeout, in seconds (default: 10 s connect, 30 s read).")
    Double timeout;

    @Option(
            names = "--verify",
            paramLabel = "yes|no|CA_FILE",
            defaultValue = "yes",
            description = "Check the server's certificate (yes), skip the check (no), or trust CA_FILE.")
    String verify;

    @Option(names = "--ca", paramLabel = "FILE", description = "Trust the PEM certificates in FILE.")
    Path ca;

    @Mixin
    HttpVersionOptions httpVersions = new HttpVersionOptions();

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(
            names = {"-v", "--verbose"},
            description = "Print the request as well as the response, then where the time went.")
    boolean verbose;

    @Option(
            names = {"-p", "--print"},
            paramLabel = "WHAT",
            description = "What to print: H request headers, B request body, h response headers, "
                    + "b response body (default hb on a terminal, b when piped).")
    String print;

    @Option(
            names = {"-h", "--headers"},
            description = "Print only the response headers (-p h).")
    boolean headersOnly;

    @Option(
            names = {"-b", "--body"},
            description = "Print only the response body (-p b).")
    boolean bodyOnly;

    @Option(
            names = "--pretty",
            paramLabel = "all|colors|format|none",
            description = "Output processing (default all on a terminal, none when piped).")
    String pretty;

    @Option(
            names = {"-S", "--stream"},
            description = "Print the body as it arrives, a line at a time "
                    + "(an event stream event by event), without formatting.")
    boolean stream;

    @Option(
            names = {"-d", "--download"},
            description = "Save the response body to a file.")
    boolean download;

    @Option(
            names = {"-c", "--continue"},
            description = "With --download and --output: continue a "
                    + "partial download of that file (Range and If-Range), and resume up to 3 times if the "
                    + "connection drops.")
    boolean continueDownload;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Where --download saves; without --download, where the output goes.")
    Path output;

    @Option(names = "--check-status", description = "Exit 3, 4 or 5 on a 3xx, 4xx or 5xx answer.")
    boolean checkStatus;

    @Option(names = "--offline", description = "Print the request without sending it.")
    boolean offline;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
    boolean version;

    RequestCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        String what = null;
        PrintStream fileOut = null;
        try {
            RequestSpec spec = parse();
            PrintStream out = terminal.out();
            boolean outTerminal = terminal.stdoutIsTerminal();
            if (download) {
                // As in httpie: the body goes to a file, and all that is printed goes to stderr,
                // beside the progress bar (an error answer included).
                out = terminal.err();
                outTerminal = terminal.stderrIsTerminal();
            } else if (output != null) {
                fileOut = new PrintStream(
                        Files.newOutputStream(terminal.directory().resolve(output)), false);
                out = fileOut;
                outTerminal = false;
            }
            String selection = selection(outTerminal);
            Printer printer = printer(out, outTerminal);
            try (ClientSession session = Sender.session(
                    trust(),
                    timeout(),
                    maxRedirects,
                    httpVersions,
                    spec.url(),
                    builder -> network.applyTo(builder, spec.url(), terminal.environment(), terminal.directory()))) {
                Request request = spec.toBuilder(session).build();
                what = request.method() + " " + request.url();
                if (selection.indexOf('H') >= 0) {
                    printer.printRequestHead(
                            request,
                            spec.url(),
                            httpVersions.requestVersion(spec.url()),
                            "posthaste/" + ClientSession.VERSION);
                }
                if (selection.indexOf('B') >= 0) {
                    printer.printRequestBody(request);
                }
                out.flush();
                if (offline) {
                    return ExitCode.OK;
                }
                if (continueDownload) {
                    return Resume.download(session, spec, terminal.directory().resolve(output), terminal);
                }
                return exchange(session, withProgress(spec), selection, printer, out, outTerminal);
            }
        } catch (RuntimeException | IOException e) {
            return Main.report(e, what, terminal, debug);
        } finally {
            if (fileOut != null) {
                fileOut.close();
            }
        }
    }

    private int exchange(
            ClientSession session,
            RequestSpec spec,
            String selection,
            Printer printer,
            PrintStream out,
            boolean outTerminal)
            throws IOException {
        String[] digest = Auth.digest(auth, authType, System.console());
        try (StreamingResponse response = Sender.send(session, spec, follow, digest)) {
            int status = response.status();
            // A download that saved nothing has failed, as in httpie: --download implies
            // --check-status (and a redirect not followed is not the file either).
            int code = checkStatus || download ? ExitCode.forStatus(status) : ExitCode.OK;
            if (code != ExitCode.OK && !(outTerminal && selection.indexOf('h') >= 0)) {
                // Nobody sees the status line (piped output is the body alone). Said first, so
                // that it never runs on from an error body without a final newline.
                terminal.err().println("posthaste: warning: HTTP " + status + " " + response.reason());
            }
            if (selection.indexOf('h') >= 0) {
                printer.printResponseHead(response);
            }
            if (download && status < 300) {
                out.flush();
                Download.save(response, output, terminal);
            } else if (selection.indexOf('b') >= 0 && stream) {
                out.flush();
                printer.streamResponseBody(response);
            } else if (selection.indexOf('b') >= 0) {
                printer.printResponseBody(response);
            }
            if (verbose) {
                printer.printTimings(response.timings());
            }
            out.flush();
            return code;
        }
    }

    private RequestSpec parse() {
        if (continueDownload && (!download || output == null)) {
            throw CliException.usage("--continue needs --download and --output FILE (the file to continue)");
        }
        if (form && json) {
            throw CliException.usage("--form and --json exclude each other");
        }
        RequestParser.BodyMode mode = multipart
                ? RequestParser.BodyMode.MULTIPART
                : form ? RequestParser.BodyMode.FORM : RequestParser.BodyMode.JSON;
        String authorization = Auth.header(auth, authType, System.console());
        return RequestParser.parse(arguments, mode, json, authorization, terminal.in(), terminal.directory());
    }

    /** Wraps the body to draw an upload bar when stderr is a terminal and the body is large. */
    private RequestSpec withProgress(RequestSpec spec) {
        if (spec.body() == null) {
            return spec;
        }
        ProgressBar bar =
                ProgressBar.forTransfer(terminal, "upload", spec.body().contentLength());
        return bar == ProgressBar.NONE ? spec : spec.withBody(new ProgressBody(spec.body(), bar));
    }

    private String selection(boolean outTerminal) {
        if (print != null) {
            if (!print.matches("[HBhb]+")) {
                throw CliException.usage("--print takes letters from H, B, h, b, not '" + print + "'");
            }
            return print;
        }
        if (headersOnly) {
            return "h";
        }
        if (bodyOnly) {
            return "b";
        }
        if (offline) {
            return "HB";
        }
        if (verbose) {
            return "HBhb";
        }
        // With --download, "b" prints only a body that is not saved: an error answer's.
        return outTerminal ? "hb" : "b";
    }

    private Printer printer(PrintStream out, boolean outTerminal) {
        String mode = pretty != null ? pretty : outTerminal ? "all" : "none";
        return switch (mode) {
            case "all" ->
                new Printer(out, outTerminal, true, pretty != null || terminal.colors() ? Ansi.ON : Ansi.NONE);
            case "colors" -> new Printer(out, outTerminal, false, Ansi.ON);
            case "format" -> new Printer(out, outTerminal, true, Ansi.NONE);
            case "none" -> new Printer(out, outTerminal, false, Ansi.NONE);
            default -> throw CliException.usage("--pretty takes all, colors, format or none, not '" + pretty + "'");
        };
    }

    private X509TrustManager trust() {
        return Trust.forOptions(verify, ca, terminal.directory());
    }

    private Duration timeout() {
        return Sender.timeout(timeout);
    }
}
