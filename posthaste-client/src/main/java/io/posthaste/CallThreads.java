package io.posthaste;

import io.posthaste.internal.chain.Call;
import io.posthaste.internal.exchange.Completion;
import io.posthaste.internal.session.VirtualThreads;
import io.posthaste.internal.transport.NettyExchanger;
import java.util.concurrent.CompletableFuture;

/**
 * How a call's result reaches the thread that wants it: a {@code sendAsync()} future is
 * completed on the callback executor (never on an I/O thread), a platform thread in
 * {@code send()} drives its own loop when it may, and a virtual thread is woken without an I/O
 * thread waking its carrier each time. Cancelling a future handed out here cancels the call.
 */
final class CallThreads {

    private final NettyExchanger exchanger;
    private final Call call;

    CallThreads(NettyExchanger exchanger, Call call) {
        this.exchanger = exchanger;
        this.call = call;
    }

    /** Returns a future completed from {@code internal} on the callback executor. */
    <T> CompletableFuture<T> dispatch(CompletableFuture<T> internal) {
        CompletableFuture<T> user = cancelling(internal);
        internal.whenComplete((value, failure) -> exchanger.handOff(new Completion<>(user, value, failure)));
        return user;
    }

    /**
     * Returns the future a blocking call waits on. On a virtual thread it is completed from
     * {@code internal} in a way that wakes the thread cheaply (see {@code Exchanger.wakeVirtual});
     * on any other thread it is {@code internal} itself, whose completion unparks the caller.
     */
    <T> CompletableFuture<T> forBlockingCaller(CompletableFuture<T> internal) {
        if (internal.isDone() || !VirtualThreads.isVirtual(Thread.currentThread())) {
            return internal;
        }
        CompletableFuture<T> waited = cancelling(internal);
        internal.whenComplete((value, failure) -> {
            Completion<T> completion = new Completion<>(waited, value, failure);
            if (!exchanger.wakeVirtual(completion)) {
                completion.run();
            }
        });
        return waited;
    }

    /**
     * Executes {@code request} for a blocking caller: on the calling thread's own event loop when
     * it may drive one (the returned future is then complete, or cancelled if the thread was
     * interrupted), else on the shared loops (see {@link #forBlockingCaller}).
     */
    CompletableFuture<Response> executeBlocking(Request request) {
        CompletableFuture<Response> driven = exchanger.callOnCallerLoop(() -> call.execute(request));
        return driven != null ? driven : forBlockingCaller(call.execute(request));
    }

    private static <T> CompletableFuture<T> cancelling(CompletableFuture<T> internal) {
        return new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                internal.cancel(mayInterruptIfRunning);
                return super.cancel(mayInterruptIfRunning);
            }
        };
    }
}
