package io.posthaste.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.posthaste.internal.exchange.Completion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackBatcherTest {

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "callbacks"));

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        callbacks.shutdownNow();
    }

    @Test
    void completionsMadeInOneLoopIterationReachTheExecutorAsOneTaskInOrder() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        Executor counting = task -> {
            tasks.incrementAndGet();
            callbacks.execute(task);
        };
        CallbackBatcher batcher = new CallbackBatcher(loops, counting);
        List<CompletableFuture<Integer>> sources = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sources.add(new CompletableFuture<>());
        }
        List<CompletableFuture<Object>> seen = new ArrayList<>();
        for (CompletableFuture<Integer> source : sources) {
            seen.add(source.thenApply(value -> (Object) (Thread.currentThread().getName() + ":" + value)));
        }

        loops.next()
                .submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        batcher.handOff(new Completion<>(sources.get(i), i, null));
                    }
                })
                .sync();

        List<Object> results = new ArrayList<>();
        for (CompletableFuture<Object> stage : seen) {
            results.add(stage.get(5, TimeUnit.SECONDS));
        }
        assertThat(results).containsExactly("callbacks:0", "callbacks:1", "callbacks:2", "callbacks:3", "callbacks:4");
        assertThat(tasks.get())
                .as("executor tasks for one iteration's five completions")
                .isOne();
    }

    @Test
    void aCompletionFromAnyOtherThreadIsHandedOverAtOnce() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        CallbackBatcher batcher = new CallbackBatcher(loops, task -> {
            tasks.incrementAndGet();
            callbacks.execute(task);
        });
        CompletableFuture<String> future = new CompletableFuture<>();
        CompletableFuture<String> where =
                future.thenApply(v -> Thread.currentThread().getName());

        batcher.handOff(new Completion<>(future, "done", null));

        assertThat(where.get(5, TimeUnit.SECONDS)).isEqualTo("callbacks");
        assertThat(tasks.get()).isOne();
    }

    @Test
    void aRefusingExecutorStillCompletesEveryFutureWithItsFailureOrTheRefusal() throws Exception {
        CallbackBatcher batcher = new CallbackBatcher(loops, task -> {
            throw new RejectedExecutionException("shut down");
        });
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        IOException cause = new IOException("connection reset");

        loops.next()
                .submit(() -> {
                    batcher.handOff(new Completion<>(ok, "value", null));
                    batcher.handOff(new Completion<>(failed, null, cause));
                })
                .sync();

        assertThatThrownBy(() -> ok.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCause(cause);
    }
}
