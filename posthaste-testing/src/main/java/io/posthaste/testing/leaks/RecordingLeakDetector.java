package io.posthaste.testing.leaks;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, remembering every leak it reports so a test can fail on it rather than
 * leave a line in a log nobody reads. Netty creates it for every resource type when the JVM runs
 * with {@code -Dio.netty.customResourceLeakDetector=io.posthaste.testing.leaks.RecordingLeakDetector}
 * (the build sets that for every test run, with the level at {@code paranoid}); leaks are still
 * logged as usual. {@link LeakCheckExtension} reads and clears the record.
 *
 * @param <T> the tracked resource type
 */
public class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    /** Called by Netty's detector factory. */
    @SuppressWarnings("deprecation") // Netty's factory calls exactly this constructor, reflectively
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    /** Called by Netty's detector factory. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Returns and forgets the leaks reported so far, each with its access records. */
    public static List<String> drain() {
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        return leaks;
    }

    /** Reports even when the logger would not print: the record is what tests rely on. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no access records)");
        super.reportUntracedLeak(resourceType);
    }
}
