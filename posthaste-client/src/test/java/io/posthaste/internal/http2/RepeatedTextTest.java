package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a connection keeps of the texts it sent last, so that repeated ones are not copied again. */
class RepeatedTextTest {

    @Test
    void theSameTextGetsTheSameAsciiStringAndAnotherTextANewOne() {
        RepeatedText place = new RepeatedText();

        var first = place.of("posthaste/1.0");
        assertThat((Object) place.of(new String("posthaste/1.0"))).isSameAs(first);
        assertThat((Object) place.of("other")).hasToString("other").isNotSameAs(first);
    }

    @Test
    void theSameNumberGetsTheSameDigitsAndAnotherNumberNewOnes() {
        RepeatedText place = new RepeatedText();

        var zero = place.of(0L);
        assertThat((Object) zero).hasToString("0");
        assertThat((Object) place.of(0L)).isSameAs(zero);
        assertThat((Object) place.of(1024L)).hasToString("1024");
    }

    @Test
    void aNumberIsNeverTakenForTheTextBeforeIt() {
        RepeatedText place = new RepeatedText();

        place.of("abc");

        assertThat((Object) place.of(0L)).hasToString("0");
        assertThat((Object) place.of("0")).hasToString("0");
    }
}
