package io.posthaste.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Where the command reads and writes, and what is on the other end: whether standard output and
 * standard error are terminals decides pretty JSON, colours and progress bars.
 *
 * @param in standard input
 * @param out standard output (response bodies, printed requests)
 * @param err standard error (errors, warnings, progress bars)
 * @param stdoutIsTerminal whether {@code out} is a terminal
 * @param stderrIsTerminal whether {@code err} is a terminal
 * @param colors whether colours may be used on a terminal ({@code NO_COLOR} unset)
 * @param width supplies the width of the terminal in columns ({@link #columns()}), for progress
 *     bars and the help; asked for only when one of them is drawn
 * @param directory the working directory, where downloads are saved and relative paths start
 * @param environment the process's environment variables (proxy settings are read from it);
 *     empty for a terminal made by a test, unless it says otherwise
 */
public record Terminal(
        InputStream in,
        PrintStream out,
        PrintStream err,
        boolean stdoutIsTerminal,
        boolean stderrIsTerminal,
        boolean colors,
        IntSupplier width,
        Path directory,
        Map<String, String> environment) {

    /** Returns a terminal with no environment variables. */
    public Terminal(
            InputStream in,
            PrintStream out,
            PrintStream err,
            boolean stdoutIsTerminal,
            boolean stderrIsTerminal,
            boolean colors,
            IntSupplier width,
            Path directory) {
        this(in, out, err, stdoutIsTerminal, stderrIsTerminal, colors, width, directory, Map.of());
    }

    /** The width when neither {@code COLUMNS} nor the terminal tells: the classic 80. */
    static final int DEFAULT_COLUMNS = 80;
    /** Narrower values of {@code COLUMNS} are taken for mistakes. */
    static final int MIN_COLUMNS = 20;

    /** Returns a terminal {@code columns} wide. */
    public Terminal(
            InputStream in,
            PrintStream out,
            PrintStream err,
            boolean stdoutIsTerminal,
            boolean stderrIsTerminal,
            boolean colors,
            int columns,
            Path directory) {
        this(in, out, err, stdoutIsTerminal, stderrIsTerminal, colors, () -> columns, directory);
    }

    /** Returns the width of the terminal, in columns. */
    public int columns() {
        return width.getAsInt();
    }

    /**
     * Returns the process's own streams. Terminals are detected from {@code /proc/self/fd} on
     * Linux (exact for each stream), else from {@link System#console()} (which needs stdin and
     * stdout to be terminals); {@code -Dposthaste.stdout.tty=true|false} and
     * {@code -Dposthaste.stderr.tty} override either.
     */
    public static Terminal system() {
        Map<String, String> env = System.getenv();
        boolean stdoutIsTerminal = isTerminal(1, "stdout");
        boolean stderrIsTerminal = isTerminal(2, "stderr");
        // Asking the terminal costs a process (some 20 ms): only when a width is needed, and
        // only when there is a terminal to ask.
        IntSupplier terminalWidth = stdoutIsTerminal || stderrIsTerminal ? Terminal::askTerminal : () -> -1;
        return new Terminal(
                System.in,
                System.out,
                System.err,
                stdoutIsTerminal,
                stderrIsTerminal,
                !env.containsKey("NO_COLOR"),
                columnsOnDemand(env.get("COLUMNS"), terminalWidth),
                Path.of("").toAbsolutePath(),
                env);
    }

    /**
     * Returns the width, worked out on first use and remembered: {@code COLUMNS} when it holds a
     * number (at least {@value #MIN_COLUMNS}), else {@code terminalWidth} when it knows (a
     * positive answer), else {@value #DEFAULT_COLUMNS}. A shell sets {@code COLUMNS} without
     * exporting it, so the terminal itself is usually the one that knows.
     */
    static IntSupplier columnsOnDemand(String columnsVariable, IntSupplier terminalWidth) {
        return new IntSupplier() {
            // Zero until known. Unguarded: the command asks from one thread, and two threads
            // would at worst both work it out.
            private int columns;

            @Override
            public int getAsInt() {
                if (columns == 0) {
                    columns = columns(columnsVariable, terminalWidth);
                }
                return columns;
            }
        };
    }

    private static int columns(String columnsVariable, IntSupplier terminalWidth) {
        if (columnsVariable != null) {
            try {
                return Math.max(MIN_COLUMNS, Integer.parseInt(columnsVariable.trim()));
            } catch (NumberFormatException ignored) {
                // A malformed COLUMNS is no reason to fail a request: ask the terminal instead.
            }
        }
        int asked = terminalWidth.getAsInt();
        return asked > 0 ? asked : DEFAULT_COLUMNS;
    }

    /**
     * Asks the controlling terminal for its width with {@code stty size} (the JDK has no call
     * for it); returns -1 when there is no terminal, no {@code stty}, or no answer within a second.
     */
    private static int askTerminal() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return -1;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!stty.waitFor(1, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return -1;
            }
            // "ROWS COLUMNS"
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .trim()
                    .split("\\s+");
            return size.length == 2 ? Integer.parseInt(size[1]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean isTerminal(int fd, String name) {
        String forced = System.getProperty("posthaste." + name + ".tty");
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            if (Files.isSymbolicLink(link)) {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // Not Linux, or /proc unreadable: fall back to the JDK's guess below.
        }
        return System.console() != null;
    }
}
