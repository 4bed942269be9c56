package io.posthaste.reliability.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.posthaste.testing.leaks.RecordingLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test if Netty's leak detector (paranoid in tests, recording through
 * {@link RecordingLeakDetector}) reports a buffer that became garbage without being released
 * while the test ran. Registered with {@code @ExtendWith(BufferLeakCheck.class)} on each
 * property class: this module does not auto-detect posthaste-testing's
 * {@code LeakCheckExtension}, whose descriptor and thread checks suit the client's unit tests
 * rather than a fuzz run, so only the buffer check is taken here.
 *
 * <p>If the test itself failed, JUnit adds the leak report to that failure as a suppressed
 * exception, so the property's own failure stays the one reported first.
 */
public final class BufferLeakCheck implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RecordingLeakDetector.drain(); // leaks from before this test are not its own
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(
                    context.getDisplayName() + ": " + leaks.size() + " buffer(s) leaked; first: " + leaks.get(0));
        }
    }

    /**
     * Returns the leaks reported after a few collections. The detector reports a leak only
     * when it tracks a new buffer after the leaked one was collected, so each round allocates.
     */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(16);
            direct.release();
            ByteBuf heap = Unpooled.buffer(16);
            heap.release();
        }
        return RecordingLeakDetector.drain();
    }
}
