package io.posthaste.internal.http3;

import io.posthaste.internal.session.SessionConfig;
import java.util.List;

/**
 * Whether a session can speak HTTP/3 here: the QUIC classes and their native library (quiche and
 * BoringSSL, shipped for linux-x86_64) load, and the session's TLS settings can be carried over
 * to QUIC's TLS stack unchanged, so that HTTP/3 is never less strict than TCP. Stateless but for
 * the test seam.
 */
public final class Http3Support {

    /** Set by tests to act as if the native library were missing; null normally. */
    private static volatile String simulatedUnavailability;

    private Http3Support() {}

    /**
     * Returns why {@code config}'s session cannot speak HTTP/3 here, or null if it can. Asked once
     * per session; never throws, whatever is missing from the class path.
     */
    public static String unavailability(SessionConfig config) {
        String platform = platformUnavailability();
        if (platform != null) {
            return platform;
        }
        if (config.sslContext() != null) {
            return "the session's own SSLContext cannot be handed to QUIC's TLS";
        }
        if (!config.tls().protocols().contains("TLSv1.3")) {
            return "QUIC needs TLS 1.3, which the session does not allow";
        }
        if (config.trustManager() != null
                && !config.tls().insecure()
                && !(config.trustManager() instanceof javax.net.ssl.X509ExtendedTrustManager)) {
            return "the session's trust manager is not an X509ExtendedTrustManager, so QUIC's TLS could "
                    + "not check the host name with it";
        }
        if (!config.tls().cipherSuites().isEmpty()) {
            return "the session's cipher suites cannot be handed to QUIC's TLS";
        }
        return null;
    }

    /** Returns why QUIC cannot run on this platform, or null if it can. */
    static String platformUnavailability() {
        String simulated = simulatedUnavailability;
        if (simulated != null) {
            return simulated;
        }
        try {
            if (io.netty.handler.codec.quic.Quic.isAvailable()) {
                return null;
            }
            Throwable cause = io.netty.handler.codec.quic.Quic.unavailabilityCause();
            return "the QUIC native library did not load (" + describe(cause) + ")";
        } catch (LinkageError e) {
            return "the QUIC classes are missing (" + describe(e) + ")";
        }
    }

    /** Test seam: act as if QUIC could not run, for {@code reason}; null to stop. */
    static void simulateUnavailable(String reason) {
        simulatedUnavailability = reason;
    }

    /** The ALPN names HTTP/3 offers. */
    static List<String> alpn() {
        return List.of("h3");
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no cause given";
        }
        String os = System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        return cause.getClass().getSimpleName() + ": " + cause.getMessage() + "; platform " + os;
    }
}
