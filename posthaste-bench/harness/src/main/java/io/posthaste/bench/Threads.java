package io.posthaste.bench;

import java.util.concurrent.ThreadFactory;

/** Thread factories; virtual threads through reflection because the harness compiles for Java 17. */
final class Threads {

    private Threads() {
    }

    static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    static ThreadFactory virtual() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("virtual threads need JDK 21+", e);
        }
    }

    static ThreadFactory platform(String prefix) {
        int[] n = {0};
        return r -> new Thread(r, prefix + "-" + n[0]++);
    }
}
