package io.posthaste.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running a real HTTP/2 server for a test class, on two 127.0.0.1 ports: one
 * cleartext, speaking h2c to a client with prior knowledge, and one TLS, offering {@code h2} by
 * ALPN with a certificate made for the run ({@link RunCertificate}). Everything it writes (config,
 * document root, logs) goes under {@code target/interop/<name>}. A missing binary aborts the class,
 * or fails it on CI ({@link MissingServers}); the processes are stopped after the last test.
 *
 * <p>Register it as a {@code static} field with {@code @RegisterExtension}. The three servers:
 * <ul>
 * <li>{@link #hypercorn()}: the ASGI echo app ({@code src/test/resources/hypercorn/echo_asgi.py})
 *     under hypercorn, whose HTTP/2 is python-h2;
 * <li>{@link #nginx()}: nginx's own HTTP/2 (static files under {@code /files/}) in front of the same
 *     echo app, which it reaches over HTTP/1.1;
 * <li>{@link #nghttpd()}: nghttp2's reference server: files only, and with {@code --echo-upload}
 *     a POST or PUT body sent back as it came. It speaks either TLS or cleartext, so two run.
 * </ul>
 */
final class Http2Server implements BeforeAllCallback, AfterAllCallback {

    /** What a started server listens on. */
    private record Running(List<ServerProcess> processes, int cleartextPort, int tlsPort) {}

    /** Starts the server's processes given its directory and certificate. */
    @FunctionalInterface
    private interface Starter {
        Running start(Path dir, RunCertificate certificate);
    }

    private final String name;
    private final List<Path> executables;
    private final Starter starter;
    private final Path dir;
    private volatile Running running;
    private volatile RunCertificate certificate;

    private Http2Server(String name, List<Path> executables, Starter starter) {
        this.name = name;
        this.executables = executables;
        this.starter = starter;
        this.dir = Commands.workDir().resolve(name);
    }

    /** The ASGI echo app under hypercorn 0.13: one process, a TLS and a cleartext bind. */
    static Http2Server hypercorn() {
        return new Http2Server("hypercorn", List.of(Commands.PYTHON, Commands.HYPERCORN), (dir, certificate) -> {
            ServerProcess process = ServerProcess.start("hypercorn", () -> {
                int port = ServerProcess.freePort();
                int tlsPort = ServerProcess.freePort();
                return new ServerProcess.Launch(
                        hypercornCommand(List.of(
                                "--certfile",
                                certificate.certificate().toString(),
                                "--keyfile",
                                certificate.privateKey().toString(),
                                "--bind",
                                "127.0.0.1:" + tlsPort,
                                "--insecure-bind",
                                "127.0.0.1:" + port)),
                        List.of(port, tlsPort));
            });
            return new Running(List.of(process), process.port(0), process.port(1));
        });
    }

    /**
     * nginx 1.22 with {@code http2} on a cleartext and a TLS listener (config:
     * {@code src/test/resources/nginx/nginx-h2.conf}), in front of the echo app under hypercorn.
     */
    static Http2Server nginx() {
        return new Http2Server(
                "nginx-h2", List.of(Commands.NGINX, Commands.PYTHON, Commands.HYPERCORN), (dir, certificate) -> {
                    createDirectories(dir.resolve("temp"));
                    ServerProcess backend = ServerProcess.start("nginx-h2-backend", () -> {
                        int port = ServerProcess.freePort();
                        return new ServerProcess.Launch(
                                hypercornCommand(List.of("--bind", "127.0.0.1:" + port)), List.of(port));
                    });
                    try {
                        ServerProcess nginx = ServerProcess.start("nginx-h2", () -> {
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
                    } catch (RuntimeException e) {
                        backend.close();
                        throw e;
                    }
                });
    }

    /**
     * nghttpd 1.52 with {@code --echo-upload}, serving {@link #documentRoot()}: one process with
     * {@code --no-tls} (h2c by prior knowledge) and one with the certificate (h2 by ALPN).
     */
    static Http2Server nghttpd() {
        return new Http2Server("nghttpd", List.of(Commands.NGHTTPD), (dir, certificate) -> {
            List<String> common = List.of(
                    Commands.NGHTTPD.toString(),
                    "--echo-upload",
                    "--address=127.0.0.1",
                    "--htdocs=" + dir.resolve("html"));
            ServerProcess cleartext = ServerProcess.start("nghttpd-h2c", () -> {
                int port = ServerProcess.freePort();
                List<String> command = new ArrayList<>(common);
                command.addAll(List.of("--no-tls", String.valueOf(port)));
                return new ServerProcess.Launch(command, List.of(port));
            });
            try {
                ServerProcess tls = ServerProcess.start("nghttpd-tls", () -> {
                    int port = ServerProcess.freePort();
                    List<String> command = new ArrayList<>(common);
                    command.addAll(List.of(
                            String.valueOf(port),
                            certificate.privateKey().toString(),
                            certificate.certificate().toString()));
                    return new ServerProcess.Launch(command, List.of(port));
                });
                return new Running(List.of(cleartext, tls), cleartext.port(), tls.port());
            } catch (RuntimeException e) {
                cleartext.close();
                throw e;
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MissingServers.require(
                name, executables, executables.contains(Commands.HYPERCORN) ? List.of("hypercorn") : List.of());
        createDirectories(documentRoot());
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

    /** Returns {@code http://127.0.0.1:<cleartext port><path>}: h2c, by prior knowledge only. */
    String h2cUrl(String path) {
        return "http://127.0.0.1:" + running().cleartextPort() + path;
    }

    /** Returns {@code https://127.0.0.1:<TLS port><path>}: h2 (or http/1.1) by ALPN. */
    String h2Url(String path) {
        return "https://127.0.0.1:" + running().tlsPort() + path;
    }

    /** Returns a trust manager that trusts exactly this run's certificate. */
    X509TrustManager trustManager() {
        running();
        return certificate.trustManager();
    }

    /**
     * Returns the directory nghttpd serves under {@code /} and nginx under {@code /files/} (as
     * {@code html/files}); hypercorn serves no files.
     */
    Path documentRoot() {
        return dir.resolve("html");
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

    private static List<String> hypercornCommand(List<String> binds) {
        List<String> command = new ArrayList<>(List.of(
                Commands.PYTHON.toString(),
                Commands.HYPERCORN.toString(),
                "--access-logfile",
                "-",
                "--error-logfile",
                "-"));
        command.addAll(binds);
        // hypercorn puts the directory of a module given by path on sys.path before importing it.
        String module = RealServer.resource("/hypercorn/echo_asgi.py");
        command.add(module.substring(0, module.length() - ".py".length()) + ":app");
        return command;
    }

    private static Path writeNginxConfig(Path dir, int port, int tlsPort, int backendPort) {
        String template;
        try {
            template = Files.readString(Path.of(RealServer.resource("/nginx/nginx-h2.conf")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read nginx-h2.conf", e);
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

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + path, e);
        }
    }
}
