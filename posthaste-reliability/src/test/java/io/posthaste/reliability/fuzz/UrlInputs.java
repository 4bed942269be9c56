package io.posthaste.reliability.fuzz;

/**
 * Generators for {@link UrlProperties}: URLs with every component broken now and then (scheme,
 * separator, user info, host, port), base URLs and relative references for joining, and
 * path-and-query strings for the wire test.
 */
final class UrlInputs {

    private UrlInputs() {}

    /**
     * Returns absolute URLs: mostly http(s) with valid parts, with odd schemes, separators, user
     * info, hosts (IDN, IPv6 literals, zone IDs, percent-encoded) and ports mixed in, and paths,
     * queries and fragments of {@link Fragments#anyText} (controls, escapes, non-ASCII, long runs).
     */
    static Gen<String> urls() {
        Gen<String> scheme = Gen.frequency(
                Gen.weight(10, Gen.of("http", "https")),
                Gen.weight(2, Gen.of("HTTP", "HtTpS", "ftp", "", "h ttp", "http+unix", "file")));
        Gen<String> separator = Gen.frequency(
                Gen.weight(20, Gen.constant("://")), Gen.weight(1, Gen.of(":/", ":///", "//", ":", ":\\\\")));
        Gen<String> userInfo = Gen.frequency(
                Gen.weight(6, Gen.constant("")),
                Gen.weight(
                        1,
                        Fragments.joined(
                                        Gen.oneOf(Fragments.alphanumeric(), Gen.of(":", "%40", "@", "é", " ", "\\")),
                                        0,
                                        8)
                                .map(s -> s + "@")));
        Gen<String> port = Gen.frequency(
                Gen.weight(6, Gen.constant("")),
                Gen.weight(3, Gen.of(":80", ":443", ":8080", ":1", ":65535")),
                Gen.weight(1, Gen.of(":", ":0", ":65536", ":99999999999", ":-1", ":+80", ":8o", ":080")));
        Gen<String> path = Fragments.joined(
                Gen.frequency(Gen.weight(1, Gen.constant("/")), Gen.weight(3, Fragments.anyText(3))), 0, 6);
        Gen<String> query = Gen.frequency(
                Gen.weight(3, Gen.constant("")),
                Gen.weight(1, Fragments.anyText(8).map(q -> "?" + q)));
        Gen<String> fragment = Gen.frequency(
                Gen.weight(4, Gen.constant("")),
                Gen.weight(1, Fragments.anyText(5).map(f -> "#" + f)));
        Gen<String> hosts = hosts();
        return r -> scheme.next(r)
                + separator.next(r)
                + userInfo.next(r)
                + hosts.next(r)
                + port.next(r)
                + path.next(r)
                + query.next(r)
                + fragment.next(r);
    }

    /** Returns hosts: common ones, IDN and IPv6 forms, invalid ones, and random text. */
    static Gen<String> hosts() {
        return Gen.frequency(
                Gen.weight(
                        6,
                        Gen.of(
                                "example.com",
                                "h",
                                "EXAMPLE.org",
                                "127.0.0.1",
                                "localhost",
                                "[::1]",
                                "[2001:db8::1]",
                                "[::FFFF:127.0.0.1]",
                                "a-b.c",
                                "xn--bcher-kva.example")),
                Gen.weight(
                        2,
                        Gen.of(
                                "bücher.example",
                                "例え.テスト",
                                "ΑΒΓ.gr",
                                "\u0301x.com",
                                "a..b",
                                "ex%61mple.com",
                                "[fe80::1%25eth0]",
                                "[::1",
                                "::1",
                                "[v1.x]",
                                "a_b.com",
                                "",
                                "1.2.3.256",
                                "0x7f.1",
                                "a\\b.com",
                                "-a.com",
                                "a.com.")),
                Gen.weight(
                        1,
                        Fragments.joined(
                                Gen.oneOf(
                                        Fragments.alphanumeric(),
                                        Gen.of(Fragments.URL_SPECIALS),
                                        Gen.of(Fragments.NON_ASCII),
                                        Gen.of(Fragments.CONTROLS)),
                                1,
                                10)));
    }

    /** Returns valid http(s) base URLs with paths of zero to four segments, a trailing slash or not, a query or not. */
    static Gen<String> baseUrls() {
        Gen<String> segment = Fragments.joined(
                Gen.oneOf(Fragments.alphanumeric(), Gen.of(";", "=", "%41", "-", "~", "@", ":")), 0, 5);
        Gen<String> path = segment.list(0, 4).map(s -> s.isEmpty() ? "" : "/" + String.join("/", s));
        Gen<String> scheme = Gen.of("http", "https");
        Gen<String> authority = Gen.of("example.com", "127.0.0.1", "[::1]", "h.example:8443", "a.b:80");
        Gen<String> slash = Gen.of("", "/");
        Gen<String> query = Gen.of("", "?q=1", "?a&b", "?");
        return r -> scheme.next(r) + "://" + authority.next(r) + path.next(r) + slash.next(r) + query.next(r);
    }

    /**
     * Returns relative references (dot segments, query- and fragment-only, path parameters), now
     * and then an absolute or network-path one, with a control character inserted one time in 16.
     */
    static Gen<String> references() {
        Gen<String> prefix = Gen.frequency(
                Gen.weight(
                        6,
                        Gen.of(
                                "",
                                "/",
                                "./",
                                "../",
                                "../../",
                                "../../../../",
                                "/../",
                                "/./",
                                ".",
                                "..",
                                "?",
                                "#",
                                ";x",
                                "g;x=1/../")),
                Gen.weight(
                        1,
                        Gen.of(
                                "//example.org/",
                                "//[::1]:8080",
                                "http://other.example/",
                                "HTTPS://Other.Example:8443/x",
                                "g:h",
                                "mailto:x@y",
                                "//",
                                "///x",
                                "http:x")));
        Gen<String> body = Fragments.joined(
                Gen.frequency(
                        Gen.weight(3, Fragments.alphanumeric()),
                        Gen.weight(2, Gen.of("/", "./", "../", "..", ".")),
                        Gen.weight(1, Gen.of(Fragments.URL_SPECIALS)),
                        Gen.weight(1, Gen.of(Fragments.ESCAPES)),
                        Gen.weight(1, Gen.of(Fragments.NON_ASCII))),
                0,
                8);
        Gen<String> rare = Gen.frequency(Gen.weight(15, Gen.constant("")), Gen.weight(1, Gen.of(Fragments.CONTROLS)));
        Gen<Integer> at = Gen.ints(0, 64);
        return r -> {
            String text = prefix.next(r) + body.next(r);
            return Fragments.insertAt(text, rare.next(r), at.next(r));
        };
    }

    /** Returns a path starting with '/' and maybe a query, without CR, LF or NUL. */
    static Gen<String> pathsAndQueries() {
        Gen<String> path = Fragments.joined(
                        Gen.frequency(
                                Gen.weight(1, Gen.constant("/")), Gen.weight(4, Fragments.textWithoutLineBreaks(3))),
                        0,
                        5)
                .map(p -> "/" + p);
        Gen<String> query = Gen.frequency(
                Gen.weight(2, Gen.constant("")),
                Gen.weight(1, Fragments.textWithoutLineBreaks(6).map(q -> "?" + q)));
        return r -> path.next(r) + query.next(r);
    }
}
