package io.posthaste.internal.session;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a server that either of two trust managers trusts: the roots a user added, then the
 * JDK's. Each is asked with the engine, so the JDK's host-name check runs inside each as usual;
 * when both refuse, the JDK's reason is thrown with the other's attached. Client certificates
 * are never checked here (this is a client).
 */
final class EitherTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager first;
    private final X509ExtendedTrustManager second;

    EitherTrustManager(X509TrustManager first, X509TrustManager second) {
        this.first = (X509ExtendedTrustManager) first;
        this.second = (X509ExtendedTrustManager) second;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException refused) {
            try {
                second.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException alsoRefused) {
                alsoRefused.addSuppressed(refused);
                throw alsoRefused;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException refused) {
            second.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType);
        } catch (CertificateException refused) {
            second.checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return Stream.concat(Stream.of(first.getAcceptedIssuers()), Stream.of(second.getAcceptedIssuers()))
                .toArray(X509Certificate[]::new);
    }
}
