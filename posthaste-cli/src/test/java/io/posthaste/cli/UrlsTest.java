package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
