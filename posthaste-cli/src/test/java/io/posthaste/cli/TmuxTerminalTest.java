package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the command in a real terminal: tmux runs it in a pane (so stdout and stderr are a
 * pseudo-terminal, detected as such by the command itself), keys are sent, and the pane is read
 * back with its colours. tmux must be installed ({@code posthaste-cli/install-test-tools.sh}).
 */
class TmuxTerminalTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final String socket = "posthaste-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private TestServer server;

    @BeforeEach
    void startTmux() throws Exception {
        assumeTrue(
                tmux("-V").exitCode == 0,
                "tmux is not installed: run posthaste-cli/install-test-tools.sh "
                        + "(apt-get install tmux) to drive the command in a real terminal");
        server = TestServer.start();
        // A plain shell with a fixed size; no rc files, so the prompt and environment are predictable.
        assertThat(tmux(
                                "new-session",
                                "-d",
                                "-x",
                                "100",
                                "-y",
                                "50",
                                "-s",
                                "cli",
                                "env -u NO_COLOR TERM=xterm-256color PS1='$ ' bash --norc --noprofile")
                        .exitCode)
                .isZero();
    }

    @AfterEach
    void stopTmux() throws Exception {
        if (server != null) {
            server.close();
            tmux("kill-server");
        }
    }

    @Test
    void showsTheUploadProgressBarAndColouredJson() throws Exception {
        Path big = dir.resolve("big.bin");
        try (var out = Files.newOutputStream(big)) {
            byte[] chunk = new byte[MIB];
            for (int i = 0; i < 48; i++) {
                out.write(chunk);
            }
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String command = quote(java) + " -XX:TieredStopAtLevel=1 -cp " + quote(System.getProperty("java.class.path"))
                + " " + Main.class.getName() + " " + server.url("/sink") + " upload@" + quote(big.toString())
                + "; echo EXIT=$?";
        type(command);

        String plain = awaitPane("EXIT=", false);
        assertThat(plain).contains("EXIT=0");
        assertThat(plain)
                .containsPattern("upload 100% \\[=+\\] 48\\.0 MiB / 48\\.0 MiB  [0-9.]+ [KMG]iB/s  in [0-9.]+s");
        assertThat(plain).contains("HTTP/1.1 200 OK", "\"bytes\": " + 48 * MIB);

        String coloured = capture(true);
        // Keys blue, numbers cyan, strings green: tmux hands back the escapes it displayed.
        assertThat(coloured).containsPattern("\u001b\\[34m\"bytes\"\u001b\\[(0|39)m: \u001b\\[36m" + 48 * MIB);
        assertThat(coloured).containsPattern("\u001b\\[32m\"[0-9a-f]{64}\"");
    }

    @Test
    void pipedInsideTheTerminalTheOutputIsRawAndThereIsNoBar() throws Exception {
        Path big = Files.write(dir.resolve("two.bin"), new byte[2 * MIB]);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String command = quote(java) + " -cp " + quote(System.getProperty("java.class.path")) + " "
                + Main.class.getName() + " " + server.url("/sink") + " @" + quote(big.toString())
                + " 2>/dev/null | cat; echo EXIT=$?";
        type(command);
        awaitPane("EXIT=", false);
        String coloured = capture(true);
        assertThat(coloured).contains("\"bytes\":").doesNotContain("\u001b[34m\"bytes\"");
        assertThat(capture(false)).doesNotContain("100% [").doesNotContain("HTTP/1.1 200");
    }

    @Test
    void theHelpFitsTheTerminalsOwnWidth() throws Exception {
        // The terminal says it is 70 columns wide (the pane has 100, so a longer line would show
        // whole). COLUMNS is unset, as a shell leaves it for the programs it starts.
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        type("unset COLUMNS; stty cols 70; echo START; " + quote(java) + " -cp "
                + quote(System.getProperty("java.class.path")) + " " + Main.class.getName()
                + " --help; echo EXIT=$?");
        String pane = awaitPane("EXIT=", false);
        List<String> help = pane.lines()
                .dropWhile(line -> !line.equals("START"))
                .skip(1)
                .takeWhile(line -> !line.startsWith("EXIT="))
                .toList();
        assertThat(pane).contains("EXIT=0");
        assertThat(help)
                .contains("Items:", "Exit codes:")
                .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(70))
                // Laid out to 70, not to a default: some lines use the width.
                .anySatisfy(line -> assertThat(line.length()).isGreaterThan(64));
    }

    /**
     * Runs a command line in the pane. The line goes through a script file because a terminal in
     * canonical mode cuts typed lines at 4095 bytes, and a build's class path easily exceeds that
     * (it did in CI, where the checkout path is longer).
     */
    private void type(String commandLine) throws Exception {
        Path script = Files.writeString(dir.resolve("command.sh"), commandLine + "\n");
        assertThat(tmux("send-keys", "-t", "cli", "bash " + quote(script.toString()), "Enter").exitCode)
                .isZero();
    }

    private String awaitPane(String marker, boolean escapes) throws Exception {
        // Bounded: 60 s at most (JVM start plus a 48 MiB loopback upload takes a few seconds).
        for (int i = 0; i < 600; i++) {
            String pane = capture(escapes);
            if (pane.lines().anyMatch(line -> line.startsWith(marker))) {
                return pane;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the command did not finish in 60 s; the pane shows:\n" + capture(false));
    }

    private String capture(boolean escapes) throws Exception {
        Result result = escapes
                ? tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "cli")
                : tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "cli");
        return result.output;
    }

    private record Result(int exitCode, String output) {}

    private Result tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return new Result(127, notInstalled.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(124, output);
        }
        return new Result(process.exitValue(), output);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
