package io.posthaste.internal.connection;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;

/**
 * The I/O handler of a caller's own NIO loop: Netty's, with the owner's interrupt left for
 * {@link CallerLoop#drive} to see. When an interrupt ends a select early, Netty's NIO handler
 * clears the flag (on its own threads an interrupt is a stray to step over), so the caller would
 * wait on for its answer; it leaves the select without looking at the flag when its context says
 * it may not block, which this handler's context says once the owner is interrupted. Epoll and
 * kqueue wait in native code that an interrupt does not end, and never touch the flag. Owner only,
 * like the loop.
 */
final class InterruptKeepingIoHandler implements IoHandler {

    private final IoHandler nio;
    private final InterruptAwareContext context = new InterruptAwareContext();

    InterruptKeepingIoHandler(IoHandler nio) {
        this.nio = nio;
    }

    @Override
    public void initialize() {
        nio.initialize();
    }

    @Override
    public int run(IoHandlerContext loopContext) {
        context.loop = loopContext;
        return nio.run(context);
    }

    @Override
    public void prepareToDestroy() {
        nio.prepareToDestroy();
    }

    @Override
    public void destroy() {
        nio.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return nio.register(handle);
    }

    @Override
    public void wakeup() {
        nio.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return nio.isCompatible(handleType);
    }

    /** The loop's context, except that an interrupted owner may not block. */
    private static final class InterruptAwareContext implements IoHandlerContext {

        /** The context of the loop's current run (the loop has one for blocking runs, one not). */
        IoHandlerContext loop;

        @Override
        public boolean canBlock() {
            return loop.canBlock() && !Thread.currentThread().isInterrupted();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return loop.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return loop.deadlineNanos();
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            loop.reportActiveIoTime(activeNanos);
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return loop.shouldReportActiveIoTime();
        }
    }
}
