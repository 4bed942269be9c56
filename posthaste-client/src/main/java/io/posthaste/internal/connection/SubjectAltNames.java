package io.posthaste.internal.connection;

import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.TlsSettings;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The one hostname rule the JDK's checker does not enforce: a server reached by name must name
 * it in a DNS subject alternative name. The JDK still falls back to the certificate's common name
 * when a certificate has no DNS name at all, which RFC 6125 §6.4.4 and RFC 9110 §4.3.4 forbid
 * (browsers stopped in 2017). Run after a successful handshake, before any request is sent.
 */
final class SubjectAltNames {

    /** The GeneralName tag of a dNSName (RFC 5280 §4.2.1.6). */
    private static final int DNS_NAME = 2;

    private SubjectAltNames() {}

    /**
     * Checks a finished handshake with {@code host} beyond what the JDK checked: the certificate
     * names the host by DNS name (see {@link #requireDnsName}), and when {@code tls} pins the
     * host, the chain holds a pinned public key. The insecure mode checks nothing.
     *
     * @throws SSLPeerUnverifiedException naming what failed, and for pins what the chain holds
     */
    static void verify(SSLSession session, String host, TlsSettings tls) throws SSLPeerUnverifiedException {
        if (tls.insecure()) {
            return;
        }
        requireDnsName(session, host);
        java.util.Set<String> pins = tls.pinsFor(host);
        if (pins.isEmpty()) {
            return;
        }
        java.util.List<String> found = new java.util.ArrayList<>();
        for (java.security.cert.Certificate certificate : session.getPeerCertificates()) {
            String pin = TlsSettings.pinOf(certificate);
            if (pins.contains(pin)) {
                return;
            }
            found.add(pin);
        }
        throw new SSLPeerUnverifiedException(
                "certificate pinning failed for " + host + ": pinned " + pins + ", the server's chain has " + found);
    }

    /**
     * Checks that the peer's certificate carries at least one DNS name when {@code host} is a name
     * (which of them matches the host the JDK has already checked).
     *
     * @throws SSLPeerUnverifiedException if the host is a name and the certificate has none
     */
    static void requireDnsName(SSLSession session, String host) throws SSLPeerUnverifiedException {
        if (HttpSemantics.isIpLiteral(host)) {
            return; // IP addresses are only ever matched against IP names, which the JDK requires
        }
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("the server for " + host + " sent no X.509 certificate");
        }
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null
                    && names.stream().anyMatch(name -> Integer.valueOf(DNS_NAME).equals(name.get(0)))) {
                return;
            }
        } catch (CertificateParsingException e) {
            throw (SSLPeerUnverifiedException) new SSLPeerUnverifiedException(
                            "unreadable subject alternative names in the certificate for " + host)
                    .initCause(e);
        }
        throw new SSLPeerUnverifiedException("the certificate for " + host + " names it only in its "
                + "common name (" + leaf.getSubjectX500Principal().getName() + "); a DNS subject "
                + "alternative name is required");
    }
}
