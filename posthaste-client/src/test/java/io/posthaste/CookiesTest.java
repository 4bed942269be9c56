package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
                .cookieJar(CookieJar.inMemoryAllowingIpHosts()).build()) {
            Response response = session.get(server.url("/cookies/set?flavour=oat")).send();

            assertThat(response.json().at("/cookies/flavour").asText()).isEqualTo("oat");
            assertThat(session.get(server.url("/cookies")).send().json().at("/cookies/flavour").asText())
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
        try (ClientSession one = ClientSession.builder().resolver(toThisServer()).build();
                ClientSession two = ClientSession.builder().resolver(toThisServer()).build()) {
            one.get(at("site.test", "/cookies/set?a=1")).send();

            assertThat(one.get(at("site.test", "/cookies")).send().json().at("/cookies/a").asText())
                    .isEqualTo("1");
            assertThat(two.get(at("site.test", "/cookies")).send().json().get("cookies").size()).isZero();
            assertThat(two.cookieJar().all()).isEmpty();
        }
    }

    @Test
    void explicitCookiesWinAndNeverFollowARedirectToAnotherOrigin() {
        try (TestServer other = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .cookieJar(CookieJar.inMemoryAllowingIpHosts()).build()) {
            session.get(server.url("/cookies/set?a=jar&b=jar")).send();
            server.takeRequest();
            server.takeRequest();

            session.get(server.url("/cookies")).header("Cookie", "a=mine").send();
            assertThat(server.takeRequest().header("Cookie")).isEqualTo("a=mine; b=jar");

            session.get(server.url("/redirect-to?url="
                    + URLEncoder.encode(other.url("/cookies"), StandardCharsets.UTF_8)))
                    .header("Cookie", "a=mine").send();
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
        jar.save(site, List.of("foreign=1; Domain=evil.com", "tld=1; Domain=com", "suffix=1; Domain=CO.UK.",
                "ctl=a\u0001b", "ok=1; Domain=.Example.com", "mine=1"));

        assertThat(jar.all()).extracting(Cookie::name).containsExactlyInAnyOrder("ok", "mine");
        Cookie domainCookie = jar.all().stream().filter(c -> c.name().equals("ok")).findFirst().orElseThrow();
        assertThat(domainCookie.domain()).isEqualTo("example.com");
        assertThat(domainCookie.hostOnly()).isFalse();
    }

    @Test
    void domainPathAndSecureRulesDecideWhatIsSent() {
        CookieJar jar = CookieJar.inMemory();
        jar.save(uri("https://www.example.com/docs/index.html"), List.of(
                "host=1", "wide=1; Domain=example.com; Path=/", "tls=1; Secure; Path=/"));

        assertThat(jar.load(uri("https://www.example.com/docs/x"))).extracting(Cookie::name)
                .containsExactly("host", "wide", "tls");
        assertThat(jar.load(uri("http://api.example.com/"))).extracting(Cookie::name)
                .containsExactly("wide");
        assertThat(jar.load(uri("https://www.example.com/other"))).extracting(Cookie::name)
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
        assertThat(jar.all()).hasSize(50).extracting(Cookie::name).doesNotContain("c0").contains("c59");
        assertThat(jar.all().get(0).toString()).doesNotContain("=1");
    }
}
