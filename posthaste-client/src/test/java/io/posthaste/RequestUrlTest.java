package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.internal.url.RequestUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestUrlTest {

    @Test
    void hostHeaderOmitsDefaultPortAndBracketsIpv6() {
        assertThat(RequestUrl.parse("http://example.com:80/a").hostHeader()).isEqualTo("example.com");
        assertThat(RequestUrl.parse("https://example.com:8443/").hostHeader()).isEqualTo("example.com:8443");
        RequestUrl v6 = RequestUrl.parse("http://[::1]:8080/x");
        assertThat(v6.hostHeader()).isEqualTo("[::1]:8080");
        assertThat(v6.host()).isEqualTo("::1");
    }

    @Test
    void internationalHostIsConvertedToPunycodeOnce() {
        RequestUrl url = RequestUrl.parse("http://bücher.example/ä?q=ü");
        assertThat(url.host()).isEqualTo("xn--bcher-kva.example");
        assertThat(url.target()).isEqualTo("/%C3%A4?q=%C3%BC");
    }

    @Test
    void punycodeHostsStayAsTheyAreAndHostsThatCannotBeConvertedAreRejected() {
        assertThat(RequestUrl.parse("http://xn--bcher-kva.example/").host()).isEqualTo("xn--bcher-kva.example");
        // A label longer than 63 characters once converted fails IDNA: never sent half-converted.
        String tooLong = "\u00e4".repeat(70);
        assertThatThrownBy(() -> RequestUrl.parse("http://" + tooLong + ".example/"))
                .isInstanceOf(io.posthaste.InvalidRequestException.class);
    }

    /** RFC 3986 §5.4.1 and §5.4.2, against the RFC's base "http://a/b/c/d;p?q" (fragments dropped). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "g|/b/c/g",
                "./g|/b/c/g",
                "g/|/b/c/g/",
                "/g|/g",
                "?y|/b/c/d;p?y",
                "g?y|/b/c/g?y",
                "#s|/b/c/d;p?q",
                "g#s|/b/c/g",
                ";x|/b/c/;x",
                "g;x|/b/c/g;x",
                "''|/b/c/d;p?q",
                ".|/b/c/",
                "./|/b/c/",
                "..|/b/",
                "../|/b/",
                "../g|/b/g",
                "../..|/",
                "../../|/",
                "../../g|/g",
                "../../../g|/g",
                "../../../../g|/g",
                "/./g|/g",
                "/../g|/g",
                "g.|/b/c/g.",
                ".g|/b/c/.g",
                "g..|/b/c/g..",
                "..g|/b/c/..g",
                "./../g|/b/g",
                "./g/.|/b/c/g/",
                "g/./h|/b/c/g/h",
                "g/../h|/b/c/h",
                "g;x=1/./y|/b/c/g;x=1/y",
                "g;x=1/../y|/b/c/y"
            })
    void relativeReferencesResolveAsRfc3986Says(String reference, String target) {
        RequestUrl base = RequestUrl.parse("http://a/b/c/d;p?q");
        assertThat(RequestUrl.resolve(base, reference).target()).as(reference).isEqualTo(target);
        assertThat(RequestUrl.resolve(base, "//other/x").hostHeader()).isEqualTo("other");
    }

    @Test
    void userInfoAndFragmentNeverReachTheTarget() {
        RequestUrl url = RequestUrl.parse("http://user:pw@example.com/p?q=1#frag");
        assertThat(url.target()).isEqualTo("/p?q=1");
        assertThat(url.userInfo()).isEqualTo("user:pw");
        assertThat(url.toString()).doesNotContain("pw").doesNotContain("frag");
    }

    @Test
    void encodedPathsAreNotEncodedTwice() {
        assertThat(RequestUrl.parse("http://h/a%20b/%2F").target()).isEqualTo("/a%20b/%2F");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://h/a b",
                "http://h/\r\nX: y",
                "http://h/\u0000",
                "ftp://h/",
                "file:///etc/passwd",
                "javascript:alert(1)",
                "http://a\\b@c/",
                "http://a%2Fb/",
                "http://a%40b/",
                "http://h:99999/",
                "http://h:/",
                "/relative",
                "http://"
            })
    void malformedOrAmbiguousUrlsAreRejected(String url) {
        assertThatThrownBy(() -> RequestUrl.parse(url)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void hostAfterTheLastAtSignIsTheOneConnectedTo() {
        RequestUrl url = RequestUrl.parse("http://evil.com#@good.com/");
        assertThat(url.host()).isEqualTo("evil.com");
        assertThatThrownBy(() -> RequestUrl.parse("http://a@b@c/")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void urlParsingIsLinearOnAMegabyteOfAtSigns() {
        String evil = "http://" + "@".repeat(1 << 20) + "h/";
        long start = System.nanoTime();
        assertThatThrownBy(() -> RequestUrl.parse(evil)).isInstanceOf(InvalidRequestException.class);
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void relativeReferencesResolvePerRfc3986() {
        RequestUrl base = RequestUrl.parse("http://h/api/v1/");
        assertThat(RequestUrl.resolve(base, "users").target()).isEqualTo("/api/v1/users");
        assertThat(RequestUrl.resolve(base, "/users").target()).isEqualTo("/users");
        assertThat(RequestUrl.resolve(RequestUrl.parse("http://h/api"), "users").target())
                .isEqualTo("/users");
        assertThat(RequestUrl.resolve(base, "https://other/x").host()).isEqualTo("other");
    }
}
