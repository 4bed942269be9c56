package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.posthaste.ClientSession;
import io.posthaste.InvalidRequestException;
import io.posthaste.Response;
import io.posthaste.internal.codec.RequestUrl;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * URL parsing ({@link RequestUrl#parse}) and joining to a base URL ({@link RequestUrl#resolve},
 * which {@code ClientSession.Builder.baseUrl} uses for every relative request URL).
 */
@AddLifecycleHook(FuzzBudget.class)
@AddLifecycleHook(BufferLeakCheck.class)
class UrlProperties {

    private static TestServer server;
    private static ClientSession session;

    @BeforeContainer
    static void start() {
        server = TestServer.start();
        server.dispatcher(request -> MockResponse.ok("ok"));
        session = ClientSession.builder().raiseForStatus(false).build();
    }

    @AfterContainer
    static void stop() {
        session.close();
        server.close();
    }

    /**
     * Proves that parsing any string either fails with {@link InvalidRequestException} (the only
     * documented failure) or yields a URL that is safe on the wire: a lower-case http(s) scheme,
     * an ASCII host, a port in range, a {@code Host} value that agrees with host and port, and a
     * request-target of RFC 3986 characters only (no space, CR, LF, NUL, {@code #}, non-ASCII or
     * user info), and that parsing the result again gives the same URL.
     */
    @Property(tries = 5000)
    void parsingFailsOnlyWithInvalidRequestAndYieldsWireSafeUrls(@ForAll("urls") String url) {
        RequestUrl parsed;
        try {
            parsed = RequestUrl.parse(url);
        } catch (InvalidRequestException rejected) {
            return;
        }
        assertWireSafe(parsed);
        RequestUrl again = RequestUrl.parse(parsed.uri().toString());
        assertThat(again.target()).isEqualTo(parsed.target());
        assertThat(again.hostHeader()).isEqualTo(parsed.hostHeader());
        assertThat(again.port()).isEqualTo(parsed.port());
        assertThat(again.host()).isEqualTo(parsed.host());
    }

    /**
     * Proves agreement with {@link java.net.URI} on ASCII URLs it accepts as http(s) with a
     * server-based authority: the client accepts them too (unless the client's documented
     * strictness applies: a percent-encoded host, an empty or zero port) and reads the same host,
     * port, user info and path-and-query.
     */
    @Property(tries = 5000)
    void asciiUrlsThatJavaNetUriAcceptsAreReadAlike(@ForAll("urls") String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return;
        }
        boolean comparable = url.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                && uri.getScheme() != null && uri.getHost() != null
                && List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                && url.startsWith(uri.getScheme() + "://")
                && !uri.getHost().contains("%") && !uri.getRawAuthority().endsWith(":")
                && uri.getPort() != 0 && uri.getPort() <= 65535;
        if (!comparable) {
            return;
        }
        RequestUrl parsed;
        try {
            parsed = RequestUrl.parse(url);
        } catch (InvalidRequestException e) {
            throw new AssertionError("java.net.URI accepts '" + url + "' but the client says: "
                    + e.getMessage(), e);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        assertThat(parsed.host()).isEqualTo(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        int defaultPort = parsed.isHttps() ? 443 : 80;
        assertThat(parsed.port()).isEqualTo(uri.getPort() == -1 ? defaultPort : uri.getPort());
        assertThat(parsed.userInfo()).isEqualTo(uri.getRawUserInfo());
        String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        assertThat(parsed.target()).isEqualTo(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    /**
     * Proves that joining a reference to a base URL fails only with
     * {@link InvalidRequestException}, always yields a wire-safe URL, and matches RFC 3986 §5.2
     * (which the client documents) computed by an independent implementation: same host and
     * port, same path-and-query (dot segments removed, a query-only reference keeping the base
     * path). A reference that RFC 3986 and {@code java.net.URI} both find valid (no authority, no
     * scheme) must not be refused.
     */
    @Property(tries = 5000)
    void joiningToABaseUrlFollowsRfc3986(@ForAll("baseUrls") String base, @ForAll("references") String reference) {
        RequestUrl baseUrl = RequestUrl.parse(base);
        Rfc3986.Parts ref = Rfc3986.split(Rfc3986.encodeNonAscii(reference));
        boolean plainRelative = !reference.isEmpty() && ref.scheme() == null && ref.authority() == null
                && reference.chars().noneMatch(c -> c <= 0x20 || c == 0x7f) && uriAccepts(ref);
        RequestUrl resolved;
        try {
            resolved = RequestUrl.resolve(baseUrl, reference);
        } catch (InvalidRequestException rejected) {
            if (plainRelative) {
                fail("refused the valid reference '%s' against %s: %s", reference, base, rejected.getMessage());
            }
            return;
        }
        assertWireSafe(resolved);
        if (plainRelative) {
            URI b = baseUrl.uri();
            Rfc3986.Parts baseParts = new Rfc3986.Parts(b.getScheme(), b.getRawAuthority(),
                    b.getRawPath(), b.getRawQuery(), null);
            Rfc3986.Parts expected = Rfc3986.resolve(baseParts, ref);
            assertThat(resolved.target())
                    .as("'%s' against %s", reference, baseUrl)
                    .isEqualTo(expected.target());
            assertThat(resolved.hostHeader()).isEqualTo(baseUrl.hostHeader());
            assertThat(resolved.port()).isEqualTo(baseUrl.port());
        }
    }

    /**
     * Proves, on the wire, that the request-target a server receives is the parsed target and
     * the {@code Host} header the parsed host header, for generated paths and queries.
     */
    @Property(tries = 150)
    void theServerReceivesTheParsedTargetAndHost(@ForAll("pathsAndQueries") String pathAndQuery) {
        String url = "http://127.0.0.1:" + server.port() + pathAndQuery;
        RequestUrl parsed;
        try {
            parsed = RequestUrl.parse(url);
        } catch (InvalidRequestException rejected) {
            return;
        }
        // The test server answers 414 to a request-target over 8 KiB; that limit is not under test.
        Assume.that(parsed.target().length() <= 4096);
        while (server.takeRequest(Duration.ZERO) != null) {
            // Drop what an earlier try left: each try looks at its own request only.
        }
        Response response = session.get(url).timeout(Duration.ofSeconds(10)).send();
        assertThat(response.status()).isEqualTo(200);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.target()).isEqualTo(parsed.target());
        assertThat(recorded.header("Host")).isEqualTo(parsed.hostHeader());
    }

    private static boolean uriAccepts(Rfc3986.Parts ref) {
        try {
            String noFragment = ref.query() == null ? ref.path() : ref.path() + "?" + ref.query();
            new URI(noFragment);
            String first = ref.path().split("/", -1)[0];
            return !first.contains(":");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static void assertWireSafe(RequestUrl url) {
        assertThat(url.scheme()).isIn("http", "https");
        assertThat(url.port()).isBetween(1, 65535);
        assertThat(url.host()).isNotEmpty().isEqualTo(url.host().toLowerCase(Locale.ROOT));
        assertThat(url.host().chars()).allMatch(c -> c > 0x20 && c < 0x7f && c != '@' && c != '%' && c != '/');
        boolean ipv6 = url.host().contains(":");
        String hostPart = ipv6 ? "[" + url.host() + "]" : url.host();
        int defaultPort = url.isHttps() ? 443 : 80;
        assertThat(url.hostHeader()).isEqualTo(url.port() == defaultPort ? hostPart : hostPart + ":" + url.port());
        String target = url.target();
        assertThat(target).startsWith("/");
        int query = target.indexOf('?');
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // '[' and ']' pass raw in a query, as java.net.URI (RFC 2732) allows: not RFC 3986, but harmless.
            boolean bracketInQuery = query >= 0 && i > query && (c == '[' || c == ']');
            assertThat(isRfc3986TargetChar(c) || bracketInQuery).as("character U+%04X at %d of target %s", (int) c, i, target).isTrue();
            if (c == '%') {
                assertThat(i + 2 < target.length() && isHex(target.charAt(i + 1)) && isHex(target.charAt(i + 2)))
                        .as("well-formed escape at %d of %s", i, target).isTrue();
            }
        }
        assertThat(url.uri().getRawUserInfo()).isNull();
        assertThat(url.uri().getRawFragment()).isNull();
    }

    private static boolean isRfc3986TargetChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }

    @Provide
    Arbitrary<String> urls() {
        Arbitrary<String> scheme = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of("http", "https")),
                Tuple.of(2, Arbitraries.of("HTTP", "HtTpS", "ftp", "", "h ttp", "http+unix", "file")));
        Arbitrary<String> separator = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just("://")),
                Tuple.of(1, Arbitraries.of(":/", ":///", "//", ":", ":\\\\")));
        Arbitrary<String> userInfo = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")),
                Tuple.of(1, Fragments.joined(Arbitraries.oneOf(Fragments.alphanumeric(),
                        Arbitraries.of(":", "%40", "@", "é", " ", "\\")), 0, 8).map(s -> s + "@")));
        Arbitrary<String> port = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")),
                Tuple.of(3, Arbitraries.of(":80", ":443", ":8080", ":1", ":65535")),
                Tuple.of(1, Arbitraries.of(":", ":0", ":65536", ":99999999999", ":-1", ":+80", ":8o", ":080")));
        Arbitrary<String> path = Fragments.joined(Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just("/")),
                Tuple.of(3, Fragments.anyText(3))), 0, 6);
        Arbitrary<String> query = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")),
                Tuple.of(1, Fragments.anyText(8).map(q -> "?" + q)));
        Arbitrary<String> fragment = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just("")),
                Tuple.of(1, Fragments.anyText(5).map(f -> "#" + f)));
        Arbitrary<String> authority = Combinators.combine(userInfo, hosts(), port).as((u, h, p) -> u + h + p);
        return Combinators.combine(scheme, separator, authority, path, query, fragment)
                .as((s, sep, a, p, q, f) -> s + sep + a + p + q + f);
    }

    static Arbitrary<String> hosts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("example.com", "h", "EXAMPLE.org", "127.0.0.1", "localhost",
                        "[::1]", "[2001:db8::1]", "[::FFFF:127.0.0.1]", "a-b.c", "xn--bcher-kva.example")),
                Tuple.of(2, Arbitraries.of("bücher.example", "例え.テスト", "ΑΒΓ.gr", "\u0301x.com", "a..b",
                        "ex%61mple.com", "[fe80::1%25eth0]", "[::1", "::1", "[v1.x]", "a_b.com", "",
                        "1.2.3.256", "0x7f.1", "a\\b.com", "-a.com", "a.com.")),
                Tuple.of(1, Fragments.joined(Arbitraries.oneOf(Fragments.alphanumeric(),
                        Arbitraries.of(Fragments.URL_SPECIALS), Arbitraries.of(Fragments.NON_ASCII),
                        Arbitraries.of(Fragments.CONTROLS)), 1, 10)));
    }

    @Provide
    Arbitrary<String> baseUrls() {
        Arbitrary<String> segment = Fragments.joined(Arbitraries.oneOf(Fragments.alphanumeric(),
                Arbitraries.of(";", "=", "%41", "-", "~", "@", ":")), 0, 5);
        Arbitrary<String> path = segment.list().ofMaxSize(4).map(s -> s.isEmpty() ? "" : "/" + String.join("/", s));
        return Combinators.combine(Arbitraries.of("http", "https"),
                Arbitraries.of("example.com", "127.0.0.1", "[::1]", "h.example:8443", "a.b:80"),
                path, Arbitraries.of("", "/"), Arbitraries.of("", "?q=1", "?a&b", "?"))
                .as((s, h, p, slash, q) -> s + "://" + h + p + slash + q);
    }

    @Provide
    Arbitrary<String> references() {
        Arbitrary<String> prefix = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("", "/", "./", "../", "../../", "../../../../", "/../", "/./",
                        ".", "..", "?", "#", ";x", "g;x=1/../")),
                Tuple.of(1, Arbitraries.of("//example.org/", "//[::1]:8080", "http://other.example/",
                        "HTTPS://Other.Example:8443/x", "g:h", "mailto:x@y", "//", "///x", "http:x")));
        Arbitrary<String> body = Fragments.joined(Arbitraries.frequencyOf(
                Tuple.of(3, Fragments.alphanumeric()),
                Tuple.of(2, Arbitraries.of("/", "./", "../", "..", ".")),
                Tuple.of(1, Arbitraries.of(Fragments.URL_SPECIALS)),
                Tuple.of(1, Arbitraries.of(Fragments.ESCAPES)),
                Tuple.of(1, Arbitraries.of(Fragments.NON_ASCII))), 0, 8);
        Arbitrary<String> rare = Arbitraries.frequencyOf(Tuple.of(15, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.of(Fragments.CONTROLS)));
        return Combinators.combine(prefix, body, rare, Arbitraries.integers().between(0, 64))
                .as((p, b, r, at) -> Fragments.insertAt(p + b, r, at));
    }

    @Provide
    Arbitrary<String> pathsAndQueries() {
        Arbitrary<String> path = Fragments.joined(Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just("/")),
                Tuple.of(4, Fragments.textWithoutLineBreaks(3))), 0, 5).map(p -> "/" + p);
        return Combinators.combine(path, Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                        Tuple.of(1, Fragments.textWithoutLineBreaks(6).map(q -> "?" + q))))
                .as((p, q) -> p + q);
    }
}
