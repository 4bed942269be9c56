package io.posthaste.internal.session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads, reached without compiling against Java 21: the client is built for Java 17
 * and uses them only when the running JDK has them.
 */
public final class VirtualThreads {

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    private static final ThreadFactory FACTORY = factory();

    private VirtualThreads() {}

    /** Returns whether {@code thread} is a virtual thread (never on a JDK without them). */
    public static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable unexpected) {
            return false;
        }
    }

    /**
     * Returns an executor that runs each task on a new virtual thread, or null on a JDK without
     * them. Wake-ups of virtual threads made from one of these run without waking a carrier
     * thread each: the scheduler queues them behind the running task.
     */
    public static Executor executor() {
        ThreadFactory factory = FACTORY;
        return factory == null ? null : task -> factory.newThread(task).start();
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException absent) {
            return null;
        }
    }

    private static ThreadFactory factory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> type = Class.forName("java.lang.Thread$Builder");
            return (ThreadFactory) type.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError absent) {
            return null;
        }
    }
}
