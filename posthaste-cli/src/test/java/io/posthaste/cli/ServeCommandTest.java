package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** posthaste serve: prints its URL (and certificate), answers, and stops cleanly. */
class ServeCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private CompletableFuture<Integer> serve(CountDownLatch stop, String... args) {
        Terminal terminal = new Terminal(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()),
                false,
                false,
                false,
                80,
                Path.of("").toAbsolutePath());
        ServeCommand command = new ServeCommand(terminal, stop);
        picocli.CommandLine line = new picocli.CommandLine(command);
        return CompletableFuture.supplyAsync(() -> line.execute(args));
    }

    private Matcher awaitOutput(Pattern pattern) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Matcher matcher = pattern.matcher(out.toString(StandardCharsets.UTF_8));
            if (matcher.find()) {
                return matcher;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no match for " + pattern + " in: " + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void servesTheEchoRoutesUntilStopped() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> serving = serve(stop);
        String url = awaitOutput(Pattern.compile("Posthaste test server on (http://127\\.0\\.0\\.1:\\d+/)"))
                .group(1);
        Cli.Result result = Cli.piped().run(url + "post", "hello=world");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"hello\": \"world\"");
        stop.countDown();
        assertThat(serving.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(Cli.piped().run(url + "get").exitCode()).isEqualTo(ExitCode.CONNECTION);
    }

    @Test
    void tlsPrintsTheCertificateThatCaAccepts() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> serving = serve(stop, "--tls");
        String url =
                awaitOutput(Pattern.compile("on (https://localhost:\\d+/)")).group(1);
        String certificate = awaitOutput(Pattern.compile("Certificate: (\\S+)")).group(1);
        assertThat(Cli.piped()
                        .run("--ca", certificate, "--check-status", url + "get")
                        .exitCode())
                .isZero();
        stop.countDown();
        assertThat(serving.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aTakenPortIsOneLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Terminal terminal = new Terminal(
                    new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    false,
                    false,
                    false,
                    80,
                    Path.of(""));
            int code = new picocli.CommandLine(new ServeCommand(terminal, new CountDownLatch(0)))
                    .execute("--port", Integer.toString(taken.getLocalPort()));
            assertThat(code).isEqualTo(ExitCode.ERROR);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("posthaste: cannot serve on 127.0.0.1:" + taken.getLocalPort())
                    .doesNotContain("\tat ");
        }
    }
}
