package io.posthaste.internal.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A session's TLS choices beyond the defaults, loaded and checked when the session is built (a
 * missing file or a conflict fails then, naming it, never at the first request): whom to trust
 * (extra PEM roots beside or instead of the system's, or nobody checked at all in the loudly
 * named insecure mode), which client certificate to present, which public keys to pin per host,
 * and which protocol versions and cipher suites to allow.
 *
 * @param keyManagers the client certificate's key managers, or {@code null} for none
 * @param pins per host (lower case; {@code *.example.com} covers one label), the allowed
 *     {@code sha256/BASE64} hashes of a certificate's public key
 * @param protocols the TLS versions to allow, newest first
 * @param cipherSuites the cipher suites to allow, or empty for the JDK's defaults
 * @param insecure whether certificates and host names go unchecked (local development only)
 */
public record TlsSettings(
        KeyManagerFactory keyManagers,
        Map<String, Set<String>> pins,
        List<String> protocols,
        List<String> cipherSuites,
        boolean insecure) {

    /** The TLS versions a session allows by default. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** No choices made: the JDK's trust store, no client certificate, TLS 1.3 and 1.2. */
    public static final TlsSettings DEFAULT = new TlsSettings(null, Map.of(), DEFAULT_PROTOCOLS, List.of(), false);

    public TlsSettings {
        pins = Map.copyOf(pins);
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** Returns the pins for {@code host}: its own, or a one-label wildcard's; empty for none. */
    public Set<String> pinsFor(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        Set<String> exact = pins.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot < 0 ? Set.of() : pins.getOrDefault("*" + name.substring(dot), Set.of());
    }

    /** Returns the pin of {@code certificate}'s public key: {@code sha256/} and its base64 hash. */
    public static String pinOf(Certificate certificate) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded());
            return "sha256/" + Base64.getEncoder().encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Returns a trust manager for the certificates in {@code pem} (a PEM file, or a directory
     * whose files are read, sub-directories not), beside the JDK's default roots unless
     * {@code only}.
     */
    public static X509TrustManager trustPem(Path pem, boolean only) {
        List<X509Certificate> certificates = readCertificates(pem);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("pem-" + i, certificates.get(i));
            }
            X509TrustManager extra = x509(store);
            return only ? extra : new EitherTrustManager(extra, x509(null));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates of " + pem + ": " + e.getMessage(), e);
        }
    }

    /** Returns key managers for a PEM certificate chain and its PKCS#8 (or PKCS#1 RSA) key. */
    public static KeyManagerFactory clientPem(Path chainPem, Path keyPem) {
        List<X509Certificate> chain = readCertificates(chainPem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("client", PemKeys.read(keyPem), none, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, none);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot use the client certificate " + chainPem + " with key " + keyPem + ": " + e.getMessage(), e);
        }
    }

    /** Returns key managers for the client certificate and key in a PKCS#12 file. */
    public static KeyManagerFactory clientPkcs12(Path pkcs12, char[] password) {
        try (InputStream in = Files.newInputStream(requireFile(pkcs12))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the PKCS#12 client certificate " + pkcs12.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Checks {@code pin} looks like {@code sha256/} and 32 bytes of base64; returns it. */
    public static String checkPin(String pin) {
        if (pin == null || !pin.startsWith("sha256/")) {
            throw new IllegalArgumentException(
                    "a certificate pin is 'sha256/' and the base64 SHA-256 of a " + "public key, not '" + pin + "'");
        }
        try {
            if (Base64.getDecoder().decode(pin.substring(7)).length != 32) {
                throw new IllegalArgumentException("a certificate pin's hash is 32 bytes: '" + pin + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a certificate pin's hash is base64 of 32 bytes: '" + pin + "'", e);
        }
        return pin;
    }

    /** Returns the TLS versions from {@code minimum} up: "TLSv1.2" or "TLSv1.3". */
    public static List<String> fromVersion(String minimum) {
        return switch (minimum) {
            case "TLSv1.3" -> List.of("TLSv1.3");
            case "TLSv1.2" -> DEFAULT_PROTOCOLS;
            default ->
                throw new IllegalArgumentException("the minimum TLS version is TLSv1.2 or TLSv1.3, not '" + minimum
                        + "' (older versions are broken)");
        };
    }

    /** Returns a copy of {@code pins} with {@code host}'s pins added (host lower-cased). */
    public static Map<String, Set<String>> withPins(Map<String, Set<String>> pins, String host, String... more) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a pinned host must not be blank");
        }
        Map<String, Set<String>> copy = new LinkedHashMap<>(pins);
        Set<String> all = new java.util.LinkedHashSet<>(copy.getOrDefault(host.toLowerCase(Locale.ROOT), Set.of()));
        for (String pin : more) {
            all.add(checkPin(pin));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("pinning " + host + " needs at least one pin");
        }
        copy.put(host.toLowerCase(Locale.ROOT), Set.copyOf(all));
        return copy;
    }

    private static List<X509Certificate> readCertificates(Path pem) {
        Path absolute = pem.toAbsolutePath();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(absolute)) {
            try (Stream<Path> listed = Files.list(absolute)) {
                listed.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list the certificate directory " + absolute, e);
            }
        } else {
            files.add(requireFile(absolute));
        }
        List<X509Certificate> certificates = new ArrayList<>();
        boolean directory = files.size() != 1 || !files.get(0).equals(absolute);
        for (Path file : files) {
            try (InputStream in = certificateBlocks(file)) {
                for (Certificate certificate : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    certificates.add((X509Certificate) certificate);
                }
            } catch (GeneralSecurityException | IOException e) {
                if (!directory) {
                    throw new IllegalArgumentException(
                            "cannot read certificates from " + file + ": " + e.getMessage(), e);
                }
                // A directory of CA files may hold others (an index, a README): they are passed over.
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in " + absolute);
        }
        return certificates;
    }

    /**
     * Returns the file's {@code CERTIFICATE} blocks alone when it is PEM text, so that a file
     * holding the chain and its private key (as curl's and httpx's {@code cert} may) reads as the
     * chain; anything else (DER) as it is.
     */
    private static InputStream certificateBlocks(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile(
                        "-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", java.util.regex.Pattern.DOTALL)
                .matcher(text);
        StringBuilder certificates = new StringBuilder();
        while (blocks.find()) {
            certificates.append(blocks.group()).append('\n');
        }
        return new java.io.ByteArrayInputStream(
                certificates.length() == 0
                        ? bytes
                        : certificates.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static Path requireFile(Path file) {
        Path absolute = file.toAbsolutePath();
        if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
            throw new IllegalArgumentException("not a readable file: " + absolute);
        }
        return absolute;
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
