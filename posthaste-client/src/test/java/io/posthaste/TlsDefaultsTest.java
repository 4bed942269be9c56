package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.posthaste.testing.TestServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS is verified by default and cannot be talked out of it by a certificate: expired, not yet
 * valid, issued for another name, self-signed, from an unknown authority, naming the host only in
 * its common name — each is a TLS failure, even when the client trusts the issuing authority. The
 * client offers TLS 1.3 and 1.2 only, and names the host (SNI). A connection is reused only by a
 * request it would have satisfied when it was opened: never by one for another host name on the
 * same address, nor by https on a plain connection. Certificates are made here.
 */
class TlsDefaultsTest {

    private static final Instant NOW = Instant.now();
    private static X509Bundle authority;
    private static X509TrustManager trustingTheAuthority;

    @BeforeAll
    static void makeAuthority() throws Exception {
        authority = new CertificateBuilder()
                .subject("CN=Posthaste Test Root")
                .setIsCertificateAuthority(true)
                .notBefore(NOW.minus(Duration.ofDays(1)))
                .notAfter(NOW.plus(Duration.ofDays(1)))
                .ecp256()
                .buildSelfSigned();
        trustingTheAuthority = (X509TrustManager) authority.toTrustManager();
    }

    private static CertificateBuilder leaf() {
        return new CertificateBuilder()
                .subject("CN=localhost")
                .ecp256()
                .addExtendedKeyUsageServerAuth()
                .notBefore(NOW.minus(Duration.ofHours(1)))
                .notAfter(NOW.plus(Duration.ofHours(1)));
    }

    /** Returns the status, or throws what the client threw, for a GET to {@code host} on {@code server}. */
    private static int get(TlsFixtureServer server, String host, X509TrustManager trust) {
        ClientSession.Builder builder = ClientSession.builder();
        if (trust != null) {
            builder.trustManager(trust);
        }
        try (ClientSession session = builder.build()) {
            return session.get("https://" + host + ":" + server.port() + "/")
                    .send()
                    .status();
        }
    }

    private static void assertTlsFailure(X509Bundle certificate, String host) throws Exception {
        try (TlsFixtureServer server = TlsFixtureServer.presenting(certificate)) {
            for (X509TrustManager trust : new X509TrustManager[] {trustingTheAuthority, null}) {
                assertThatThrownBy(() -> get(server, host, trust))
                        .as("trusting %s", trust == null ? "the JDK's roots" : "the test authority")
                        .isInstanceOfSatisfying(
                                ClientConnectionException.class,
                                e -> assertThat(e.isTlsFailure()).isTrue());
            }
        }
    }

    @Test
    void aCertificateFromATrustedAuthorityForTheHostIsAccepted() throws Exception {
        X509Bundle good = leaf().addSanDnsName("localhost").buildIssuedBy(authority);
        try (TlsFixtureServer server = TlsFixtureServer.presenting(good)) {
            assertThat(get(server, "localhost", trustingTheAuthority)).isEqualTo(200);
        }
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        assertTlsFailure(
                leaf().addSanDnsName("localhost")
                        .notBefore(NOW.minus(Duration.ofDays(2)))
                        .notAfter(NOW.minus(Duration.ofHours(1)))
                        .buildIssuedBy(authority),
                "localhost");
    }

    @Test
    void aCertificateNotYetValidIsRefused() throws Exception {
        assertTlsFailure(
                leaf().addSanDnsName("localhost")
                        .notBefore(NOW.plus(Duration.ofHours(1)))
                        .notAfter(NOW.plus(Duration.ofDays(2)))
                        .buildIssuedBy(authority),
                "localhost");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        assertTlsFailure(
                leaf().subject("CN=other.example")
                        .addSanDnsName("other.example")
                        .buildIssuedBy(authority),
                "localhost");
    }

    @Test
    void aCertificateNamingTheHostOnlyInItsCommonNameIsRefused() throws Exception {
        // RFC 6125 / RFC 9110 §4.3.4: a client must not fall back to the CN when there is no SAN.
        assertTlsFailure(leaf().buildIssuedBy(authority), "localhost");
    }

    @Test
    void aNameOnlyCertificateDoesNotCoverTheHostsIpAddress() throws Exception {
        assertTlsFailure(leaf().addSanDnsName("localhost").buildIssuedBy(authority), "127.0.0.1");
    }

    @Test
    void aSelfSignedCertificateIsRefused() throws Exception {
        assertTlsFailure(
                leaf().addSanDnsName("localhost")
                        .setIsCertificateAuthority(true)
                        .buildSelfSigned(),
                "localhost");
    }

    @Test
    void aCertificateFromAnUnknownAuthorityIsRefused() throws Exception {
        X509Bundle stranger = new CertificateBuilder()
                .subject("CN=Stranger Root")
                .setIsCertificateAuthority(true)
                .notBefore(NOW.minus(Duration.ofDays(1)))
                .notAfter(NOW.plus(Duration.ofDays(1)))
                .ecp256()
                .buildSelfSigned();
        assertTlsFailure(leaf().addSanDnsName("localhost").buildIssuedBy(stranger), "localhost");
    }

    @Test
    void aRefusedCertificateIsNotRetriedAndEachSessionKeepsItsOwnTrust() throws Exception {
        X509Bundle good = leaf().addSanDnsName("localhost").buildIssuedBy(authority);
        try (TlsFixtureServer server = TlsFixtureServer.presenting(good);
                ClientSession retrying = ClientSession.builder()
                        .retryPolicy(RetryPolicy.builder()
                                .maxAttempts(3)
                                .initialBackoff(Duration.ofMillis(10))
                                .build())
                        .build()) {
            assertThatThrownBy(() -> retrying.get("https://localhost:" + server.port() + "/")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue());
            assertThat(server.accepted())
                    .as("a certificate failure is final: no retry")
                    .isEqualTo(1);
            // The session that trusts the authority is not affected by the one that does not.
            assertThat(get(server, "localhost", trustingTheAuthority)).isEqualTo(200);
        }
    }

