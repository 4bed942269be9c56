package io.posthaste.testing.leaks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * or idle in a pool keeps a socket open, so it fails the class too.
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
        // Netty's epoll support keeps one socket open for the life of the JVM once it has checked
        // the platform: open it now, so that it is part of every class's baseline and the first
        // class to use epoll is not blamed for it.
        try {
            Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError noEpollOnTheClassPath) {
            // nothing to warm up
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("descriptors", descriptors());
        RecordingLeakDetector.drain(); // earlier classes answer for their own leaks
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks(RecordingLeakDetector.drain(), context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        flushLeakDetector();
        failOnLeaks(RecordingLeakDetector.drain(), context);
        Integer before = context.getConfigurationParameter("posthaste.leakcheck.descriptors")
                .map(Boolean::parseBoolean).orElse(true)
                ? context.getStore(NAMESPACE).get("descriptors", Integer.class) : null;
        long deadline = System.currentTimeMillis() + context.getConfigurationParameter(
                "posthaste.leakcheck.settleMillis").map(Long::parseLong).orElse(DEFAULT_SETTLE_MILLIS);
        int after = descriptors();
        Set<String> threads = ourThreads();
        // Closing is asynchronous (event loops wind down, sockets close on their loop): wait for it.
        while ((before != null && after > before || !threads.isEmpty())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            after = descriptors();
            threads = ourThreads();
        }
        List<String> problems = new java.util.ArrayList<>();
        if (before != null && after > before) {
            problems.add((after - before) + " socket/event descriptors open (" + before + " before, "
                    + after + " after: " + descriptorNames() + ")");
        }
        if (!threads.isEmpty()) {
            problems.add("threads still running: " + threads);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left " + String.join("; and ", problems)
                    + ": a ClientSession, TestServer, connection or stream was not closed");
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

    /** Sockets and epoll/eventfd descriptors open now, or 0 where /proc is not there. */
    private static int descriptors() {
        if (!Files.isDirectory(FDS)) {
            return 0;
        }
        try (Stream<Path> fds = Files.list(FDS)) {
            return (int) fds.filter(LeakCheckExtension::isSocketOrEvent).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static List<String> descriptorNames() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.filter(LeakCheckExtension::isSocketOrEvent).map(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return fd.getFileName() + "->" + target + describeSocket(target);
                } catch (IOException gone) {
                    return fd.getFileName() + "->closed";
                }
            }).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** For a socket, its kind and addresses from /proc/net, so a failure says what it was. */
    private static String describeSocket(String target) {
        if (!target.startsWith("socket:[")) {
            return "";
        }
        String inode = target.substring(8, target.length() - 1);
        for (String table : List.of("tcp", "tcp6", "udp", "udp6", "unix", "netlink")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                    String[] f = line.trim().split("\\s+");
                    int column = table.equals("unix") ? 6 : 9;
                    if (f.length > column && f[column].equals(inode)) {
                        return " " + table + (table.startsWith("tcp") || table.startsWith("udp")
                                ? " " + f[1] + " -> " + f[2] + " state " + f[3] : "");
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // /proc/net may be missing or restricted: the inode alone will have to do
            }
        }
        return "";
    }

    /**
     * Whether {@code fd} is a TCP or UDP socket or an epoll/eventfd/timerfd descriptor: what
     * sessions, servers and connections hold. Unix-domain sockets are left out: the JVM opens
     * those for itself (the attach listener, for instance, when an agent such as BlockHound is
     * loaded) and keeps them for its whole life.
     */
    private static boolean isSocketOrEvent(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("anon_inode:")) {
                return true;
            }
            return target.startsWith("socket:[") && !describeSocket(target).startsWith(" unix");
        } catch (IOException | UnsupportedOperationException closedMeanwhile) {
            return false;
        }
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
