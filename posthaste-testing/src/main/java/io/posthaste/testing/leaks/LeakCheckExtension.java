package io.posthaste.testing.leaks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks. After each test: no Netty buffer reported leaked (see
 * {@link RecordingLeakDetector}). After each test class, once its sessions and servers are closed:
 * leaked buffers flushed out by a garbage collection, no more sockets or epoll/event descriptors
 * open than before the class started, and no client or test-server thread ({@code posthaste-io},
 * {@code posthaste-blocking}, {@code posthaste-testserver}) still running. A connection left leased
 * or idle in a pool keeps a socket open, so it fails the class too. An exception that Netty logged
 * rather than handed to a caller fails the test too (see {@link SwallowedExceptions}).
 *
 * <p>Registered for every test of a module by JUnit's extension auto-detection (a
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} file naming this class and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}), so its after-all check runs after
 * the class's own {@code @AfterAll} methods and extensions. Waits are bounded: 10 s at most for
 * descriptors and threads to go. The descriptor check can be turned off for a module whose tests
 * hold a client that cannot be closed (the JDK's {@code HttpClient} before Java 21) with the
 * configuration parameter {@code posthaste.leakcheck.descriptors=false}; the wait with
 * {@code posthaste.leakcheck.settleMillis}.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LeakCheckExtension.class);
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final List<String> OUR_THREADS =
            List.of("posthaste-io", "posthaste-blocking", "posthaste-testserver");
    private static final long DEFAULT_SETTLE_MILLIS = 10_000;

    static {
        // First, before any Netty class makes its logger.
        SwallowedExceptions.install();
        // Netty's epoll support keeps one socket open for the life of the JVM once it has checked
        // the platform: open it now, so that it is part of every class's baseline and the first
        // class to use epoll is not blamed for it.
        try {
            Class.forName("io.netty.channel.epoll.Epoll")
                    .getMethod("isAvailable")
                    .invoke(null);
        } catch (ReflectiveOperationException | LinkageError noEpollOnTheClassPath) {
            // nothing to warm up
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("descriptors", descriptors());
        RecordingLeakDetector.drain(); // earlier classes answer for their own leaks
        SwallowedExceptions.drain();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks(RecordingLeakDetector.drain(), context);
        failOnSwallowed(SwallowedExceptions.drain(), context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        flushLeakDetector();
        failOnLeaks(RecordingLeakDetector.drain(), context);
        failOnSwallowed(SwallowedExceptions.drain(), context);
        Integer before = context.getConfigurationParameter("posthaste.leakcheck.descriptors")
                        .map(Boolean::parseBoolean)
                        .orElse(true)
                ? context.getStore(NAMESPACE).get("descriptors", Integer.class)
                : null;
        long deadline = System.currentTimeMillis()
                + context.getConfigurationParameter("posthaste.leakcheck.settleMillis")
                        .map(Long::parseLong)
                        .orElse(DEFAULT_SETTLE_MILLIS);
        int after = descriptors();
        Set<String> threads = ourThreads();
        // Closing is asynchronous (event loops wind down, sockets close on their loop): wait for it.
        while ((before != null && after > before || !threads.isEmpty()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            after = descriptors();
            threads = ourThreads();
        }
        List<String> problems = new java.util.ArrayList<>();
        if (before != null && after > before) {
            problems.add((after - before) + " socket/event descriptors open (" + before + " before, " + after
                    + " after: " + descriptorNames() + ")");
        }
        if (!threads.isEmpty()) {
            problems.add("threads still running: " + threads);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left " + String.join("; and ", problems)
                    + ": a ClientSession, TestServer, connection or stream was not closed");
        }
    }

    private static void failOnSwallowed(List<String> swallowed, ExtensionContext context) {
        if (!swallowed.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + ": Netty logged " + swallowed.size()
                    + " exception(s) that no caller saw (a call may never complete):\n"
                    + String.join("\n", swallowed));
        }
    }

    private static void failOnLeaks(List<String> leaks, ExtensionContext context) {
        if (!leaks.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + ": Netty reported " + leaks.size()
                    + " leaked buffer(s) (released too few times):\n" + String.join("\n", leaks));
        }
    }

    /**
     * Netty finds a leak when a tracked buffer is collected unreleased, and reports it on a later
     * allocation: collect, then allocate, a few times.
     */
    private static void flushLeakDetector() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
            ByteBuf unpooled = Unpooled.buffer(1);
            unpooled.release();
        }
    }

    /** How many descriptors {@link #descriptorNames()} lists, or 0 where /proc is not there. */
    private static int descriptors() {
        return descriptorNames().size();
    }

    /**
     * The TCP/UDP sockets and epoll/eventfd/timerfd descriptors open now, each as
     * {@code fd->target} plus, for a socket, its kind, addresses and state: what sessions, servers
     * and connections hold. Unix-domain sockets are left out: the JVM opens those for itself (the
     * attach listener, for instance, when an agent such as BlockHound is loaded) and keeps them for
     * its whole life. /proc/net is read once per call, not once per socket.
     */
    private static List<String> descriptorNames() {
        if (!Files.isDirectory(FDS)) {
            return List.of();
        }
        Map<String, String> sockets = socketsByInode();
        List<String> ours = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            fds.forEach(fd -> {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    return;
                }
                if (target.startsWith("anon_inode:")) {
                    ours.add(fd.getFileName() + "->" + target);
                } else if (target.startsWith("socket:[")) {
                    String socket = sockets.getOrDefault(target.substring(8, target.length() - 1), "");
                    if (!socket.startsWith("unix")) {
                        ours.add(fd.getFileName() + "->" + target + " " + socket);
                    }
                }
            });
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            return List.of();
        }
        return ours;
    }

    /** Every socket in /proc/self/net by inode: its table, and for TCP/UDP its addresses and state. */
    private static Map<String, String> socketsByInode() {
        Map<String, String> sockets = new HashMap<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6", "unix", "netlink")) {
            int column = table.equals("unix") ? 6 : 9;
            boolean inet = table.startsWith("tcp") || table.startsWith("udp");
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > column) {
                        sockets.put(f[column], inet ? table + " " + f[1] + " -> " + f[2] + " state " + f[3] : table);
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // /proc/net may be missing or restricted: the inode alone will have to do
            }
        }
        return sockets;
    }

    private static Set<String> ourThreads() {
        Set<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && OUR_THREADS.stream().anyMatch(thread.getName()::startsWith)) {
                names.add(thread.getName());
            }
        }
        return names;
    }
}
