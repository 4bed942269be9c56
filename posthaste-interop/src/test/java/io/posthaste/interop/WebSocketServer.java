package io.posthaste.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running a real WebSocket server for a test class, on 127.0.0.1. The three,
 * each serving the routes of {@code src/test/resources/websockets/ws_app.py} ({@code /echo},
 * {@code /fragments}, {@code /close?code=N}, {@code /headers}, {@code /big?size=N}):
 * <ul>
 * <li>{@link #websockets()}: the {@code websockets} library's server (Debian's
 *     {@code python3-websockets});
 * <li>{@link #aiohttp()}: aiohttp's WebSocket server ({@code src/test/resources/aiohttp/ws_app.py});
 * <li>{@link #nginx()}: nginx proxying WebSocket to the first, on a cleartext and a TLS listener
 *     ({@code src/test/resources/nginx/nginx-ws.conf}, certificate from {@link RunCertificate}).
 * </ul>
 * A missing binary or Python module aborts the class, or fails it on CI ({@link MissingServers});
 * every process is stopped after the last test. Register it as a {@code static} field.
 */
final class WebSocketServer implements BeforeAllCallback, AfterAllCallback {

    /** What a started server listens on: a cleartext port, and a TLS port or 0. */
    private record Running(List<ServerProcess> processes, int port, int tlsPort) {}

    /** Starts the server's processes given its directory and certificate. */
    @FunctionalInterface
    private interface Starter {
        Running start(Path dir, RunCertificate certificate);
    }

    private final String name;
    private final List<Path> executables;
    private final List<String> pythonModules;
    private final Starter starter;
    private final Path dir;
    private volatile Running running;
    private volatile RunCertificate certificate;

    private WebSocketServer(String name, List<Path> executables, List<String> pythonModules, Starter starter) {
        this.name = name;
        this.executables = executables;
        this.pythonModules = pythonModules;
        this.starter = starter;
        this.dir = Commands.workDir().resolve(name);
    }

    /** The {@code websockets} library's server (10.x), permessage-deflate on. */
    static WebSocketServer websockets() {
        return new WebSocketServer(
                "websockets",
                List.of(Commands.PYTHON),
                List.of("websockets"),
                (dir, certificate) -> new Running(List.of(python("websockets", "/websockets/ws_app.py")), 0, 0));
    }

    /** aiohttp 3.8's WebSocket server, permessage-deflate accepted. */
    static WebSocketServer aiohttp() {
        return new WebSocketServer(
                "aiohttp-ws",
                List.of(Commands.PYTHON),
                List.of("aiohttp"),
                (dir, certificate) -> new Running(List.of(python("aiohttp-ws", "/aiohttp/ws_app.py")), 0, 0));
    }

    /** nginx proxying WebSocket (plain and TLS listeners) to the {@code websockets} library's server. */
    static WebSocketServer nginx() {
        return new WebSocketServer(
                "nginx-ws", List.of(Commands.NGINX, Commands.PYTHON), List.of("websockets"), (dir, certificate) -> {
                    ServerProcess backend = python("nginx-ws-backend", "/websockets/ws_app.py");
                    try {
                        Files.createDirectories(dir.resolve("temp"));
                        ServerProcess nginx = ServerProcess.start("nginx-ws", () -> {
                            int port = ServerProcess.freePort();
                            int tlsPort = ServerProcess.freePort();
                            Path conf = writeNginxConfig(dir, port, tlsPort, backend.port());
                            return new ServerProcess.Launch(
                                    List.of(
                                            Commands.NGINX.toString(),
                                            "-p",
                                            dir + "/",
                                            "-c",
                                            conf.toString(),
                                            "-e",
                                            dir.resolve("error.log").toString()),
                                    List.of(port, tlsPort));
                        });
                        return new Running(List.of(nginx, backend), nginx.port(0), nginx.port(1));
                    } catch (IOException | RuntimeException e) {
                        backend.close();
                        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                    }
                });
    }

    private static ServerProcess python(String name, String script) {
        return ServerProcess.start(name, () -> {
            int port = ServerProcess.freePort();
            return new ServerProcess.Launch(
                    List.of(Commands.PYTHON.toString(), RealServer.resource(script), "--port", String.valueOf(port)),
                    List.of(port));
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MissingServers.require(name, executables, pythonModules);
        certificate = RunCertificate.writeTo(dir);
        running = starter.start(dir, certificate);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running stopping = running;
        running = null;
        if (stopping != null) {
            stopping.processes().forEach(ServerProcess::close);
        }
    }

    /** Returns {@code ws://127.0.0.1:<port><path>}. */
    String url(String path) {
        Running current = running();
        return "ws://127.0.0.1:"
                + (current.port() != 0
                        ? current.port()
                        : current.processes().get(0).port()) + path;
    }

    /** Returns {@code wss://127.0.0.1:<TLS port><path>}, or null for a server without TLS. */
    String tlsUrl(String path) {
        Running current = running();
        return current.tlsPort() == 0 ? null : "wss://127.0.0.1:" + current.tlsPort() + path;
    }

    /** Returns a trust manager that trusts exactly this run's certificate. */
    X509TrustManager trustManager() {
        running();
        return certificate.trustManager();
    }

    @Override
    public String toString() {
        return name;
    }

    private Running running() {
        Running current = running;
        if (current == null) {
            throw new IllegalStateException(name + " is not running: register the extension on a static field");
        }
        return current;
    }

    private static Path writeNginxConfig(Path dir, int port, int tlsPort, int backendPort) {
        String template;
        try {
            template = Files.readString(Path.of(RealServer.resource("/nginx/nginx-ws.conf")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read nginx-ws.conf", e);
        }
        // As in NginxServer: as root the workers stay root, or they could not read target/.
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = template.replace("@USER@", root ? "user root;" : "")
                .replace("@PREFIX@", dir.toString())
                .replace("@PORT@", String.valueOf(port))
                .replace("@TLS_PORT@", String.valueOf(tlsPort))
                .replace("@BACKEND_PORT@", String.valueOf(backendPort));
        Path file = dir.resolve("nginx.conf");
        try {
            return Files.writeString(file, conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
