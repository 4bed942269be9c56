package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CookiesTest {

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static URI uri(String url) {
        return URI.create(url);
    }

    /** Sends every host name to this test's server, so cookies can come from any domain. */
    private HostResolver toThisServer() {
        return host -> List.of(InetAddress.getByName(server.host()));
    }

    private String at(String host, String path) {
        return "http://" + host + ":" + server.port() + path;
    }

    @Test
    void setCookieIsStoredAndSentBackOnLaterRequests() {
        try (ClientSession session = ClientSession.builder()
                .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                .build()) {
            Response response =
                    session.get(server.url("/cookies/set?flavour=oat")).send();

            assertThat(response.json().at("/cookies/flavour").asText()).isEqualTo("oat");
            assertThat(session.get(server.url("/cookies"))
                            .send()
                            .json()
                            .at("/cookies/flavour")
                            .asText())
                    .isEqualTo("oat");
        }
    }

    @Test
    void cookiesFromIpHostsNeedAnOptIn() {
        try (ClientSession session = ClientSession.create()) {
            session.get(server.url("/cookies/set?flavour=oat")).send();
            assertThat(session.cookieJar().all()).isEmpty();
        }
    }

    @Test
    void sessionsBuiltWithTheDefaultJarNeverShareCookies() {
        // A host name, not 127.0.0.1: the default jar keeps no cookies from IP addresses, and a
        // test whose first session kept nothing could not tell a shared jar from two.
        try (ClientSession one =
                        ClientSession.builder().resolver(toThisServer()).build();
                ClientSession two =
                        ClientSession.builder().resolver(toThisServer()).build()) {
            one.get(at("site.test", "/cookies/set?a=1")).send();

            assertThat(one.get(at("site.test", "/cookies"))
                            .send()
                            .json()
                            .at("/cookies/a")
                            .asText())
                    .isEqualTo("1");
            assertThat(two.get(at("site.test", "/cookies"))
                            .send()
                            .json()
                            .get("cookies")
                            .size())
                    .isZero();
            assertThat(two.cookieJar().all()).isEmpty();
        }
    }

    @Test
    void aDomainCookieForAPublicSuffixNeverReachesOtherSitesUnderIt() {
        try (ClientSession session =
                ClientSession.builder().resolver(toThisServer()).build()) {
            server.enqueue(MockResponse.builder()
                    .header("Set-Cookie", "il=1; Domain=co.il")
                    .header("Set-Cookie", "site=1; Domain=example.co.il")
                    .build());
            session.get(at("shop.example.co.il", "/")).send();
            server.enqueue(MockResponse.builder()
                    .header("Set-Cookie", "ar=1; Domain=.com.ar")
                    .build());
            session.get(at("shop.example.com.ar", "/")).send();
            server.takeRequest();
            server.takeRequest();

            session.get(at("www.example.co.il", "/get")).send();
            assertThat(server.takeRequest().header("Cookie")).isEqualTo("site=1");
            session.get(at("other.co.il", "/get")).send();
            session.get(at("other.com.ar", "/get")).send();
            assertThat(server.takeRequest().header("Cookie")).isNull();
            assertThat(server.takeRequest().header("Cookie")).isNull();
            assertThat(session.cookieJar().all()).extracting(Cookie::name).containsExactly("site");
        }
    }

    @Test
    void aHostThatIsItselfAPublicSuffixGetsAHostOnlyCookieForThatDomain() {
        try (ClientSession session =
                ClientSession.builder().resolver(toThisServer()).build()) {
            server.enqueue(MockResponse.builder()
                    .header("Set-Cookie", "own=1; Domain=co.il")
                    .build());
            session.get(at("co.il", "/")).send();
            server.takeRequest();

            session.get(at("co.il", "/get")).send();
            assertThat(server.takeRequest().header("Cookie")).isEqualTo("own=1");
            session.get(at("example.co.il", "/get")).send();
            assertThat(server.takeRequest().header("Cookie")).isNull();
            assertThat(session.cookieJar().all())
                    .singleElement()
                    .satisfies(c -> assertThat(c.hostOnly()).isTrue())
                    .satisfies(c -> assertThat(c.domain()).isEqualTo("co.il"));
        }
    }

    /** Every kind of Public Suffix List rule, in the form a Domain attribute or a host may take. */
    @ParameterizedTest(name = "Domain={1} from {0}")
    @CsvSource({
        "www.example.co.il, co.il", // a normal rule of two labels
        "www.example.com.ar, COM.AR.", // the same, in capitals with the root's dot
        "www.foo.bar.ck, bar.ck", // *.ck: every name directly under ck is a suffix
        "www.shop.foo.kawasaki.jp, foo.kawasaki.jp", // *.kawasaki.jp, three labels
        "www.example.xn--55qx5d.cn, xn--55qx5d.cn", // 公司.cn, listed in Unicode, as punycode
        "www.example.xn--55qx5d.cn, 公司.cn", // the same suffix named in Unicode
        "me.github.io, github.io", // the list's private section: one site per user
        "www.example.corp, corp", // a TLD the list does not know: the default rule
    })
    void aDomainCookieForAnySuffixTheListNamesIsDropped(String host, String domain) {
        CookieJar jar = CookieJar.inMemory();
        jar.save(uri("https://" + host + "/"), List.of("super=1; Domain=" + domain, "own=1"));
        assertThat(jar.all()).extracting(Cookie::name).containsExactly("own");
    }

    /** Where a Domain attribute names a site, not a suffix, the cookie goes to the site's hosts. */
    @ParameterizedTest(name = "Domain={1} from {0}")
    @CsvSource({
        "www.example.co.il, example.co.il, app.example.co.il",
        "www.ck, www.ck, app.www.ck", // !www.ck: the exception to *.ck is a site
        "www.city.kawasaki.jp, city.kawasaki.jp, app.city.kawasaki.jp", // another exception
        "www.xn--85x722f.xn--55qx5d.cn, xn--85x722f.xn--55qx5d.cn, app.xn--85x722f.xn--55qx5d.cn",
        "www.xn--85x722f.xn--55qx5d.cn, 食狮.公司.cn, app.xn--85x722f.xn--55qx5d.cn",
        "www.example.corp, example.corp, app.example.corp",
    })
    void aDomainCookieForARegistrableDomainIsSharedWithItsHosts(String host, String domain, String sibling) {
        CookieJar jar = CookieJar.inMemory();
        jar.save(uri("https://" + host + "/"), List.of("site=1; Domain=" + domain));
        assertThat(jar.load(uri("https://" + sibling + "/")))
                .extracting(Cookie::name)
                .containsExactly("site");
    }

    /**
     * A jar is the caller's code and may fail, here inside the callback of a finished exchange:
     * the save after the first response, the load before the redirect's hop.
     */
    @ParameterizedTest(name = "{0} fails")
    @ValueSource(strings = {"save", "load"})
    void aCookieJarThatFailsFailsTheCallInsteadOfLeavingItHanging(String failing) {
        IllegalStateException failure = new IllegalStateException("the jar failed");
        CookieJar jar = new CookieJar() {
            @Override
            public void save(URI url, List<String> setCookieHeaders) {
                if (failing.equals("save")) {
                    throw failure;
                }
            }

            @Override
            public List<Cookie> load(URI url) {
                if (failing.equals("load") && url.getPath().equals("/cookies")) {
                    throw failure;
                }
                return List.of();
            }

            @Override
            public List<Cookie> all() {
                return List.of();
            }

            @Override
            public void clear() {}
        };
        try (ClientSession session = ClientSession.builder().cookieJar(jar).build()) {
            // /cookies/set answers 302 to /cookies with a Set-Cookie.
            assertThat(session.get(server.url("/cookies/set?a=1")).sendAsync())
                    .failsWithin(Duration.ofSeconds(5))
                    .withThrowableThat()
                    .havingCause()
                    .isSameAs(failure);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5),
                    () -> assertThatThrownBy(() ->
                                    session.get(server.url("/cookies/set?a=1")).send())
                            .isSameAs(failure));
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void explicitCookiesWinAndNeverFollowARedirectToAnotherOrigin() {
        try (TestServer other = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                        .build()) {
            session.get(server.url("/cookies/set?a=jar&b=jar")).send();
            server.takeRequest();
            server.takeRequest();

            session.get(server.url("/cookies")).header("Cookie", "a=mine").send();
            assertThat(server.takeRequest().header("Cookie")).isEqualTo("a=mine; b=jar");

            session.get(server.url(
                            "/redirect-to?url=" + URLEncoder.encode(other.url("/cookies"), StandardCharsets.UTF_8)))
                    .header("Cookie", "a=mine")
                    .send();
            RecordedRequest atOther = other.takeRequest();
            // Cookies ignore ports (RFC 6265 §8.5): the jar's own cookies for 127.0.0.1 go along,
            // the hand-set one does not.
            assertThat(atOther.header("Cookie")).isEqualTo("a=jar; b=jar");
        }
    }

    @Test
    void cookiesForForeignDomainsPublicSuffixesOrWithControlCharactersAreDropped() {
        CookieJar jar = CookieJar.inMemory();
        URI site = uri("https://www.example.com/a/b");
        jar.save(
                site,
                List.of(
                        "foreign=1; Domain=evil.com",
                        "tld=1; Domain=com",
                        "suffix=1; Domain=CO.UK.",
                        "ctl=a\u0001b",
                        "ok=1; Domain=.Example.com",
                        "mine=1"));

        assertThat(jar.all()).extracting(Cookie::name).containsExactlyInAnyOrder("ok", "mine");
        Cookie domainCookie = jar.all().stream()
                .filter(c -> c.name().equals("ok"))
                .findFirst()
                .orElseThrow();
        assertThat(domainCookie.domain()).isEqualTo("example.com");
        assertThat(domainCookie.hostOnly()).isFalse();
    }

    @Test
    void domainPathAndSecureRulesDecideWhatIsSent() {
        CookieJar jar = CookieJar.inMemory();
        jar.save(
                uri("https://www.example.com/docs/index.html"),
                List.of("host=1", "wide=1; Domain=example.com; Path=/", "tls=1; Secure; Path=/"));

        assertThat(jar.load(uri("https://www.example.com/docs/x")))
                .extracting(Cookie::name)
                .containsExactly("host", "wide", "tls");
        assertThat(jar.load(uri("http://api.example.com/")))
                .extracting(Cookie::name)
                .containsExactly("wide");
        assertThat(jar.load(uri("https://www.example.com/other")))
                .extracting(Cookie::name)
                .containsExactly("wide", "tls");
        assertThat(jar.load(uri("https://example.org/"))).isEmpty();
    }

    @Test
    void maxAgeZeroDeletesAndPastExpiryIsNeverStored() {
        CookieJar jar = CookieJar.inMemory();
        URI site = uri("http://example.com/");
        jar.save(site, List.of("a=1", "b=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT"));
        jar.save(site, List.of("a=gone; Max-Age=0"));
        assertThat(jar.all()).isEmpty();
    }

    @Test
    void aDomainKeepsAtMostFiftyCookies() {
        CookieJar jar = CookieJar.inMemory();
        URI site = uri("http://example.com/");
        for (int i = 0; i < 60; i++) {
            jar.save(site, List.of("c" + i + "=1"));
        }
        assertThat(jar.all())
                .hasSize(50)
                .extracting(Cookie::name)
                .doesNotContain("c0")
                .contains("c59");
        assertThat(jar.all().get(0).toString()).doesNotContain("=1");
    }
}
