package io.posthaste;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses to connect to, tried in the order given: when one refuses
 * the connection or does not answer within the connect timeout, the next is tried. The default,
 * {@link #system()}, asks the JDK ({@link InetAddress#getAllByName}). Set one on
 * {@link ClientSession.Builder#resolver} to pin hosts to addresses or use another name service.
 *
 * <p>Called on a session's blocking thread, never on an I/O thread, so it may block. A session
 * caches each answer for 10 seconds and shares one look-up among concurrent requests for the same
 * host; failures are not cached. Hosts that are IP addresses are never looked up.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * Returns the addresses of {@code host}, at least one.
     *
     * @throws UnknownHostException if the host has no address
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** Returns the JDK's resolver (the system's name service and hosts file). */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
