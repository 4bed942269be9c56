package io.posthaste.interop;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension running, for a test class, the real servers the proxy, Unix-socket and
 * mutual-TLS interop tests need, each a child process on 127.0.0.1 with its config, logs and
 * files under {@code target/interop} (nothing under {@code /etc} or {@code /var}, no daemon left
 * behind: {@link ServerProcess} stops each with its process tree):
 * <ul>
 * <li>httpbin under gunicorn, the origin of the examples;
 * <li>nginx in front of it as an HTTPS origin (h2 and HTTP/1.1), on a Unix socket, and as a
 *     mutual-TLS server ({@code ssl_verify_client on}), with certificates from a private CA made
 *     for this run ({@code ca.pem}, a server certificate, a client certificate and key);
 * <li>squid as an HTTP proxy, on one port open to all and on another demanding Basic
 *     credentials ({@link #USER}, {@link #PASSWORD}, checked by squid's {@code basic_ncsa_auth});
 *     and a second squid demanding Digest credentials only ({@code digest_file_auth});
 * <li>squid as an HTTPS proxy: the same nginx, by its stream module, ending TLS (the origins'
 *     certificate) in front of each of squid's two ports and relaying what is inside to it, as
 *     HTTPS proxies are often deployed (squid as Debian builds it has no TLS listener);
 * <li>microsocks as a SOCKS5 proxy demanding a user and password: one command line, no config
 *     file, no system users (dante checks SOCKS passwords against the system's accounts via PAM).
 * </ul>
 */
final class ProxyLab implements BeforeAllCallback, AfterAllCallback {

    static final String USER = "posthaste";
    static final String PASSWORD = "pr0xy-s3cret";
    static final Path SQUID = Path.of("/usr/sbin/squid");
    static final Path SQUID_BASIC_AUTH = Path.of("/usr/lib/squid/basic_ncsa_auth");
    static final Path SQUID_DIGEST_AUTH = Path.of("/usr/lib/squid/digest_file_auth");
    static final Path MICROSOCKS = Path.of("/usr/bin/microsocks");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    /** Debian's libnginx-mod-stream: nginx relaying TCP, here the TLS front of the HTTPS proxy. */
    static final Path NGINX_STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

    private final RealServer httpbin = RealServer.httpbin();
    private final Path nginxDir = Commands.workDir().resolve("proxy-lab-nginx");
    // Under the system's temporary folder, not the build's: squid drops root for its own user,
    // which must reach its logs and password files through every parent folder, and a checkout
    // may live under a folder only root can enter (a CI clone in a private temporary folder).
    private final Path squidDir = openToAll("proxy-lab-squid");
    private final Path squidDigestDir = openToAll("proxy-lab-squid-digest");
    private final Path pkiDir = Commands.workDir().resolve("proxy-lab-pki");
    private final List<ServerProcess> processes = new ArrayList<>();
    private volatile ServerProcess nginx;
    private volatile ServerProcess squid;
    private volatile ServerProcess squidDigest;
    private volatile ServerProcess microsocks;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        MissingServers.require(
                "the proxy lab (nginx with its stream module, squid, microsocks)",
                List.of(Commands.NGINX, SQUID, SQUID_BASIC_AUTH, SQUID_DIGEST_AUTH, MICROSOCKS, OPENSSL),
                List.of(NGINX_STREAM_MODULE),
                List.of());
        httpbin.beforeAll(context);
        writePki();
        // squid first: nginx's TLS front relays to its ports.
        squid = started(ServerProcess.start("proxy-lab-squid", this::launchSquid));
        nginx = started(ServerProcess.start("proxy-lab-nginx", this::launchNginx));
        squidDigest = started(ServerProcess.start("proxy-lab-squid-digest", this::launchDigestSquid));
        microsocks = started(ServerProcess.start("proxy-lab-microsocks", () -> {
            int port = ServerProcess.freePort();
            return new ServerProcess.Launch(
                    List.of(
                            MICROSOCKS.toString(),
                            "-i",
                            "127.0.0.1",
                            "-p",
                            String.valueOf(port),
                            "-u",
                            USER,
                            "-P",
                            PASSWORD),
                    List.of(port));
        }));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (ServerProcess process : processes) {
            process.close();
        }
        processes.clear();
        httpbin.afterAll(context);
    }

    /** Returns httpbin's own URL for {@code path}: {@code http://127.0.0.1:<port><path>}. */
    String httpOrigin(String path) {
        return httpbin.url(path);
    }

    /** Returns nginx's HTTPS URL for {@code path}, in front of httpbin: {@code https://localhost:<port><path>}. */
    String httpsOrigin(String path) {
        return "https://localhost:" + nginx.port(0) + path;
    }

    /** Returns nginx's mutual-TLS URL for {@code path}. */
    String mutualTlsOrigin(String path) {
        return "https://localhost:" + nginx.port(1) + path;
    }

    /** Returns the Unix socket nginx listens on, in front of httpbin. */
    Path unixSocket() {
        return nginxDir.resolve("nginx.sock");
    }

    /** Returns squid's URL: {@code http://127.0.0.1:<port>}, with {@code user:password@} if {@code authed}. */
    String squid(boolean authed) {
        return "http://" + (authed ? USER + ":" + PASSWORD + "@" : "") + "127.0.0.1:" + squid.port(authed ? 1 : 0);
    }

    /**
     * Returns the URL of squid behind nginx's TLS front, an HTTPS proxy:
     * {@code https://127.0.0.1:<port>}, with {@code user:password@} (and squid's Basic-auth port
     * behind it) if {@code authed}. Its certificate is the run's CA's ({@link #caPem()}), for
     * {@code localhost} and {@code 127.0.0.1}.
     */
    String httpsSquid(boolean authed) {
        return "https://" + (authed ? USER + ":" + PASSWORD + "@" : "") + "127.0.0.1:" + nginx.port(authed ? 3 : 2);
    }

    /**
     * Returns whether httpbin logged a request whose target contains {@code path} (gunicorn's access
     * log, written once a response is sent: a request just answered may not be in it yet).
     */
    boolean httpbinLogged(String path) {
        try {
            return Files.readString(httpbin.process().log(), StandardCharsets.UTF_8)
                    .contains(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the Digest-only squid's URL with the credentials: {@code http://user:pw@127.0.0.1:<port>}. */
    String digestSquid() {
        return "http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + squidDigest.port();
    }

    /** Returns microsocks' URL with its credentials, e.g. {@code socks5h://user:pw@127.0.0.1:<port>}. */
    String socks(String scheme) {
        return scheme + "://" + USER + ":" + PASSWORD + "@127.0.0.1:" + microsocks.port();
    }

    /** Returns the run's CA certificate (PEM), the only root the HTTPS origins need. */
    Path caPem() {
        return pkiDir.resolve("ca.pem");
    }

    /** Returns the client certificate's PEM chain, issued by the run's CA. */
    Path clientCertificate() {
        return pkiDir.resolve("client-cert.pem");
    }

    /** Returns the client's private key (PKCS#8 PEM). */
    Path clientKey() {
        return pkiDir.resolve("client-key.pem");
    }

    private ServerProcess started(ServerProcess process) {
        processes.add(process);
        return process;
    }

    /** A private CA, a server certificate for localhost and 127.0.0.1, and a client certificate. */
    private void writePki() {
        try {
            Instant now = Instant.now();
            X509Bundle ca = new CertificateBuilder()
                    .subject("CN=posthaste interop CA")
                    .ecp256()
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .setIsCertificateAuthority(true)
                    .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign, CertificateBuilder.KeyUsage.cRLSign)
                    .buildSelfSigned();
            X509Bundle server = new CertificateBuilder()
                    .subject("CN=localhost")
                    .ecp256()
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .addExtendedKeyUsageServerAuth()
                    .buildIssuedBy(ca);
            X509Bundle client = new CertificateBuilder()
                    .subject("CN=posthaste client,O=interop")
                    .ecp256()
                    .notBefore(now.minus(Duration.ofHours(1)))
                    .notAfter(now.plus(Duration.ofDays(1)))
                    .addExtendedKeyUsageClientAuth()
                    .buildIssuedBy(ca);
            Files.createDirectories(pkiDir);
            Files.createDirectories(nginxDir.resolve("temp"));
            write(pkiDir.resolve("ca.pem"), ca.getCertificatePEM());
            write(nginxDir.resolve("ca.pem"), ca.getCertificatePEM());
            write(nginxDir.resolve("server-cert.pem"), server.getCertificatePEM() + ca.getCertificatePEM());
            write(nginxDir.resolve("server-key.pem"), server.getPrivateKeyPEM());
            write(pkiDir.resolve("client-cert.pem"), client.getCertificatePEM());
            write(pkiDir.resolve("client-key.pem"), client.getPrivateKeyPEM());
        } catch (Exception e) {
            throw new IllegalStateException("could not make the run's certificates in " + pkiDir, e);
        }
    }

    private ServerProcess.Launch launchNginx() {
        int tlsPort = ServerProcess.freePort();
        int mtlsPort = ServerProcess.freePort();
        int proxyTlsPort = ServerProcess.freePort();
        int proxyTlsAuthPort = ServerProcess.freePort();
        try {
            Files.deleteIfExists(unixSocket());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = read(RealServer.resource("/nginx/origins.conf"))
                .replace("@USER@", root ? "user root;" : "")
                .replace("@PREFIX@", nginxDir.toString())
                .replace("@HTTPBIN_PORT@", String.valueOf(httpbin.port()))
                .replace("@TLS_PORT@", String.valueOf(tlsPort))
                .replace("@MTLS_PORT@", String.valueOf(mtlsPort))
                .replace("@STREAM_MODULE@", NGINX_STREAM_MODULE.toString())
                .replace("@PROXY_TLS_PORT@", String.valueOf(proxyTlsPort))
                .replace("@PROXY_TLS_AUTH_PORT@", String.valueOf(proxyTlsAuthPort))
                .replace("@SQUID_PORT@", String.valueOf(squid.port(0)))
                .replace("@SQUID_AUTH_PORT@", String.valueOf(squid.port(1)));
        Path file = write(nginxDir.resolve("nginx.conf"), conf);
        return new ServerProcess.Launch(
                List.of(
                        Commands.NGINX.toString(),
                        "-p",
                        nginxDir + "/",
                        "-c",
                        file.toString(),
                        "-e",
                        nginxDir.resolve("error.log").toString()),
                List.of(tlsPort, mtlsPort, proxyTlsPort, proxyTlsAuthPort));
    }

    private ServerProcess.Launch launchSquid() {
        int port = ServerProcess.freePort();
        int authPort = ServerProcess.freePort();
        try {
            Files.createDirectories(squidDir);
            // Started as root, squid works as its own user ("proxy"), which must write its logs here.
            Files.setPosixFilePermissions(squidDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            write(squidDir.resolve("passwd"), USER + ":" + apr1(PASSWORD) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String conf = read(RealServer.resource("/squid/squid.conf"))
                .replace("@PREFIX@", squidDir.toString())
                .replace("@PORT@", String.valueOf(port))
                .replace("@AUTH_PORT@", String.valueOf(authPort));
        Path file = write(squidDir.resolve("squid.conf"), conf);
        return new ServerProcess.Launch(
                List.of(SQUID.toString(), "-N", "-f", file.toString()), List.of(port, authPort));
    }

    private ServerProcess.Launch launchDigestSquid() {
        int port = ServerProcess.freePort();
        try {
            Files.createDirectories(squidDigestDir);
            Files.setPosixFilePermissions(squidDigestDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            write(squidDigestDir.resolve("digest-passwd"), USER + ":" + PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String conf = read(RealServer.resource("/squid/squid-digest.conf"))
                .replace("@PREFIX@", squidDigestDir.toString())
                .replace("@PORT@", String.valueOf(port));
        Path file = write(squidDigestDir.resolve("squid.conf"), conf);
        return new ServerProcess.Launch(List.of(SQUID.toString(), "-N", "-f", file.toString()), List.of(port));
    }

    /** Hashes a password as htpasswd's {@code -m} does (openssl's apr1), for squid's helper. */
    private static String apr1(String password) {
        try {
            Process hash = new ProcessBuilder(OPENSSL.toString(), "passwd", "-apr1", password)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            String out = new String(hash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (hash.waitFor() != 0 || !out.startsWith("$apr1$")) {
                throw new IllegalStateException("openssl passwd -apr1 failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
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

    private static Path openToAll(String name) {
        try {
            return Files.createTempDirectory("posthaste-" + name + "-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
