package io.posthaste.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A server running as a child process on 127.0.0.1, with its output in a log file. It is started
 * on a free port, counted as ready once every port it must listen on accepts a connection (20 s at
 * most), and stopped with its whole process tree: nginx and gunicorn fork workers that would
 * otherwise outlive the JVM. A JVM shutdown hook stops whatever a failed or interrupted run left.
 */
final class ServerProcess implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(ServerProcess::close), "posthaste-interop-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final List<Integer> ports;

    /**
     * What to run and the ports it will listen on (chosen with {@link #freePort()}).
     *
     * @param command the command line
     * @param ports the ports it listens on; the first is the main one
     */
    record Launch(List<String> command, List<Integer> ports) {}

    private ServerProcess(String name, Process process, Path log, List<Integer> ports) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ports = List.copyOf(ports);
    }

    /**
     * Starts {@code name} as {@code launch} says and waits until every port it names accepts
     * connections. A port taken between choosing and binding it makes the server exit early; then
     * {@code launch} is asked again (for other ports), at most three times in all.
     */
    static ServerProcess start(String name, Supplier<Launch> launch) {
        Path log = Commands.workDir().resolve("logs").resolve(name + ".log");
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Launch next = launch.get();
            ServerProcess server = launch(name, next.command(), log, next.ports());
            try {
                server.awaitReady();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                failure = e;
            }
        }
        throw failure;
    }

    /** Returns a port nobody listened on a moment ago; the server binds it right after. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Returns the main port. */
    int port() {
        return ports.get(0);
    }

    /** Returns the {@code i}-th port of the launch (0 is the main one). */
    int port(int i) {
        return ports.get(i);
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server and every process it started: TERM first, KILL after 10 s. Idempotent. */
    @Override
    public void close() {
        RUNNING.remove(this);
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : tree) {
                child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + ports + " (pid " + process.pid() + ", log " + log + ")";
    }

    private static ServerProcess launch(String name, List<String> command, Path log, List<Integer> ports) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Commands.workDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    // No pipe back to the JVM: nothing to drain, no descriptor held open.
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            // Python writes its output at once, so a failure is in the log even when it is killed.
            builder.environment().put("PYTHONUNBUFFERED", "1");
            // A pyenv or virtualenv setting would point the system interpreter at the wrong packages.
            builder.environment().remove("PYTHONPATH");
            builder.environment().remove("PYTHONHOME");
            ServerProcess server = new ServerProcess(name, builder.start(), log, ports);
            RUNNING.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (int p : ports) {
            while (!accepts(p)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(this + " exited with " + process.exitValue()
                            + " before listening on " + p + ":\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(this + " did not listen on " + p + " within "
                            + READY_TIMEOUT.toSeconds() + " s:\n" + tail());
                }
                // Polling a port that is about to open; nothing to wait on instead.
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + this, e);
                }
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }
}
