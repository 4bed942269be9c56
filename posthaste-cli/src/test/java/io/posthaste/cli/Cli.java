package io.posthaste.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the command in-process with captured streams, as on a terminal or piped. */
final class Cli {

    /** What one run left behind. */
    record Result(int exitCode, byte[] outBytes, String err) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }
    }

    private boolean stdoutTty;
    private boolean stderrTty;
    private boolean colors = true;
    private byte[] stdin = new byte[0];
    private Path directory = Path.of("").toAbsolutePath();
    private int columns = 80;
    private Map<String, String> environment = Map.of();

    static Cli piped() {
        return new Cli();
    }

    static Cli onTerminal() {
        Cli cli = new Cli();
        cli.stdoutTty = true;
        cli.stderrTty = true;
        return cli;
    }

    Cli stderrTerminal(boolean tty) {
        this.stderrTty = tty;
        return this;
    }

    Cli noColor() {
        this.colors = false;
        return this;
    }

    Cli columns(int width) {
        this.columns = width;
        return this;
    }

    Cli stdin(String text) {
        this.stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Cli env(Map<String, String> variables) {
        this.environment = variables;
        return this;
    }

    Cli in(Path dir) {
        this.directory = dir;
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int width = columns;
        Terminal terminal = new Terminal(
                new ByteArrayInputStream(stdin),
                outStream,
                errStream,
                stdoutTty,
                stderrTty,
                colors,
                () -> width,
                directory,
                environment);
        int code = Main.run(args, terminal);
        outStream.flush();
        errStream.flush();
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
