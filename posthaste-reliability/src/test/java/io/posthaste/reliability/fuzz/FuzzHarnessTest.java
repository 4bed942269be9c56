package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The harness's own contracts: replayable cases, the failure report, shrinking, the combinators. */
class FuzzHarnessTest {

    private static final Gen<List<String>> TEXTS = Fragments.anyText(20).list(0, 8);

    @Test
    void aCaseIsTheSameFromItsSeedAndIndexAlone() {
        for (int i = 0; i < 200; i++) {
            assertThat(TEXTS.next(Fuzz.random(42, i))).isEqualTo(TEXTS.next(Fuzz.random(42, i)));
        }
        assertThat(TEXTS.next(Fuzz.random(42, 1))).isNotEqualTo(TEXTS.next(Fuzz.random(43, 1)));
    }

    @Test
    void everyTryRunsWhenThePropertyHolds() {
        AtomicInteger runs = new AtomicInteger();
        Fuzz.check("counts", 321, Gen.ints(0, 9), n -> {
            assertThat(n).isBetween(0, 9);
            runs.incrementAndGet();
        });
        assertThat(runs.get()).isEqualTo(FuzzBudget.onlyCase().isPresent() ? 1 : FuzzBudget.tries(321));
    }

    @Test
    void aFailureNamesThePropertySeedCaseAndEscapedInputWithTheCause() {
        Gen<String> withNul = r -> "a\u0000b\r\n" + "x".repeat(5000);
        assertThatThrownBy(() ->
                        Fuzz.check("refusesNul", 10, withNul, s -> assertThat(s).doesNotContain("\0")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FuzzHarnessTest.refusesNul failed at case ")
                .hasMessageContaining("(seed ")
                .hasMessageContaining("input: \"a\\0b\\r\\n")
                .hasMessageContaining("more characters)")
                .hasMessageContaining("-Dfuzz.seed=")
                .cause()
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void recordsListsAndBytesArePrintedComponentByComponentEscaped() {
        var noise = new ResponseDecoderProperties.Noise(new byte[] {'a', 0, (byte) 0xff}, List.of(1, 2), true);
        assertThat(InputText.of(noise)).isEqualTo("Noise[bytes=bytes[3]\"a\\x00\\xff\", cuts=[1, 2], close=true]");
        assertThat(InputText.of(List.of(java.util.Map.entry("k\u2028", "\ufeff\t"))))
                .isEqualTo("[\"k\\u2028\"=\"\\uFEFF\\t\"]");
    }

    @Test
    void aFailingListShrinksToTheElementThatFails() {
        Gen<List<Integer>> lists = Gen.ints(0, 100).list(0, 40);
        // A random seed may make [42] itself the first failing list: then there is nothing to
        // shrink, and the message has no "shrunk" line (1 run in a few hundred).
        assertThatThrownBy(() -> Fuzz.check(
                        "noFortyTwo", 2000, lists, list -> assertThat(list).doesNotContain(42)))
                .satisfies(failure -> assertThat(failure.getMessage())
                        .as("shrunk to [42], unless the first failing list was [42] itself")
                        .containsAnyOf("shrunk (", "input: [42]\n")
                        .containsAnyOf("to: [42]", "input: [42]\n"));
    }

    @Test
    void shrinkingKeepsTheMinimumSizeAndFilters() {
        Gen<List<Integer>> lists = Gen.ints(0, 100).list(2, 5).filter(l -> l.get(0) != 3);
        assertThat(lists.shrink(List.of(1, 2, 3)))
                .allSatisfy(l -> assertThat(l).hasSizeGreaterThanOrEqualTo(2))
                .doesNotContain(List.of(3, 2), List.of(3));
        assertThat(Gen.ints(0, 1).map(i -> i).shrink(1)).isEmpty();
    }

    @Test
    void boundedGeneratorsReachTheirEdgesAndStayWithinThem() {
        List<Integer> ints = draw(Gen.ints(-3, 1000), 400);
        assertThat(ints).allSatisfy(i -> assertThat(i).isBetween(-3, 1000)).contains(-3, 1000, 0);
        assertThat(draw(Gen.bytes(0, 50), 400))
                .anySatisfy(b -> assertThat(b).isEmpty())
                .anySatisfy(b -> assertThat(b).hasSize(50))
                .allSatisfy(b -> assertThat(b.length).isLessThanOrEqualTo(50));
        assertThat(draw(Gen.anyInt(), 400)).contains(Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
        assertThat(draw(Gen.frequency(Gen.weight(1, Gen.constant("a")), Gen.weight(3, Gen.constant("b"))), 4000))
                .filteredOn("a"::equals)
                .hasSizeBetween(800, 1200);
        assertThatThrownBy(() -> Gen.ints(0, 9).filter(i -> i > 9).next(Fuzz.random(1, 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    static <T> List<T> draw(Gen<T> gen, int n) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(gen.next(Fuzz.random(7, i)));
        }
        return out;
    }
}
