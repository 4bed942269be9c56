package io.posthaste.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The parts of {@code posthaste --help} that picocli cannot lay out from annotations: the request
 * items and the exit codes, as two-column tables, the paragraphs around them, and the examples,
 * all fitted to the terminal's width ({@link Terminal#columns()}, at least {@value #MIN_WIDTH}).
 * Text wraps between words only, each row's text under its own column (a hanging indent), so a
 * narrow terminal never cuts a phrase or a word the way picocli's re-wrapping of fixed lines did.
 */
final class HelpText {

    /** One row of a table: the term on the left, its text on the right. */
    record Row(String term, String text) {}

    /** The request items; docs/CLI.md's "Items" table says the same at greater length. */
    static final List<Row> ITEMS = List.of(
            new Row("Name:Value", "request header"),
            new Row("Name:", "leave out an automatic header (User-Agent, Accept, Accept-Encoding," + " Content-Type)"),
            new Row("Name;", "header with an empty value"),
            new Row("name==value", "query parameter, added after the URL's own query"),
            new Row("field=value", "data field: a JSON string, or a form field with --form"),
            new Row("field:=json", "data field with a raw JSON value: age:=42 ok:=true" + " tags:='[\"a\",\"b\"]'"),
            new Row("field=@file", "data field whose string value is the file's text"),
            new Row("field:=@file", "data field whose raw JSON value is read from the file"),
            new Row("field@file", "file upload: the body becomes multipart/form-data"),
            new Row("field@file;type=MIME", "file upload with an explicit type"),
            new Row("@file", "the raw request body, from a file"),
            new Row("-", "the raw request body, from standard input"));

    /** The exit codes, word for word those of docs/CLI.md (a test holds them together). */
    static final List<Row> EXIT_CODES = List.of(
            new Row("0", "the request was answered (any status, unless --check-status or --download)"),
            new Row("1", "another error: a file that cannot be read, a broken response, an I/O error"),
            new Row("2", "timeout (connect, TLS handshake, read, write)"),
            new Row(
                    "3, 4, 5",
                    "a 3xx, 4xx or 5xx answer with --check-status or --download (with a warning"
                            + " on stderr when the status line is not shown on a terminal)"),
            new Row("6", "more redirects than --max-redirects with --follow"),
            new Row("7", "connection failed: refused, host not found, closed by the server"),
            new Row(
                    "8",
                    "TLS failure: untrusted certificate, wrong host name, a plain HTTP server at an" + " https:// URL"),
            new Row("64", "usage error: unknown option, malformed item, conflicting bodies, bad URL or" + " header"),
            new Row("130", "interrupted (Ctrl-C)"));

    /** Command lines to copy; one too long for the terminal goes on with a backslash. */
    static final List<String> EXAMPLES = List.of(
            "posthaste demo",
            "posthaste :8080/post name=john age:=42",
            "posthaste -f POST :8080/post username=john password=1234",
            "posthaste :8080/post upload_file@report.pdf",
            "posthaste :8080/headers X-Auth-Token:secret-token",
            "posthaste --offline PUT example.org/api/items/1 done:=true");

    /** picocli refuses narrower usage messages. */
    static final int MIN_WIDTH = 55;

    private static final String INDENT = "  ";
    private static final String GAP = "  ";
    private static final String NL = System.lineSeparator();

    private HelpText() {}

    /**
     * Makes {@code line}'s help use these sections, and its help and that of its subcommands the
     * terminal's width. The width is asked for when help is shown, not before: finding it may
     * mean asking the terminal, which a request has no reason to wait for.
     */
    static void install(CommandLine line, Terminal terminal) {
        // On the root's spec only: CommandLine.setHelpSectionMap would give the subcommands these too.
        UsageMessageSpec usage = line.getCommandSpec().usageMessage();
        Map<String, CommandLine.IHelpSectionRenderer> sections = usage.sectionMap();
        sections.put(
                UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> description(help.commandSpec().usageMessage().width()));
        sections.put(
                UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST,
                help -> exitCodes(help.commandSpec().usageMessage().width()));
        sections.put(
                UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> examples(help.commandSpec().usageMessage().width()));
        usage.sectionMap(sections);
        line.setHelpFactory((spec, colors) -> {
            spec.usageMessage().autoWidth(false).width(Math.max(MIN_WIDTH, terminal.columns()));
            return new CommandLine.Help(spec, colors);
        });
    }

    /** Returns the description section: what the command does, the items, URLs and methods. */
    static String description(int width) {
        StringBuilder text = new StringBuilder();
        paragraph(text, "Sends an HTTP request with httpie's syntax, or runs the demo or the test server.", width);
        text.append(NL).append("Items:").append(NL);
        table(text, ITEMS, width);
        text.append(NL);
        paragraph(
                text,
                "URL shorthands: :8080/x is http://localhost:8080/x, :/x is http://localhost/x;"
                        + " a URL without a scheme gets http://.",
                width);
        paragraph(
                text,
                "Method: GET, or POST when there is a body; a first argument that is a method"
                        + " (get, POST, PROPFIND) is the method.",
                width);
        return text.append(NL).toString();
    }

    /** Returns the exit-code section, heading included. */
    static String exitCodes(int width) {
        StringBuilder text = new StringBuilder(NL).append("Exit codes:").append(NL);
        table(text, EXIT_CODES, width);
        return text.toString();
    }

    /**
     * Returns the examples section, heading included. An example wider than the terminal is
     * broken between words with a backslash, so that it can still be copied and run.
     */
    static String examples(int width) {
        StringBuilder text = new StringBuilder(NL).append("Examples:").append(NL);
        String continued = INDENT + INDENT;
        for (String example : EXAMPLES) {
            List<String> lines = wrap(example, width - continued.length() - " \\".length());
            for (int i = 0; i < lines.size(); i++) {
                text.append(i == 0 ? INDENT : continued)
                        .append(lines.get(i))
                        .append(i < lines.size() - 1 ? " \\" : "")
                        .append(NL);
            }
        }
        return text.toString();
    }

    /**
     * Appends {@code rows}: terms indented by two spaces, texts in a column after the longest
     * term. A term wider than a third of the line would squeeze every text, so it stands alone
     * and its text starts on the next line, in the column.
     */
    static void table(StringBuilder out, List<Row> rows, int width) {
        int widest = rows.stream().mapToInt(row -> row.term().length()).max().orElse(0);
        int termWidth = Math.min(widest, Math.max(1, (width - INDENT.length()) / 3));
        int column = INDENT.length() + termWidth + GAP.length();
        String hanging = " ".repeat(column);
        for (Row row : rows) {
            List<String> lines = wrap(row.text(), width - column);
            String head = INDENT + row.term();
            if (row.term().length() > termWidth) {
                out.append(head).append(NL);
                head = hanging;
            } else {
                head += " ".repeat(column - head.length());
            }
            for (String line : lines) {
                out.append(head).append(line).append(NL);
                head = hanging;
            }
        }
    }

    private static void paragraph(StringBuilder out, String text, int width) {
        wrap(text, width).forEach(line -> out.append(line).append(NL));
    }

    /**
     * Breaks {@code text} into lines of at most {@code width} characters, at spaces only. A word
     * longer than the width gets a line of its own rather than being cut.
     */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
