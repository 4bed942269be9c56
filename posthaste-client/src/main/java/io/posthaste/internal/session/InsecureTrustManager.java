package io.posthaste.internal.session;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts every server and checks no host name: the insecure mode for local development, which
 * a user turns on by a method whose name says so. Being an extended trust manager, it also keeps
 * the JDK from checking the host name on its behalf.
 */
public final class InsecureTrustManager extends X509ExtendedTrustManager {

    /** The one instance. */
    public static final InsecureTrustManager INSTANCE = new InsecureTrustManager();

    private InsecureTrustManager() {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
