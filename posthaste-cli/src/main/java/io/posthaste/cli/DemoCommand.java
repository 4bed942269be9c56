package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.examples.BlogExamples;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posthaste demo [--against URL]}: runs the blog's five examples (JSON, form, file upload,
 * custom headers, errors, plus one asynchronous request) with the library, against an embedded
 * {@link TestServer} on 127.0.0.1 or any httpbin-compatible server, printing for each what was
 * sent and what the server saw. The examples themselves are {@link BlogExamples}.
 */
@Command(
        name = "demo",
        description = "Runs the five blog examples against an embedded test server, or --against "
                + "any httpbin-compatible server, and shows what the server received.")
final class DemoCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Option(
            names = "--against",
            paramLabel = "URL",
            description = "An httpbin-compatible server, e.g. http://127.0.0.1:8080 (default: embedded).")
    String against;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    DemoCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Path workDir = null;
        Path report = null;
        try {
            workDir = Files.createTempDirectory("posthaste-demo");
            report = BlogExamples.writeReportPdf(workDir);
            try (TestServer server = against == null ? TestServer.start() : null;
                    ClientSession session =
                            ClientSession.builder().eventLoopThreads(1).build()) {
                String baseUrl = server != null ? server.url("/") : Urls.expand(against);
                terminal.out()
                        .println("Posthaste " + ClientSession.VERSION + " against " + baseUrl.replaceAll("/$", "")
                                + (server != null ? " (embedded TestServer)" : ""));
                new BlogExamples(session, baseUrl, workDir, terminal.out()).runAll();
                terminal.out().flush();
                return ExitCode.OK;
            }
        } catch (RuntimeException | IOException e) {
            return Main.report(e, against == null ? null : "demo against " + against, terminal, debug);
        } finally {
            deleteQuietly(report);
            deleteQuietly(workDir);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // A leftover temporary file is not worth failing the demo over.
            }
        }
    }
}
