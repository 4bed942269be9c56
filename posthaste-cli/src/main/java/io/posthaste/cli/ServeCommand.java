package io.posthaste.cli;

import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posthaste serve [--port N] [--tls]}: runs the echo/test server in the foreground until
 * Ctrl-C, printing its URL and, with {@code --tls}, the file holding its self-signed certificate
 * (for {@code --ca FILE}).
 */
@Command(name = "serve", description = "Runs the httpbin-style echo and test server until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    private final Terminal terminal;
    private final CountDownLatch stop;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "0",
            description = "Port to listen on (default: any free port).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--tls", description = "Serve HTTPS with a fresh self-signed certificate.")
    boolean tls;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    ServeCommand(Terminal terminal) {
        this(terminal, new CountDownLatch(1));
    }

    /** For tests: the server stops when {@code stop} is released instead of at Ctrl-C. */
    ServeCommand(Terminal terminal, CountDownLatch stop) {
        this.terminal = terminal;
        this.stop = stop;
    }

    @Override
    public Integer call() {
        TestServer.Builder builder = TestServer.builder().host(host).port(port);
        if (tls) {
            builder.tls();
        }
        try (TestServer server = builder.start()) {
            terminal.out().println("Posthaste test server on " + server.url("/") + "  (Ctrl-C to stop)");
            if (tls) {
                Path certificate = writeCertificate(server);
                terminal.out()
                        .println("Certificate: " + certificate + "  (posthaste --ca " + certificate + " "
                                + server.url("/get") + ")");
            }
            terminal.out()
                    .println(
                            "Routes: /get /post /put /patch /delete /anything /headers /status/{code} "
                                    + "/redirect/{n} /basic-auth/{user}/{pass} /bearer /bytes/{n} /stream/{n} /delay/{s} /sink ...");
            terminal.out().flush();
            // Ctrl-C: release the main thread, then hold the JVM until the server has closed its
            // connections and said so (bounded, so a stuck close cannot keep the process alive).
            Thread hook = new Thread(
                    () -> {
                        stop.countDown();
                        try {
                            stopped.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "posthaste-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already running the hook that released us.
            }
            server.close();
            terminal.out().println("Stopped.");
            terminal.out().flush();
            return ExitCode.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        } catch (RuntimeException | IOException | CertificateEncodingException e) {
            return Main.report(
                    new CliException(ExitCode.ERROR, "cannot serve on " + host + ":" + port + ": " + rootMessage(e), e),
                    null,
                    terminal,
                    debug);
        } finally {
            stopped.countDown();
        }
    }

    private static Path writeCertificate(TestServer server) throws IOException, CertificateEncodingException {
        Path dir = Files.createTempDirectory("posthaste-serve");
        Path file = dir.resolve("certificate.pem");
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(server.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        // deleteOnExit runs in reverse order: the file goes first, then its (now empty) directory.
        dir.toFile().deleteOnExit();
        file.toFile().deleteOnExit();
        return file;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
