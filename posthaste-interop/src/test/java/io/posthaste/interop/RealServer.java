package io.posthaste.interop;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running one real server as a child process for a test class: started before
 * the first test, stopped (whole process tree) after the last, also when a test fails. Register it
 * as a {@code static} field with {@code @RegisterExtension}. A missing binary aborts the class, or
 * fails it on CI (see {@link MissingServers}).
 *
 * {@snippet :
 * @RegisterExtension
 * static final RealServer HTTPBIN = RealServer.httpbin();
 * // ... session.get(HTTPBIN.url("/get")) ...
 * }
 */
final class RealServer implements BeforeAllCallback, AfterAllCallback {

    /** Starts the server once its binaries are known to be there. */
    @FunctionalInterface
    interface Starter {
        ServerProcess start();
    }

    private final String name;
    private final List<Path> executables;
    private final List<String> pythonModules;
    private final Starter starter;
    private volatile ServerProcess process;

    RealServer(String name, List<Path> executables, List<String> pythonModules, Starter starter) {
        this.name = name;
        this.executables = executables;
        this.pythonModules = pythonModules;
        this.starter = starter;
    }

    /**
     * httpbin 0.7.0 (Debian's python3-httpbin) under gunicorn's threaded worker: two processes of
     * eight threads each, so {@code /delay} and {@code /drip} do not hold up other requests, and
     * keep-alive on (gunicorn's sync worker would close every connection).
     */
    static RealServer httpbin() {
        return new RealServer(
                "gunicorn-httpbin",
                List.of(Commands.PYTHON, Commands.GUNICORN),
                List.of("httpbin", "gunicorn", "brotli"),
                () -> ServerProcess.start("gunicorn-httpbin", () -> {
                    int port = ServerProcess.freePort();
                    return new ServerProcess.Launch(
                            List.of(
                                    Commands.PYTHON.toString(),
                                    Commands.GUNICORN.toString(),
                                    "--bind",
                                    "127.0.0.1:" + port,
                                    "--worker-class",
                                    "gthread",
                                    "--workers",
                                    "2",
                                    "--threads",
                                    "8",
                                    "--access-logfile",
                                    "-",
                                    "--error-logfile",
                                    "-",
                                    "httpbin:app"),
                            List.of(port));
                }));
    }

    /** The aiohttp 3.8 app in {@code src/test/resources/aiohttp/interop_app.py}. */
    static RealServer aiohttp() {
        return new RealServer(
                "aiohttp-app",
                List.of(Commands.PYTHON),
                List.of("aiohttp"),
                () -> ServerProcess.start("aiohttp-app", () -> {
                    int port = ServerProcess.freePort();
                    return new ServerProcess.Launch(
                            List.of(
                                    Commands.PYTHON.toString(),
                                    resource("/aiohttp/interop_app.py"),
                                    "--port",
                                    String.valueOf(port)),
                            List.of(port));
                }));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MissingServers.require(name, executables, pythonModules);
        process = starter.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ServerProcess running = process;
        process = null;
        if (running != null) {
            running.close();
        }
    }

    /** Returns {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int port() {
        return process().port();
    }

    ServerProcess process() {
        ServerProcess running = process;
        if (running == null) {
            throw new IllegalStateException(name + " is not running: register the extension on a static field");
        }
        return running;
    }

    static String resource(String name) {
        try {
            return Path.of(RealServer.class.getResource(name).toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }
}
