package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code posthaste --help} is laid out to the terminal's width: no line is wider, and the item
 * table and the exit codes wrap between words, under their own column (a hanging indent).
 */
class HelpTest {

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {55, 60, 72, 80, 100, 120, 160})
    void noLineIsWiderThanTheTerminal(int width) {
        Cli.Result help = Cli.piped().columns(width).run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out().lines())
                .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(width));
    }

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {55, 60, 72, 80, 100, 120, 160})
    void itemsAndExitCodesWrapBetweenWordsUnderTheirOwnColumn(int width) {
        List<String> lines =
                Cli.piped().columns(width).run("--help").out().lines().toList();
        assertThat(rows(lines, "Items:", HelpText.ITEMS)).containsExactlyEntriesOf(asMap(HelpText.ITEMS));
        assertThat(rows(lines, "Exit codes:", HelpText.EXIT_CODES))
                .containsExactlyEntriesOf(asMap(HelpText.EXIT_CODES));
    }

    @Test
    void noLineBreaksAWordAtAnyWidth() {
        // Every word of the help as it reads unwrapped; a word cut in two leaves pieces not in it.
        Set<String> words = Set.copyOf(
                List.of(Cli.piped().columns(10_000).run("--help").out().split("\\s+")));
        Map<Integer, List<String>> pieces = new LinkedHashMap<>();
        for (int width = HelpText.MIN_WIDTH; width <= 160; width++) {
            String help = Cli.piped().columns(width).run("--help").out();
            // A backslash continues an example that is too long, as in a shell.
            List<String> cut = Stream.of(help.split("\\s+"))
                    .filter(word -> !words.contains(word) && !word.equals("\\"))
                    .toList();
            if (!cut.isEmpty()) {
                pieces.put(width, cut);
            }
        }
        assertThat(pieces).as("pieces of words, by width").isEmpty();
    }

    @Test
    void aWideTerminalKeepsEachItemOnOneLine() {
        List<String> lines =
                Cli.piped().columns(200).run("--help").out().lines().toList();
        int start = lines.indexOf("Items:");
        assertThat(lines.subList(start + 1, start + 1 + HelpText.ITEMS.size()))
                .allSatisfy(line -> assertThat(line).startsWith("  ").doesNotStartWith("   "));
    }

    @Test
    void theExitCodesAreThoseOfCliMd() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "CLI.md"));
        Map<String, String> documented = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : guide.lines().toList()) {
            if (line.equals("| Code | Meaning |")) {
                inTable = true;
            } else if (inTable && line.startsWith("| ") && !line.startsWith("|---")) {
                String[] cells = line.split(" \\| ");
                documented.put(
                        cells[0].substring(2),
                        cells[1].replace(" |", "").replace("`", "").strip());
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        assertThat(documented).containsExactlyEntriesOf(asMap(HelpText.EXIT_CODES));
    }

    /**
     * Reads back a table: each row starts with two spaces and its term; its text starts on that
     * line (or, for a term too wide for its column, on the next) and goes on in lines that all
     * start at the text's column. Returns each term's text with its lines joined by a space, so a
     * word cut in two would come back as two words.
     */
    private static Map<String, String> rows(List<String> lines, String heading, List<HelpText.Row> expected) {
        int at = lines.indexOf(heading);
        assertThat(at).as(heading).isNotNegative();
        Map<String, String> read = new LinkedHashMap<>();
        int column = -1;
        at++;
        for (HelpText.Row row : expected) {
            String first = lines.get(at++);
            assertThat(first).startsWith("  " + row.term());
            List<String> text = new ArrayList<>();
            String rest = first.substring(2 + row.term().length());
            if (!rest.isBlank()) {
                int start = 2
                        + row.term().length()
                        + (rest.length() - rest.stripLeading().length());
                column = column < 0 ? start : column;
                assertThat(start).as("text column of " + row.term()).isEqualTo(column);
                text.add(rest.strip());
            }
            while (at < lines.size() && lines.get(at).startsWith("    ")) {
                String next = lines.get(at++);
                int start = next.length() - next.stripLeading().length();
                column = column < 0 ? start : column;
                assertThat(start).as("hanging indent under " + row.term()).isEqualTo(column);
                text.add(next.strip());
            }
            read.put(row.term(), String.join(" ", text));
        }
        assertThat(at == lines.size() || lines.get(at).isBlank())
                .as("the table ends after its rows")
                .isTrue();
        return read;
    }

    private static Map<String, String> asMap(List<HelpText.Row> rows) {
        Map<String, String> map = new LinkedHashMap<>();
        rows.forEach(row -> map.put(row.term(), row.text()));
        return map;
    }
}
