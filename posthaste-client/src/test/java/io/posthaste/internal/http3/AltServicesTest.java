package io.posthaste.internal.http3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Alt-Svc grammar (RFC 7838 section 3) and a session's memory of it, on a fake clock: what is
 * used, for how long, what replaces or clears it, how long a failed origin rests, and the bound.
 */
class AltServicesTest {

    private long now = 1_000;
    private final AltServices memory = new AltServices(Set.of(), () -> now);

    private void advance(Duration by) {
        now += by.toNanos();
    }

    @Test
    void theParserReadsProtocolsAuthoritiesMaxAgesAndSkipsWhatIsMalformed() {
        AltSvc.Parsed parsed = AltSvc.parse("h3=\":443\"; ma=3600, h3-29=\":8443\", h2=\"alt.example:443\";"
                + " persist=1, bad, h3=\"noport\", h3=\"[::1]:9443\"; ma=60, h3%2D30=\":1\"; ma=x");
        assertThat(parsed.clear()).isFalse();
        assertThat(parsed.alternatives())
                .containsExactly(
                        new AltSvc.Alternative("h3", "", 443, 3600),
                        new AltSvc.Alternative("h3-29", "", 8443, AltSvc.DEFAULT_MAX_AGE_SECONDS),
                        new AltSvc.Alternative("h2", "alt.example", 443, AltSvc.DEFAULT_MAX_AGE_SECONDS),
                        new AltSvc.Alternative("h3", "::1", 9443, 60));
        assertThat(AltSvc.parse(" clear ").clear()).isTrue();
        assertThat(AltSvc.parse("h3=\":443\"; ma=99999999999999999999999")
                        .alternatives()
                        .get(0)
                        .maxAgeSeconds())
                .isEqualTo(AltSvc.MAX_AGE_CAP_SECONDS);
        assertThat(AltSvc.parse("h3=\":443, h2=\":1\"").alternatives()).isEmpty();
    }

    @Test
    void anAdvertisedH3IsUsedForItsMaxAgeAndNotAfter() {
        memory.observe("example.com", 443, List.of("h2=\":443\", h3=\":8443\"; ma=60"));

        assertThat(memory.route("example.com", 443)).isEqualTo(new AltServices.Endpoint("example.com", 8443));
        assertThat(memory.route("example.com", 444)).isNull();
        advance(Duration.ofSeconds(59));
        assertThat(memory.route("example.com", 443)).isNotNull();
        advance(Duration.ofSeconds(1));
        assertThat(memory.route("example.com", 443)).isNull();
    }

    @Test
    void aNewAdvertisementReplacesTheOldAndClearOrAListWithoutH3ForgetsIt() {
        memory.observe("example.com", 443, List.of("h3=\":443\""));
        memory.observe("example.com", 443, List.of("h3=\":9000\"; ma=10"));
        assertThat(memory.route("example.com", 443).port()).isEqualTo(9000);

        memory.observe("example.com", 443, List.of("clear"));
        assertThat(memory.route("example.com", 443)).isNull();

        memory.observe("example.com", 443, List.of("h3=\":443\""));
        memory.observe("example.com", 443, List.of("h2=\":443\""));
        assertThat(memory.route("example.com", 443)).isNull();

        memory.observe("example.com", 443, List.of("h3=\":443\""));
        memory.observe("example.com", 443, List.of());
        assertThat(memory.route("example.com", 443))
                .as("no Alt-Svc at all changes nothing")
                .isNotNull();
    }

    @Test
    void anAlternativeOnAnotherHostOrWithMaxAgeZeroIsNotUsed() {
        memory.observe("example.com", 443, List.of("h3=\"evil.example:443\""));
        assertThat(memory.route("example.com", 443)).isNull();
        memory.observe("example.com", 443, List.of("h3=\"EXAMPLE.com:443\""));
        assertThat(memory.route("example.com", 443)).isNotNull();
        memory.observe("example.com", 443, List.of("h3=\":443\"; ma=0"));
        assertThat(memory.route("example.com", 443)).isNull();
    }

    @Test
    void aFailedOriginRestsFiveMinutesDoublingWithEachFailureUntilASuccess() {
        AltServices known = new AltServices(Set.of("example.com:443"), () -> now);
        assertThat(known.route("example.com", 443)).isEqualTo(new AltServices.Endpoint("example.com", 443));

        known.failed("example.com", 443);
        assertThat(known.route("example.com", 443)).isNull();
        advance(Duration.ofMinutes(5));
        assertThat(known.route("example.com", 443)).isNotNull();

        known.failed("example.com", 443);
        advance(Duration.ofMinutes(9));
        assertThat(known.route("example.com", 443))
                .as("second failure: ten minutes")
                .isNull();
        advance(Duration.ofMinutes(1));
        assertThat(known.route("example.com", 443)).isNotNull();

        known.succeeded("example.com", 443);
        known.failed("example.com", 443);
        advance(Duration.ofMinutes(5));
        assertThat(known.route("example.com", 443))
                .as("a success forgave the failures")
                .isNotNull();

        for (int i = 0; i < 40; i++) {
            known.failed("example.com", 443);
        }
        advance(Duration.ofHours(AltServices.BROKEN_MAX_HOURS));
        assertThat(known.route("example.com", 443)).as("capped").isNotNull();
    }

    @Test
    void theMemoryIsBoundedForgettingTheLeastRecentlyUsedOrigin() {
        for (int i = 0; i <= AltServices.MAX_ORIGINS; i++) {
            memory.observe("host" + i + ".example", 443, List.of("h3=\":443\""));
        }
        assertThat(memory.route("host0.example", 443)).isNull();
        assertThat(memory.route("host1.example", 443)).isNotNull();
        assertThat(memory.route("host" + AltServices.MAX_ORIGINS + ".example", 443))
                .isNotNull();
    }
}
