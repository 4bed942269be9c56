package io.posthaste.interop;

import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running caddy 2.6 (Debian bookworm's) for a test class: one HTTPS listener on
 * a free 127.0.0.1 port that speaks HTTP/1.1 and HTTP/2 over TCP and HTTP/3 over UDP on the same
 * port number, advertising HTTP/3 from its TCP answers with {@code Alt-Svc: h3=":PORT"; ma=2592000}.
 * Its certificate is made for the run ({@link RunCertificate}: {@code localhost} and
 * {@code 127.0.0.1}); trust {@link #certificate()} or {@link #trustManager()} and nothing else.
 *
 * <p>Routes (config: {@code src/test/resources/caddy/caddy.json}):
 * <ul>
 * <li>{@code /hello}: caddy's own {@code static_response}, {@value #HELLO} as {@code text/plain};
 * <li>{@code /files/NAME}: caddy's {@code file_server} over {@link #filesDir()}, with ranges and
 *     {@code HEAD}; {@link #writeRandomFile} makes a download of any size;
 * <li>everything else: caddy's {@code reverse_proxy} (streaming both ways, {@code flush_interval -1})
 *     to a posthaste-testing {@link TestServer} on HTTP/1.1, so its httpbin-style echo routes answer
 *     through caddy: {@code /anything}, {@code /get}, {@code /post}, {@code /status/N},
 *     {@code /bytes/N}, {@code /delay/S}, and {@code /sink}, which measures an upload of any size
 *     (bytes and SHA-256, as JSON) without keeping it. {@link #upstream()} can script answers and
 *     take the requests as caddy forwarded them (with its {@code X-Forwarded-*} fields).
 * </ul>
 *
 * <p>Nothing leaves {@code target/interop/caddy}: the admin endpoint is off, automatic HTTPS (ACME)
 * is off, storage is there and {@code HOME}, {@code XDG_DATA_HOME} and {@code XDG_CONFIG_HOME}
 * point there too. Startup waits until both the TCP and the UDP port are bound (20 s at most);
 * stopping gives caddy 1 s of grace, then {@link ServerProcess} kills it after 10 s. A missing
 * {@code /usr/bin/caddy} aborts the class, or fails it on CI ({@link MissingServers}).
 *
 * {@snippet :
 * @RegisterExtension
 * static final CaddyServer CADDY = new CaddyServer();
 * // ... GET CADDY.url("/hello") over h2, then HTTP/3 on CADDY.port() by its Alt-Svc ...
 * }
 */
final class CaddyServer implements BeforeAllCallback, AfterAllCallback {

    /** The body of {@code /hello}. */
    static final String HELLO = "Hello from caddy\n";

    private final Path dir = Commands.workDir().resolve("caddy");
    private volatile ServerProcess process;
    private volatile TestServer upstream;
    private volatile RunCertificate certificate;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        MissingServers.require("caddy", List.of(Commands.CADDY), List.of());
        Files.createDirectories(filesDir());
        Files.createDirectories(dir.resolve("home"));
        certificate = RunCertificate.writeTo(dir);
        upstream = TestServer.start();
        try {
            process = ServerProcess.start("caddy", () -> {
                int port = ServerProcess.freePort();
                Path config = writeConfig(port, upstream.port());
                Path home = dir.resolve("home");
                // env(1) sets the variables and execs caddy, so the process stopped is caddy itself.
                return new ServerProcess.Launch(
                        List.of(
                                "/usr/bin/env",
                                "HOME=" + home,
                                "XDG_DATA_HOME=" + home.resolve("data"),
                                "XDG_CONFIG_HOME=" + home.resolve("config"),
                                Commands.CADDY.toString(),
                                "run",
                                "--config",
                                config.toString()),
                        List.of(port));
            });
            awaitUdp(process);
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ServerProcess running = process;
        process = null;
        if (running != null) {
            running.close();
        }
        TestServer echo = upstream;
        upstream = null;
        if (echo != null) {
            echo.close();
        }
    }

    /** Returns the port caddy listens on: TCP for HTTP/1.1 and HTTP/2, UDP for HTTP/3. */
    int port() {
        return running().port();
    }

    /** Returns {@code https://localhost:<port><path>}; the certificate names {@code localhost}. */
    String url(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with \"/\": " + path);
        }
        return "https://localhost:" + port() + path;
    }

    /** Returns {@link #url(String)} as a URI. */
    URI uri(String path) {
        return URI.create(url(path));
    }

    /** Returns the run's certificate: its PEM file, the certificate and a trust manager for it. */
    RunCertificate certificate() {
        RunCertificate made = certificate;
        if (made == null) {
            throw new IllegalStateException("caddy is not running: register the extension on a static field");
        }
        return made;
    }

    /** Returns the only certificate a client must trust (self-signed, so its own trust anchor). */
    X509Certificate caCertificate() {
        return certificate().x509();
    }

    /** Returns a trust manager that trusts exactly this run's caddy certificate. */
    X509TrustManager trustManager() {
        return certificate().trustManager();
    }

    /** Returns the directory served under {@code /files/}. */
    Path filesDir() {
        return dir.resolve("www").resolve("files");
    }

    /**
     * Writes {@code size} pseudo-random (incompressible) bytes as {@code name} in {@link #filesDir()}
     * and returns the file, served at {@code url("/files/" + name)}; {@link TestFiles#sha256(Path)}
     * gives its digest. Sizes of gibibytes are fine: it is written a mebibyte at a time.
     */
    Path writeRandomFile(String name, long size, long seed) {
        if (name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("a plain file name, please: " + name);
        }
        Path made = TestFiles.random("caddy-" + name, size, seed);
        try {
            return Files.move(made, filesDir().resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + made + " into " + filesDir(), e);
        }
    }

    /**
     * Returns the TestServer behind caddy's {@code reverse_proxy} (plain HTTP/1.1): enqueue scripted
     * answers on it or take the requests caddy forwarded.
     */
    TestServer upstream() {
        TestServer echo = upstream;
        if (echo == null) {
            throw new IllegalStateException("caddy is not running: register the extension on a static field");
        }
        return echo;
    }

    /** Returns caddy's log file (JSON lines). */
    Path log() {
        return running().log();
    }

    private ServerProcess running() {
        ServerProcess running = process;
        if (running == null) {
            throw new IllegalStateException("caddy is not running: register the extension on a static field");
        }
        return running;
    }

    private Path writeConfig(int port, int upstreamPort) {
        String conf = read(RealServer.resource("/caddy/caddy.json"))
                .replace("@DIR@", dir.toString())
                .replace("@CERT@", certificate.certificate().toString())
                .replace("@KEY@", certificate.privateKey().toString())
                .replace("@PORT@", String.valueOf(port))
                .replace("@UPSTREAM@", String.valueOf(upstreamPort));
        Path file = dir.resolve("caddy.json");
        try {
            return Files.writeString(file, conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * Waits until caddy has bound its UDP port too: {@link ServerProcess} only knows how to wait for
     * TCP. Reads the kernel's socket table rather than probing with a bind of its own, which could
     * take the port from caddy.
     */
    private static void awaitUdp(ServerProcess server) {
        Path table = Path.of("/proc/net/udp");
        if (!Files.isReadable(table)) {
            return; // not Linux: HTTP/3 clients then retry their handshake as usual
        }
        String local = String.format(Locale.ROOT, "0100007F:%04X", server.port());
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (Files.readAllLines(table).stream()
                        .anyMatch(line -> line.trim().split("\\s+")[1].equals(local))) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + table, e);
            }
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        server + " did not bind UDP 127.0.0.1:" + server.port() + " for HTTP/3 (see its log)");
            }
            // Polling a socket that is about to be bound; nothing to wait on instead.
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server, e);
            }
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
