package io.posthaste.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the process-wide counters the harness reports: CPU time, bytes allocated by all threads,
 * JIT compilation time and resident memory. All are cumulative; callers subtract snapshots.
 */
final class Probe {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    /** JDK 21+ counts terminated threads too; on 17 we fall back to summing live threads. */
    private final Method totalAllocated;

    Probe() {
        Method m;
        try {
            m = com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        } catch (NoSuchMethodException e) {
            m = null;
        }
        totalAllocated = m;
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Returns whether allocation counts include threads that ended during the phase. */
    boolean allocationIncludesDeadThreads() {
        return totalAllocated != null;
    }

    long cpuNanos() {
        return os.getProcessCpuTime();
    }

    long jitMillis() {
        return jit.getTotalCompilationTime();
    }

    long allocatedBytes() {
        if (totalAllocated != null) {
            try {
                return (Long) totalAllocated.invoke(threads);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }

    /** Current resident set in KiB. */
    long rssKib() {
        return statusField("VmRSS:");
    }

    /** Peak resident set in KiB since start or since {@link #resetPeakRss()}. */
    long peakRssKib() {
        return statusField("VmHWM:");
    }

    /** Resets VmHWM to the current RSS (Linux {@code clear_refs} value 5); false if not allowed. */
    boolean resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** A point-in-time reading of the cumulative counters. */
    record Snapshot(long nanoTime, long cpuNanos, long allocated, long jitMillis) {
    }

    Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), cpuNanos(), allocatedBytes(), jitMillis());
    }
}
