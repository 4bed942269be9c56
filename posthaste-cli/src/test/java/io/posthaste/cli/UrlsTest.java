package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void colonPortIsLocalhost() {
        assertThat(Urls.expand(":8080/x")).isEqualTo("http://localhost:8080/x");
        assertThat(Urls.expand(":8080")).isEqualTo("http://localhost:8080");
        assertThat(Urls.expand(":/x")).isEqualTo("http://localhost/x");
        assertThat(Urls.expand(":")).isEqualTo("http://localhost");
    }

    @Test
    void aUrlWithoutSchemeGetsHttp() {
        assertThat(Urls.expand("localhost:8080/x")).isEqualTo("http://localhost:8080/x");
        assertThat(Urls.expand("example.org")).isEqualTo("http://example.org");
        assertThat(Urls.expand("://example.org")).isEqualTo("http://example.org");
    }

    @Test
    void urlsWithASchemeAreKept() {
        assertThat(Urls.expand("https://example.org/a?b=c")).isEqualTo("https://example.org/a?b=c");
        assertThat(Urls.expand("HTTP://example.org")).isEqualTo("HTTP://example.org");
    }

    @Test
    void relativeLocationsResolveAgainstTheAnsweringUrl() {
        assertThat(Urls.resolve(URI.create("http://h:1/a/b"), "/get")).isEqualTo("http://h:1/get");
        assertThat(Urls.resolve(URI.create("http://h:1/a/b"), "c")).isEqualTo("http://h:1/a/c");
    }

    @Test
    void originsDifferBySchemeHostOrPort() {
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("http://h:80/b"))).isTrue();
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("https://h/a"))).isFalse();
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("http://g/a"))).isFalse();
    }
}
