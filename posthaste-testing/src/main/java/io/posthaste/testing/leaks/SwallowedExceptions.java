package io.posthaste.testing.leaks;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Records every exception that Netty logs at WARN or ERROR instead of handing to its caller: a
 * task that threw on an event loop, an exception that reached the end of a pipeline, a listener
 * that threw. Each is a call whose failure nobody saw — a future that may never complete — so
 * {@link LeakCheckExtension} fails the test in which one was logged (security checklist 48).
 *
 * <p>Installed once, before any Netty class makes its logger, by wrapping Netty's default logger
 * factory; the wrapped loggers still log as before. Exceptions logged on the test server's own
 * threads ({@code posthaste-testserver…}) are left out: fault-injection tests make the server see
 * resets and half-written requests on purpose, and it is the client under test here.
 */
final class SwallowedExceptions {

    private static final Set<String> LOGGING_METHODS = Set.of("warn", "error", "log");
    private static final String SERVER_THREADS = "posthaste-testserver";
    private static final List<String> RECORDED = new ArrayList<>();

    private SwallowedExceptions() {}

    /** Wraps Netty's logger factory; idempotent. */
    static synchronized void install() {
        InternalLoggerFactory current = InternalLoggerFactory.getDefaultFactory();
        if (current instanceof Recording) {
            return;
        }
        InternalLoggerFactory.setDefaultFactory(new Recording(current));
    }

    /** Returns what was recorded since the last call, and forgets it. */
    static synchronized List<String> drain() {
        List<String> drained = new ArrayList<>(RECORDED);
        RECORDED.clear();
        return drained;
    }

    private static synchronized void record(String logger, Throwable thrown) {
        java.io.StringWriter trace = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(trace));
        RECORDED.add("[" + Thread.currentThread().getName() + "] " + logger + ": " + trace);
    }

    private static final class Recording extends InternalLoggerFactory {
        private final InternalLoggerFactory delegate;

        Recording(InternalLoggerFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        protected InternalLogger newInstance(String name) {
            InternalLogger logger = delegateLogger(name);
            return (InternalLogger) Proxy.newProxyInstance(
                    InternalLogger.class.getClassLoader(),
                    new Class<?>[] {InternalLogger.class},
                    (proxy, method, args) -> {
                        inspect(name, method, args);
                        try {
                            return method.invoke(logger, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private InternalLogger delegateLogger(String name) {
            try {
                // newInstance is protected, and getInstance would come back here.
                Method create = InternalLoggerFactory.class.getDeclaredMethod("newInstance", String.class);
                create.setAccessible(true);
                return (InternalLogger) create.invoke(delegate, name);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot wrap Netty's logger factory", e);
            }
        }

        private static void inspect(String name, Method method, Object[] args) {
            if (args == null
                    || !LOGGING_METHODS.contains(method.getName())
                    || Thread.currentThread().getName().startsWith(SERVER_THREADS)) {
                return;
            }
            if (method.getName().equals("log")
                    && !(args[0] instanceof io.netty.util.internal.logging.InternalLogLevel level
                            && level.compareTo(io.netty.util.internal.logging.InternalLogLevel.WARN) >= 0)) {
                return;
            }
            Object last = args[args.length - 1];
            if (last instanceof Object[] varargs && varargs.length > 0) {
                last = varargs[varargs.length - 1];
            }
            if (last instanceof Throwable thrown) {
                record(name, thrown);
            }
        }
    }
}
