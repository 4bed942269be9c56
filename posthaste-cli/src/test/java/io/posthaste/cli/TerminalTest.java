package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The terminal's width: COLUMNS, else what the terminal says, else 80; worked out once, when needed. */
class TerminalTest {

    @Test
    void theWidthIsColumnsThenTheTerminalsAnswerThenEighty() {
        assertThat(Terminal.columnsOnDemand("120", () -> 70).getAsInt()).isEqualTo(120);
        assertThat(Terminal.columnsOnDemand(" 61 ", () -> 70).getAsInt()).isEqualTo(61);
        assertThat(Terminal.columnsOnDemand(null, () -> 70).getAsInt()).isEqualTo(70);
        assertThat(Terminal.columnsOnDemand("wide", () -> 70).getAsInt()).isEqualTo(70);
        assertThat(Terminal.columnsOnDemand(null, () -> -1).getAsInt()).isEqualTo(80);
        assertThat(Terminal.columnsOnDemand("", () -> 0).getAsInt()).isEqualTo(80);
        assertThat(Terminal.columnsOnDemand("3", () -> 70).getAsInt()).isEqualTo(Terminal.MIN_COLUMNS);
    }

    @Test
    void theTerminalIsAskedOnlyWhenAWidthIsNeededAndOnlyOnce() {
        AtomicInteger asked = new AtomicInteger();
        IntSupplier width = Terminal.columnsOnDemand(null, () -> {
            asked.incrementAndGet();
            return 93;
        });
        assertThat(asked).hasValue(0);
        assertThat(width.getAsInt()).isEqualTo(93);
        assertThat(width.getAsInt()).isEqualTo(93);
        assertThat(asked).hasValue(1);
    }
}
