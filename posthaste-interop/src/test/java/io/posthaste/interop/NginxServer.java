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
 * A JUnit 5 extension running nginx for a test class: a config generated under
 * {@code target/interop/nginx} (run with {@code -p} and {@code -e} there, so nothing touches
 * {@code /etc/nginx} or {@code /var/log}), a plain and a TLS listener on free 127.0.0.1 ports, a
 * document root, and a self-signed certificate made for this run ({@link RunCertificate}). What
 * the config sets, and why, is in {@code nginx.conf} in the test resources.
 */
final class NginxServer implements BeforeAllCallback, AfterAllCallback {

    private final Path prefix = Commands.workDir().resolve("nginx");
    private volatile ServerProcess process;
    private volatile X509TrustManager trustManager;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        MissingServers.require("nginx", List.of(Commands.NGINX), List.of());
        Files.createDirectories(prefix.resolve("html"));
        Files.createDirectories(prefix.resolve("temp"));
        trustManager = RunCertificate.writeTo(prefix).trustManager();
        process = ServerProcess.start("nginx", () -> {
            int port = ServerProcess.freePort();
            int tlsPort = ServerProcess.freePort();
            Path conf = writeConfig(port, tlsPort);
            return new ServerProcess.Launch(
                    List.of(
                            Commands.NGINX.toString(),
                            "-p",
                            prefix + "/",
                            "-c",
                            conf.toString(),
                            "-e",
                            prefix.resolve("error.log").toString()),
                    List.of(port, tlsPort));
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ServerProcess running = process;
        process = null;
        if (running != null) {
            running.close();
        }
    }

    /** Returns the document root; files written there are served under {@code /}. */
    Path documentRoot() {
        return prefix.resolve("html");
    }

    /** Returns {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + running().port(0) + path;
    }

    /** Returns {@code https://127.0.0.1:<tls port><path>}. */
    String httpsUrl(String path) {
        return "https://127.0.0.1:" + running().port(1) + path;
    }

    /** Returns a trust manager that trusts exactly this run's nginx certificate. */
    X509TrustManager trustManager() {
        return trustManager;
    }

    private ServerProcess running() {
        ServerProcess running = process;
        if (running == null) {
            throw new IllegalStateException("nginx is not running: register the extension on a static field");
        }
        return running;
    }

    private Path writeConfig(int port, int tlsPort) {
        String template = read(RealServer.resource("/nginx/nginx.conf"));
        // nginx switches its workers to an unprivileged user only when started as root; that user
        // could not read target/, so as root the workers stay root (all on 127.0.0.1, test files only).
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = template.replace("@USER@", root ? "user root;" : "")
                .replace("@PREFIX@", prefix.toString())
                .replace("@PORT@", String.valueOf(port))
                .replace("@TLS_PORT@", String.valueOf(tlsPort));
        Path file = prefix.resolve("nginx.conf");
        try {
            return Files.writeString(file, conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path, e);
        }
    }
}
