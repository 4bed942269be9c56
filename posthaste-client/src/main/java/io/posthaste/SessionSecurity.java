package io.posthaste;

import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.DigestCredentials;
import io.posthaste.internal.session.InsecureTrustManager;
import io.posthaste.internal.session.SessionAuth;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.session.TlsSettings;
import io.posthaste.internal.url.RequestUrl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The security settings of {@link ClientSession.Builder}: whom the session trusts, who it is
 * (a client certificate, credentials for the base URL's origin), which keys it pins and which TLS
 * versions it allows. Kept apart so that the builder reads in one sitting; every method here is
 * a method of {@code ClientSession.Builder}. Files are read when a method is called: a missing or
 * unreadable one is an {@link IllegalArgumentException} naming it. Settings that contradict each
 * other (a whole {@code SSLContext} and any other TLS setting; a trust manager and PEM roots; the
 * insecure mode and any trust or pin) fail when the session is built.
 *
 * @param <B> the builder type
 */
abstract class SessionSecurity<B extends SessionSecurity<B>> {

    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());

    private @Nullable String authorization;
    /** The Digest user and password, or null: no Digest credentials. */
    private String @Nullable [] digest;

    private @Nullable SSLContext sslContext;
    private @Nullable X509TrustManager trustManager;
    private @Nullable X509TrustManager pemTrust;
    private @Nullable KeyManagerFactory clientKeys;
    private Map<String, Set<String>> pins = Map.of();
    private List<String> protocols = TlsSettings.DEFAULT_PROTOCOLS;
    private List<String> cipherSuites = List.of();
    private boolean insecure;

    abstract B self();

    /**
     * Authenticates requests to the base URL's origin (same scheme, host and port) with HTTP
     * Basic, user and password in UTF-8; requests to any other origin carry no credentials.
     * A request's own {@code basicAuth}, {@code bearerAuth}, {@code digestAuth},
     * {@code Authorization} header or URL user info replaces them for that request. Needs a
     * base URL; at most one of the three kinds per session (default none).
     */
    public B basicAuth(String user, String password) {
        return authorization(HttpSemantics.basicAuthorization(user, password));
    }

    /** Authenticates requests to the base URL's origin with a bearer token, as {@link #basicAuth}. */
    public B bearerAuth(String token) {
        return authorization(HttpSemantics.bearerAuthorization(token));
    }

    /** Answers Digest challenges (RFC 7616) from the base URL's origin, scoped as {@link #basicAuth}. */
    public B digestAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        oneCredential();
        this.digest = new String[] {DigestCredentials.checkUser(user), password};
        return self();
    }

    /** Uses {@code context} for TLS (its trust and key managers decide everything); excludes the other TLS settings. */
    public B sslContext(SSLContext context) {
        this.sslContext = Objects.requireNonNull(context, "context");
        return self();
    }

    /** Trusts the certificates {@code trustManager} accepts instead of the JDK's trust store. */
    public B trustManager(X509TrustManager trustManager) {
        this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
        return self();
    }

    /**
     * Trusts the CA certificates in a PEM file, or in every file of a directory, besides the
     * JDK's trust store: one line for a private CA, as httpx's {@code verify="ca.pem"}.
     * {@snippet :
     * ClientSession session = ClientSession.builder().trustPem(Path.of("ca.pem")).build();
     * }
     */
    public B trustPem(Path pem) {
        this.pemTrust = TlsSettings.trustPem(Objects.requireNonNull(pem, "pem"), false);
        return self();
    }

    /** As {@link #trustPem}, but trusts only those certificates, not the JDK's trust store. */
    public B trustPemOnly(Path pem) {
        this.pemTrust = TlsSettings.trustPem(Objects.requireNonNull(pem, "pem"), true);
        return self();
    }

    /**
     * Presents a client certificate for mutual TLS: the PEM certificate chain (the client's own
     * first) and its private key (PEM, unencrypted: PKCS#8 or PKCS#1 RSA).
     */
    public B clientCertificate(Path certChainPem, Path privateKeyPem) {
        this.clientKeys = TlsSettings.clientPem(
                Objects.requireNonNull(certChainPem, "certChainPem"),
                Objects.requireNonNull(privateKeyPem, "privateKeyPem"));
        return self();
    }

    /** Presents the client certificate and key of a PKCS#12 file for mutual TLS. */
    public B clientCertificatePkcs12(Path pkcs12, char[] password) {
        this.clientKeys = TlsSettings.clientPkcs12(
                Objects.requireNonNull(pkcs12, "pkcs12"), Objects.requireNonNull(password, "password"));
        return self();
    }

    /**
     * Pins {@code host} ({@code *.example.com} covers one label) to public keys, as OkHttp's
     * {@code CertificatePinner}: a connection succeeds only when the server's certificate chain
     * holds a key whose {@code sha256/BASE64} hash is one of {@code pins}, on top of the usual
     * checks. Pin a backup key too, or a key rotation locks you out.
     */
    public B pinCertificate(String host, String... pins) {
        this.pins = TlsSettings.withPins(this.pins, host, pins);
        return self();
    }

    /** Sets the oldest TLS version allowed: {@code "TLSv1.2"} (the default) or {@code "TLSv1.3"}. */
    public B minTlsVersion(String version) {
        this.protocols = TlsSettings.fromVersion(Objects.requireNonNull(version, "version"));
        return self();
    }

    /** Allows only these cipher suites (JSSE names; default: the JDK's, minus the weak ones it drops). */
    public B tlsCipherSuites(String... suites) {
        if (suites.length == 0) {
            throw new IllegalArgumentException("name at least one cipher suite");
        }
        this.cipherSuites = List.of(suites);
        return self();
    }

    /**
     * Turns TLS verification off: any certificate, any host name. For local development against
     * a server with a throw-away certificate only — it makes TLS worthless against an attacker.
     * The session logs a warning once when it is built. Prefer {@link #trustPem}.
     */
    public B insecureDisableTlsVerification() {
        this.insecure = true;
        return self();
    }

    /** Returns the session's credentials for the base URL's origin (null: none), checked against the headers. */
    @Nullable
    SessionAuth auth(@Nullable RequestUrl baseUrl, Headers defaultHeaders) {
        return SessionAuth.of(baseUrl, authorization, digest, defaultHeaders);
    }

    /** Puts the TLS settings into {@code config}, refusing contradictions. */
    void applyTls(SessionConfig.Builder config) {
        boolean other = trustManager != null
                || pemTrust != null
                || clientKeys != null
                || !pins.isEmpty()
                || protocols != TlsSettings.DEFAULT_PROTOCOLS
                || !cipherSuites.isEmpty()
                || insecure;
        if (sslContext != null && other) {
            throw new IllegalStateException("sslContext(...) decides all of TLS: it cannot be combined with "
                    + "trustManager, trustPem, clientCertificate, pinCertificate, minTlsVersion, "
                    + "tlsCipherSuites or insecureDisableTlsVerification");
        }
        if (trustManager != null && pemTrust != null) {
            throw new IllegalStateException("trustManager(...) and trustPem(...) both say whom to trust: use one");
        }
        if (insecure && (trustManager != null || pemTrust != null || !pins.isEmpty())) {
            throw new IllegalStateException("insecureDisableTlsVerification() checks nothing: it cannot be "
                    + "combined with a trust manager, PEM roots or certificate pins");
        }
        if (insecure) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "TLS verification is OFF for this session "
                            + "(insecureDisableTlsVerification): any server can pose as any host");
        }
        config.sslContext(sslContext)
                .trustManager(insecure ? InsecureTrustManager.INSTANCE : trustManager != null ? trustManager : pemTrust)
                .tls(new TlsSettings(clientKeys, pins, protocols, cipherSuites, insecure));
    }

    private B authorization(String value) {
        oneCredential();
        this.authorization = value;
        return self();
    }

    private void oneCredential() {
        if (authorization != null || digest != null) {
            throw new IllegalArgumentException("only one of basicAuth, bearerAuth and digestAuth can be used");
        }
    }
}
