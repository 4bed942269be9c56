package io.posthaste.internal.proxy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code NO_PROXY} list, read as curl reads it: entries split by commas (and blanks), each a
 * host name that also covers its subdomains ({@code example.com} and {@code .example.com} both
 * cover {@code example.com} and {@code api.example.com}, not {@code badexample.com}), an IP
 * address, or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}); an entry may end in
 * {@code :port} ({@code [::1]:8080} for IPv6), then it covers that port only; {@code *} alone
 * covers everything. Names are compared without case and without a trailing dot; an IP entry
 * only covers a URL that names that IP (no look-up is made). Immutable.
 */
public final class NoProxy {

    /** Covers nothing. */
    public static final NoProxy NONE = new NoProxy(List.of(), false);

    private final List<Entry> entries;
    private final boolean everything;

    private NoProxy(List<Entry> entries, boolean everything) {
        this.entries = entries;
        this.everything = everything;
    }

    /** Parses a {@code NO_PROXY} value; {@code null} or blank covers nothing. Unreadable entries are skipped. */
    public static NoProxy parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : value.split("[,\\s]+")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.equals("*")) {
                return new NoProxy(List.of(), true);
            }
            if (!item.isEmpty()) {
                Entry entry = Entry.parse(item);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        return new NoProxy(List.copyOf(entries), false);
    }

    /** Returns whether a request to {@code host} (IPv6 without brackets) on {@code port} goes direct. */
    public boolean covers(String host, int port) {
        if (everything) {
            return true;
        }
        String name = trimDot(host.toLowerCase(Locale.ROOT));
        byte[] ip = ipLiteral(name);
        for (Entry entry : entries) {
            if (entry.covers(name, ip, port)) {
                return true;
            }
        }
        return false;
    }

    /** One entry: a name suffix, or an address block; and a port, or -1 for any. */
    private record Entry(String name, byte[] network, int prefixBits, int port) {

        static Entry parse(String item) {
            String hostPart = item;
            int port = -1;
            if (item.startsWith("[")) {
                int close = item.indexOf(']');
                if (close < 0) {
                    return null;
                }
                hostPart = item.substring(1, close);
                if (item.length() > close + 2 && item.charAt(close + 1) == ':') {
                    port = port(item.substring(close + 2));
                }
            } else if (item.indexOf(':') == item.lastIndexOf(':') && item.indexOf(':') > 0) {
                // One colon: host:port. Several: a bare IPv6 address (or block).
                int colon = item.indexOf(':');
                hostPart = item.substring(0, colon);
                port = port(item.substring(colon + 1));
            }
            if (port == -2) {
                return null;
            }
            int slash = hostPart.indexOf('/');
            String address = slash < 0 ? hostPart : hostPart.substring(0, slash);
            byte[] ip = ipLiteral(address);
            if (ip != null) {
                int bits = ip.length * 8;
                if (slash >= 0) {
                    int prefix = port(hostPart.substring(slash + 1));
                    if (prefix < 0 || prefix > bits) {
                        return null;
                    }
                    bits = prefix;
                }
                return new Entry(null, ip, bits, port);
            }
            if (slash >= 0) {
                return null;
            }
            String name = trimDot(
                    address.startsWith("*.")
                            ? address.substring(2)
                            : address.startsWith(".") ? address.substring(1) : address);
            return name.isEmpty() ? null : new Entry(name, null, 0, port);
        }

        boolean covers(String host, byte[] ip, int requestPort) {
            if (port >= 0 && port != requestPort) {
                return false;
            }
            if (name != null) {
                return host.equals(name) || host.endsWith("." + name);
            }
            if (ip == null || ip.length != network.length) {
                return false;
            }
            int shift = network.length * 8 - prefixBits;
            return new BigInteger(1, ip).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        }

        private static int port(String digits) {
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
                return -2;
            }
            return Integer.parseInt(digits);
        }
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Returns the bytes of an IPv4 or IPv6 literal, or {@code null} for anything else (no look-up). */
    private static byte[] ipLiteral(String text) {
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9a-f:.]+(%.+)?");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
