package io.posthaste.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
 * @param columns the width of the terminal, for progress bars
 * @param directory the working directory, where downloads are saved and relative paths start
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, boolean stdoutIsTerminal,
        boolean stderrIsTerminal, boolean colors, int columns, Path directory) {

    /**
     * Returns the process's own streams. Terminals are detected from {@code /proc/self/fd} on
     * Linux (exact for each stream), else from {@link System#console()} (which needs stdin and
     * stdout to be terminals); {@code -Dposthaste.stdout.tty=true|false} and
     * {@code -Dposthaste.stderr.tty} override either.
     */
    public static Terminal system() {
        Map<String, String> env = System.getenv();
        int columns = 80;
        try {
            columns = Math.max(20, Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim()));
        } catch (NumberFormatException ignored) {
            // A malformed COLUMNS is no reason to fail a request: keep 80.
        }
        return new Terminal(System.in, System.out, System.err, isTerminal(1, "stdout"),
                isTerminal(2, "stderr"), !env.containsKey("NO_COLOR"), columns,
                Path.of("").toAbsolutePath());
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
