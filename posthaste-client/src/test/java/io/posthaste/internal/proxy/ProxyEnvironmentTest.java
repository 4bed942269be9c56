package io.posthaste.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proxy URLs, {@code NO_PROXY} and the environment, read as curl reads them; the environment is
 * handed over as a map, never read from the process.
 */
class ProxyEnvironmentTest {

    @ParameterizedTest
    @CsvSource({
        "http://proxy:3128, HTTP, proxy, 3128, , ",
        "proxy.corp:8080, HTTP, proxy.corp, 8080, , ",
        "https://u:p%40ss@proxy, HTTPS, proxy, 443, u, p@ss",
        "socks5://127.0.0.1, SOCKS5, 127.0.0.1, 1080, , ",
        "SOCKS5H://u:pw@[::1]:9050, SOCKS5H, ::1, 9050, u, pw",
        "socks4a://who@proxy:1081, SOCKS4A, proxy, 1081, who, ",
    })
    void proxyUrlsAreReadAsCurlReadsThem(
            String url, ProxyAddress.Kind kind, String host, int port, String user, String password) {
        assertThat(ProxyAddress.parse(url)).isEqualTo(new ProxyAddress(kind, host, port, user, password));
    }

    @Test
    void aProxyUrlNeverShowsItsPassword() {
        assertThat(ProxyAddress.parse("http://user:hunter2@proxy:3128")).hasToString("http://user@proxy:3128");
        assertThatThrownBy(() -> ProxyAddress.parse("http://user:hunter2@proxy:3128/path"))
                .hasMessageContaining("user:***@")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProxyAddress.parse("gopher://user:hunter2@proxy"))
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @CsvSource({
        // entry,                 host,            port, covered
        "example.com,             example.com,     80,   true",
        "example.com,             api.example.com, 443,  true",
        "example.com,             badexample.com,  80,   false",
        ".example.com,            example.com,     80,   true",
        ".example.com,            a.b.example.com, 80,   true",
        "*.example.com,           a.example.com,   80,   true",
        "EXAMPLE.com.,            Api.Example.COM, 80,   true",
        "10.1.2.3,                10.1.2.3,        80,   true",
        "10.1.2.3,                10.1.2.4,        80,   false",
        "10.0.0.0/8,              10.200.3.4,      80,   true",
        "10.0.0.0/8,              11.0.0.1,        80,   false",
        "192.168.1.0/24,          192.168.1.255,   80,   true",
        "fd00::/8,                fd12::1,         80,   true",
        "fd00::/8,                fe80::1,         80,   false",
        "::1,                     ::1,             80,   true",
        "internal:8080,           internal,        8080, true",
        "internal:8080,           internal,        80,   false",
        "[::1]:8080,              ::1,             8080, true",
        "[::1]:8080,              ::1,             80,   false",
        "*,                       anything.at.all, 80,   true",
        "'localhost, .corp',      svc.corp,        80,   true",
        "'localhost .corp',       localhost,       80,   true",
        "10.0.0.0/8,              intranet,        80,   false",
    })
    void noProxyCoversDomainsWithTheirSubdomainsIpsCidrBlocksAndPorts(
            String entry, String host, int port, boolean covered) {
        assertThat(NoProxy.parse(entry).covers(host, port)).isEqualTo(covered);
    }

    @Test
    void eachSchemeHasItsVariableAllProxyIsTheFallbackAndLowerCaseWins() {
        ProxyEnvironment env = ProxyEnvironment.of(Map.of(
                "http_proxy",
                "http://lower:1",
                "HTTP_PROXY",
                "http://upper:2",
                "HTTPS_PROXY",
                "http://secure:3",
                "ALL_PROXY",
                "socks5h://all:4"));
        assertThat(env.proxyFor(false, "h", 80).host()).isEqualTo("lower");
        assertThat(env.proxyFor(true, "h", 443).host()).isEqualTo("secure");
        ProxyEnvironment onlyAll = ProxyEnvironment.of(Map.of("all_proxy", "socks5h://all:4", "https_proxy", ""));
        assertThat(onlyAll.proxyFor(true, "h", 443)).isEqualTo(ProxyAddress.parse("socks5h://all:4"));
        assertThat(onlyAll.proxyFor(false, "h", 80)).isEqualTo(ProxyAddress.parse("socks5h://all:4"));
        assertThat(ProxyEnvironment.of(Map.of()).proxyFor(false, "h", 80)).isNull();
    }

    @Test
    void noProxyInEitherCaseSendsItsTargetsDirect() {
        ProxyEnvironment env =
                ProxyEnvironment.of(Map.of("HTTPS_PROXY", "http://p:3128", "NO_PROXY", "internal.corp,10.0.0.0/8"));
        assertThat(env.proxyFor(true, "api.internal.corp", 443)).isNull();
        assertThat(env.proxyFor(true, "10.9.9.9", 443)).isNull();
        assertThat(env.proxyFor(true, "example.com", 443)).isNotNull();
        assertThat(ProxyEnvironment.of(Map.of("https_proxy", "http://p:3128", "no_proxy", "*"))
                        .proxyFor(true, "example.com", 443))
                .isNull();
    }

    @Test
    void underCgiUpperCaseHttpProxyIsIgnoredAsTheHttpoxyRuleSays() {
        Map<String, String> cgi =
                Map.of("REQUEST_METHOD", "GET", "HTTP_PROXY", "http://attacker:80", "HTTPS_PROXY", "http://corp:3128");
        ProxyEnvironment env = ProxyEnvironment.of(cgi);
        assertThat(env.proxyFor(false, "example.com", 80)).isNull();
        assertThat(env.proxyFor(true, "example.com", 443).host()).isEqualTo("corp");
        assertThat(ProxyEnvironment.of(Map.of("REQUEST_METHOD", "GET", "http_proxy", "http://admin-set:3128"))
                        .proxyFor(false, "example.com", 80)
                        .host())
                .as("no header can set the lower-case name")
                .isEqualTo("admin-set");
        assertThat(ProxyEnvironment.of(Map.of("HTTP_PROXY", "http://outside-cgi:3128"))
                        .proxyFor(false, "example.com", 80)
                        .host())
                .isEqualTo("outside-cgi");
    }

    @Test
    void aMalformedVariableNamesItselfButNotThePassword() {
        assertThatThrownBy(() -> ProxyEnvironment.of(Map.of("https_proxy", "ftp://u:hunter2@p")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("https_proxy")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theRouteIsTheRequestsOwnThenTheSessionsSocketProxySelectorOrEnvironment() {
        ProxyEnvironment env = ProxyEnvironment.of(Map.of("http_proxy", "http://env:1"));
        Routes fromEnv = Routes.of(null, null, env, null, false);
        assertThat(fromEnv.choose(false, "h", 80, null).proxy().host()).isEqualTo("env");
        assertThat(fromEnv.choose(false, "h", 80, Route.DIRECT)).isEqualTo(Route.DIRECT);
        assertThat(Routes.of("http://fixed:2", null, env, null, false)
                        .choose(false, "h", 80, null)
                        .proxy()
                        .host())
                .isEqualTo("fixed");
        assertThat(Routes.of("direct", null, env, null, false).choose(false, "h", 80, null))
                .isEqualTo(Route.DIRECT);
        assertThat(Routes.DIRECT.choose(true, "h", 443, null)).isEqualTo(Route.DIRECT);
    }
}
