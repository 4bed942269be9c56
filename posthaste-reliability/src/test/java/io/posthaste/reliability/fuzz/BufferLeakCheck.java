package io.posthaste.reliability.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.posthaste.testing.leaks.RecordingLeakDetector;
import java.util.List;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Fails a property if Netty's leak detector (paranoid in tests, recording through
 * {@link RecordingLeakDetector}) reports a buffer that became garbage without being released
 * while the property ran. The JUnit {@code LeakCheckExtension} of the other modules does not see
 * jqwik properties (they do not run on the Jupiter engine), hence this hook.
 */
public final class BufferLeakCheck implements AroundPropertyHook {

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
            PropertyExecutor property) {
        RecordingLeakDetector.drain(); // leaks from before this property are not its own
        PropertyExecutionResult result = property.execute();
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty() && result.status() == PropertyExecutionResult.Status.SUCCESSFUL) {
            return result.mapToFailed(leaks.size() + " buffer(s) leaked; first: " + leaks.get(0));
        }
        return result;
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
