package io.posthaste.reliability.soak;

import io.netty.util.internal.PlatformDependent;
import io.posthaste.PoolStats;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One reading of the process's resources during the soak.
 *
 * @param seconds since the start
 * @param done requests finished so far (any outcome)
 * @param failed requests that ended with an exception so far
 * @param heapAfterGc heap used right after a full collection, bytes
 * @param nettyDirect Netty's count of direct memory in use, bytes (-1 if Netty does not count)
 * @param jdkDirect the JDK's "direct" buffer pool, bytes
 * @param fds open file descriptors of this process
 * @param threads live threads
 * @param pool the client's pool at that moment
 */
record Sample(
        long seconds,
        long done,
        long failed,
        long heapAfterGc,
        long nettyDirect,
        long jdkDirect,
        int fds,
        int threads,
        PoolStats pool) {

    static final String HEADER = String.format(
            "%6s %8s %8s %10s %12s %12s %5s %7s %6s %5s %5s %5s",
            "t(s)",
            "done",
            "failed",
            "heap(MiB)",
            "nettyDir(KiB)",
            "jdkDir(KiB)",
            "fds",
            "threads",
            "leased",
            "idle",
            "conn",
            "wait");

    /** Takes a sample; runs a full GC first so that heap figures are comparable. */
    static Sample take(long seconds, long done, long failed, PoolStats pool) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
        return new Sample(
                seconds,
                done,
                failed,
                heap,
                PlatformDependent.usedDirectMemory(),
                jdkDirect,
                openFds(),
                ManagementFactory.getThreadMXBean().getThreadCount(),
                pool);
    }

    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    String row() {
        return String.format(
                "%6d %8d %8d %10.1f %12d %12d %5d %7d %6d %5d %5d %5d",
                seconds,
                done,
                failed,
                heapAfterGc / 1048576.0,
                nettyDirect < 0 ? -1 : nettyDirect / 1024,
                jdkDirect / 1024,
                fds,
                threads,
                pool.leased(),
                pool.idle(),
                pool.connecting(),
                pool.waiting());
    }
}
