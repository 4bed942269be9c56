package io.posthaste.reliability.fuzz;

import static io.posthaste.reliability.fuzz.FuzzHarnessTest.draw;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Guards the generators' reach: within a default run's tries they produce the edges the
 * properties are about (line breaks and NUL, other controls, non-ASCII, percent-escapes, IPv6
 * literals, very long and empty values), so a change that narrows a generator fails here rather
 * than silently weakening a property.
 */
class GeneratorReachTest {

    @Test
    void urlsReachControlsEscapesNonAsciiIpv6AndLongValues() {
        List<String> urls = draw(UrlInputs.urls(), 5000);
        assertReaches(urls, "CR", s -> s.contains("\r"));
        assertReaches(urls, "LF", s -> s.contains("\n"));
        assertReaches(urls, "NUL", s -> s.contains("\0"));
        assertReaches(urls, "DEL", s -> s.contains("\u007f"));
        assertReaches(urls, "non-Latin-1", s -> s.chars().anyMatch(c -> c > 0xff));
        assertReaches(urls, "a surrogate pair", s -> s.contains("😀"));
        assertReaches(urls, "a good escape", s -> s.contains("%41"));
        assertReaches(urls, "a bad escape", s -> s.contains("%zz"));
        assertReaches(urls, "an IPv6 literal", s -> s.contains("[2001:db8::1]"));
        assertReaches(urls, "a zone ID", s -> s.contains("%25eth0"));
        assertReaches(urls, "user info", s -> s.contains("@"));
        assertReaches(urls, "a 1,000+ character run", s -> s.contains("x".repeat(1000)));
        assertReaches(draw(UrlInputs.references(), 5000), "an empty reference", String::isEmpty);
    }

    @Test
    void headerInputsReachEmptyLongAndForbiddenCharacters() {
        Gen<String> values = Fragments.anyText(20);
        List<String> texts = draw(values, 3000);
        assertReaches(texts, "empty", String::isEmpty);
        assertReaches(texts, "HTAB", s -> s.contains("\t"));
        assertReaches(texts, "Latin-1", s -> s.chars().anyMatch(c -> c >= 0x80 && c <= 0xff));
        assertThat(draw(Fragments.textWithoutLineBreaks(20), 3000))
                .noneMatch(s -> s.contains("\r") || s.contains("\n") || s.contains("\0"));
    }

    @Test
    void responsesReachEveryFramingInterimsTrailersAndLongBodies() {
        List<HttpResponses.Response> responses = draw(HttpResponses.responses(true), 2000);
        for (HttpResponses.Framing framing : HttpResponses.Framing.values()) {
            assertReaches(responses, framing.name(), r -> r.framing() == framing);
        }
        assertReaches(responses, "an interim response", r -> r.interim() > 0);
        assertReaches(responses, "trailers", r -> !r.trailers().isEmpty());
        assertReaches(responses, "HTTP/1.0", r -> r.version().equals("HTTP/1.0"));
        assertReaches(responses, "a 10,000+ byte body", r -> r.body().length > 10_000);
        assertReaches(responses, "an empty body", r -> r.body().length == 0);
    }

    private static <T> void assertReaches(List<T> values, String edge, Predicate<T> test) {
        assertThat(values).as("generated values include %s", edge).anyMatch(test);
    }
}