    /**
     * How a test sends: {@code send()} on this platform thread (its own event loop keeps the
     * connection) or {@code sendAsync()} (the shared pool keeps it).
     */
    enum CallPath {
        CALLER_DRIVEN,
        SHARED_POOL;

        Response get(ClientSession session, String url) {
            RequestBuilder request = session.get(url);
            return this == CALLER_DRIVEN ? request.send() : request.sendAsync().join();
        }
    }

    private static ClientSession loopbackSession(X509TrustManager trust) {
        return ClientSession.builder()
                .trustManager(trust)
                .resolver(host -> List.of(InetAddress.getLoopbackAddress()))
                .build();
    }

    private static void assertRefusedAsTls(CallPath path, ClientSession session, String url) {
        assertThatThrownBy(() -> path.get(session, url))
                .as(url)
                .satisfies(e -> assertThat(e instanceof CompletionException ? e.getCause() : e)
                        .isInstanceOfSatisfying(
                                ClientConnectionException.class,
                                c -> assertThat(c.isTlsFailure())
                                        .as("a TLS failure, not: %s (cause %s)", c, c.getCause())
                                        .isTrue()));
    }

    @ParameterizedTest
    @EnumSource(CallPath.class)
    void aConnectionCheckedForOneHostNameIsNeverReusedForAnotherOnTheSameAddress(CallPath path) {
        // The certificate names localhost; both names lead to the same address and port.
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = loopbackSession(server.trustManager())) {
            assertThat(path.get(session, "https://localhost:" + server.port() + "/get")
                            .status())
                    .isEqualTo(200);
            assertRefusedAsTls(path, session, "https://elsewhere.test:" + server.port() + "/get");
            assertThat(server.connectionCount())
                    .as("the stricter request opened its own connection")
                    .isEqualTo(2);
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(CallPath.class)
    void anHttpsRequestNeverReusesAPlainConnectionToTheSameHostAndPort(CallPath path) {
        try (TestServer plain = TestServer.start();
                ClientSession session = loopbackSession(trustingTheAuthority)) {
            assertThat(path.get(session, "http://localhost:" + plain.port() + "/get")
                            .status())
                    .isEqualTo(200);
            assertRefusedAsTls(path, session, "https://localhost:" + plain.port() + "/get");
            assertThat(plain.connectionCount())
                    .as("the https request opened its own connection")
                    .isEqualTo(2);
            assertThat(plain.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void theClientOffersOnlyTls13And12AndNamesTheHost() throws Exception {
        try (ServerSocket listener = TlsFixtureServer.plainListener();
                ClientSession session = ClientSession.builder()
                        .timeouts(Timeouts.builder()
                                .tlsHandshake(Duration.ofSeconds(2))
                                .build())
                        .build()) {
            CompletableFuture<Response> call = session.get("https://localhost:" + listener.getLocalPort() + "/")
                    .sendAsync();
            listener.setSoTimeout(5_000);
            ClientHello hello;
            try (Socket socket = listener.accept()) {
                hello = ClientHello.read(new DataInputStream(socket.getInputStream()));
            }
            assertThat(hello.supportedVersions()).containsExactlyInAnyOrder(0x0304, 0x0303);
            assertThat(hello.serverName()).isEqualTo("localhost");
            // The listener hung up on the ClientHello: a TLS failure, as a refusing server's is.
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue())
                    .hasMessageContaining("the server closed the connection during the TLS handshake");
        }
    }

    /** The two extensions of a TLS ClientHello this test cares about (RFC 8446 §4.1.2, RFC 6066 §3). */
    private record ClientHello(List<Integer> supportedVersions, String serverName) {

        static ClientHello read(DataInputStream in) throws IOException {
            byte[] header = new byte[5];
            in.readFully(header);
            if (header[0] != 22) {
                throw new IOException("not a TLS handshake record: " + header[0]);
            }
            byte[] record = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
            in.readFully(record);
            ByteBuffer b = ByteBuffer.wrap(record);
            if (b.get() != 1) {
                throw new IOException("not a ClientHello");
            }
            b.position(b.position() + 3 + 2 + 32); // handshake length, legacy_version, random
            skip(b, b.get() & 0xff); // session id
            skip(b, b.getShort() & 0xffff); // cipher suites
            skip(b, b.get() & 0xff); // compression methods
            int extensionsLength = b.getShort() & 0xffff;
            int end = b.position() + extensionsLength;
            List<Integer> versions = new ArrayList<>();
            String name = null;
            while (b.position() < end) {
                int type = b.getShort() & 0xffff;
                int length = b.getShort() & 0xffff;
                int next = b.position() + length;
                if (type == 0x002b) {
                    int count = (b.get() & 0xff) / 2;
                    for (int i = 0; i < count; i++) {
                        versions.add(b.getShort() & 0xffff);
                    }
                } else if (type == 0x0000) {
                    b.getShort(); // list length
                    b.get(); // name type: host_name
                    byte[] host = new byte[b.getShort() & 0xffff];
                    b.get(host);
                    name = new String(host, StandardCharsets.US_ASCII);
                }
                b.position(next);
            }
            return new ClientHello(versions, name);
        }

        private static void skip(ByteBuffer b, int length) {
            b.position(b.position() + length);
        }
    }
}
