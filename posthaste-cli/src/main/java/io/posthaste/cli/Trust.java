package io.posthaste.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Trust managers for {@code --verify=no} and {@code --ca FILE}. */
final class Trust {

    private Trust() {}

    /**
     * Returns the trust of {@code --verify yes|no|CA_FILE} and {@code --ca FILE} (either may be
     * absent: {@code verify} "yes", {@code ca} null): null for the JDK's trust store, the insecure
     * trust for "no", or the PEM file's. Files resolve against {@code directory}.
     */
    static X509TrustManager forOptions(String verify, Path ca, Path directory) {
        String value = verify.trim();
        boolean off = value.equalsIgnoreCase("no") || value.equalsIgnoreCase("false");
        if (off && ca != null) {
            throw CliException.usage("--verify=no and --ca exclude each other");
        }
        if (off) {
            return insecure();
        }
        if (ca != null) {
            return fromFile(directory.resolve(ca));
        }
        if (value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("true")) {
            return null;
        }
        return fromFile(directory.resolve(value));
    }

    /**
     * Returns a trust manager that accepts any certificate for any host name. It is an
     * {@link X509ExtendedTrustManager} on purpose: JSSE checks the host name inside that type's
     * methods, so a no-op one turns the host name check off too, which is what
     * {@code --verify=no} promises.
     */
    static X509TrustManager insecure() {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    /**
     * Returns a trust manager that trusts exactly the certificates in {@code pemFile} (one or
     * more PEM or DER certificates), with host names checked as usual.
     */
    static X509TrustManager fromFile(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new CliException(ExitCode.USAGE, "no certificate in " + pemFile);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X509TrustManager");
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "cannot read CA file " + pemFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CliException(
                    ExitCode.USAGE, "not a certificate file: " + pemFile + " (" + e.getMessage() + ")", e);
        }
    }
}
