package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Runs a {@link Scenario} in a JVM of its own whose heap and direct memory are capped, for tests
 * that claim bounded memory. Heap in use after a forced collection says nothing about the peak in
 * between; a cap does: the scenario passes only if it never needed more than the cap, since
 * {@code -XX:+ExitOnOutOfMemoryError} ends the child at the first {@link OutOfMemoryError} of the
 * heap, wherever it is thrown (even on an event loop that would log and go on). Direct memory
 * over its cap fails the allocation that asked for it instead, and the client may wrap that
 * failure: scenarios check their calls with {@link #assertFailsWith}, which refuses an
 * out-of-memory error anywhere in the chain.
 *
 * <p>The child runs on this JVM's class path with the serial collector (no regions to round
 * large arrays up to); servers stay in the test's own JVM, so only the client's memory is capped.
 * A child takes about a second; a scenario can make several calls. Instances are immutable.
 *
 * {@snippet :
 * CappedJvm.withHeapMiB(32).run(EndlessStatusLine.class, server.url("/"));
 *
 * static final class EndlessStatusLine implements CappedJvm.Scenario {
 *     public void run(String... args) {
 *         try (ClientSession session = ClientSession.create()) {
 *             CappedJvm.assertFailsWith(ClientPayloadException.class, () -> session.get(args[0]).send(), args[0]);
 *         }
 *     }
 * }
 * }
 */
final class CappedJvm {

    /**
     * What runs in the child: a class with a no-argument constructor (it may be private),
     * typically a nested class of the test. It passes by returning; anything it throws fails the
     * test, with the child's output.
     */
    interface Scenario {
        void run(String... args) throws Exception;
    }

    /**
     * Asserts that {@code call} throws {@code type} (or a {@link java.util.concurrent.CompletionException}
     * around it, as {@code join()} does) and that no {@link OutOfMemoryError} hides among its
     * causes or suppressed exceptions: direct memory running out inside the client must not pass
     * for the typed error a limit gives.
     *
     * @return the failure, unwrapped, for further checks
     */
    static Throwable assertFailsWith(Class<? extends Throwable> type, ThrowingCallable call, String description) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as(description).isNotNull();
        Throwable failure =
                thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        assertThat(failure).as(description).isInstanceOf(type);
        assertThat(outOfMemory(thrown))
                .as("%s: out of memory inside %s", description, thrown)
                .isNull();
        return failure;
    }

    private static OutOfMemoryError outOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError error) {
                return error;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                OutOfMemoryError inside = outOfMemory(suppressed);
                if (inside != null) {
                    return inside;
                }
            }
        }
        return null;
    }

    /** Printed by the child after the scenario returned, so that an early exit cannot pass. */
    private static final String PASSED = "capped scenario passed";

    private static final long TIMEOUT_SECONDS = 120;

    private final int heapMiB;
    private final int directMiB;

    private CappedJvm(int heapMiB, int directMiB) {
        this.heapMiB = heapMiB;
        this.directMiB = directMiB;
    }

    /** Returns a JVM capped at {@code heapMiB} of heap and as much direct memory. */
    static CappedJvm withHeapMiB(int heapMiB) {
        return new CappedJvm(heapMiB, heapMiB);
    }

    /** Returns this JVM with direct memory capped at {@code directMiB} instead. */
    CappedJvm directMiB(int directMiB) {
        return new CappedJvm(heapMiB, directMiB);
    }

    /**
     * Runs {@code scenario} with {@code args} in a new capped JVM and waits for it (at most two
     * minutes).
     *
     * @throws AssertionError when the scenario failed, ran out of memory or timed out; the
     *         message carries the child's output
     * @throws IllegalStateException when interrupted while waiting (the child is then ended)
     */
    void run(Class<? extends Scenario> scenario, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMiB + "m",
                "-XX:MaxDirectMemorySize=" + directMiB + "m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                CappedJvm.class.getName(),
                scenario.getName()));
        command.addAll(Arrays.asList(args));
        // Output to a file, not a pipe: nothing to drain while waiting, no descriptor left open.
        Path output = Files.createTempFile("capped-jvm", ".log");
        try {
            Process child = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean ended = awaitOrEnd(child);
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            String where =
                    scenario.getSimpleName() + " with -Xmx" + heapMiB + "m -XX:MaxDirectMemorySize=" + directMiB + "m";
            assertThat(ended)
                    .as("%s ended within %d s; output:%n%s", where, TIMEOUT_SECONDS, printed)
                    .isTrue();
            assertThat(child.exitValue() == 0 && printed.contains(PASSED))
                    .as("%s passed (exit %d); output:%n%s", where, child.exitValue(), printed)
                    .isTrue();
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Waits for {@code child} up to the timeout; ends it if it is still running then. */
    private static boolean awaitOrEnd(Process child) {
        try {
            if (child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
            child.destroyForcibly().waitFor();
            return false;
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a capped JVM ran", e);
        }
    }

    /** The child's entry point: {@code CappedJvm SCENARIO-CLASS ARGS...}. */
    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            System.out.println("uncaught on " + thread.getName() + ":");
            failure.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(2);
        });
        Constructor<?> constructor = Class.forName(args[0]).getDeclaredConstructor();
        constructor.setAccessible(true);
        Scenario scenario = (Scenario) constructor.newInstance();
        try {
            scenario.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (Throwable failure) {
            failure.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
        System.out.println(PASSED);
        System.out.flush();
        System.exit(0);
    }
}
