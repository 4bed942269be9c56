package io.posthaste.internal.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.posthaste.internal.exchange.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands the completions of {@code sendAsync()} futures to the callback executor, batched per
 * event-loop iteration. Why: on a busy loop each response would otherwise wake an executor thread
 * of its own, and a thread woken on the loop's core usually preempts the loop, so every response
 * cost two context switches. Completions made during one iteration of a loop now go to the
 * executor as one task once the iteration's I/O is done: one wake-up per iteration, in the order
 * the responses completed. A completion made on any other thread is handed over at once, as is
 * every completion made on a loop of another kind than Netty's single-thread I/O loops (in a
 * caller-supplied group).
 */
final class CallbackBatcher {

    private final Executor executor;
    private final Batch[] batches;

    CallbackBatcher(EventLoopGroup group, Executor executor) {
        this.executor = executor;
        List<Batch> found = new ArrayList<>();
        for (EventExecutor child : group) {
            // Only an I/O loop runs its after-iteration tasks every iteration (Netty's plain
            // DefaultEventLoop never does): any other kind gets no batching.
            if (child instanceof SingleThreadIoEventLoop loop) {
                found.add(new Batch(loop));
            }
        }
        this.batches = found.toArray(Batch[]::new);
    }

    /** Hands {@code completion} to the callback executor, now or at the end of this iteration. */
    void handOff(Completion<?> completion) {
        for (Batch batch : batches) {
            if (batch.loop.inEventLoop()) {
                batch.add(completion);
                return;
            }
        }
        completion.handTo(executor);
    }

    /** One loop's completions of the current iteration. Touched only by that loop's thread. */
    private final class Batch implements Runnable {
        private final SingleThreadEventLoop loop;
        private List<Completion<?>> pending = new ArrayList<>();

        Batch(SingleThreadEventLoop loop) {
            this.loop = loop;
        }

        void add(Completion<?> completion) {
            pending.add(completion);
            if (pending.size() == 1) {
                try {
                    loop.executeAfterEventLoopIteration(this);
                } catch (RejectedExecutionException shuttingDown) {
                    run();
                }
            }
        }

        /** Sends the iteration's completions to the executor as one task. On the loop. */
        @Override
        public void run() {
            List<Completion<?>> due = pending;
            if (due.isEmpty()) {
                return;
            }
            pending = new ArrayList<>(due.size());
            if (due.size() == 1) {
                due.get(0).handTo(executor);
                return;
            }
            try {
                executor.execute(() -> due.forEach(Completion::run));
            } catch (RuntimeException refusal) {
                due.forEach(completion -> completion.rejected(refusal));
            }
        }
    }
}
