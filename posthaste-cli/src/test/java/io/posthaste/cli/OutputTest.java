package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What goes to stdout on a terminal and when piped. */
class OutputTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    private static final String COMPACT = "{\"name\":\"john\",\"tags\":[1,true,null]}";
    private static final byte[] BINARY = {'P', 'K', 3, 4, 0, 0, 0, (byte) 0xff, 10};

    private TestServer server() {
        return SERVER.server();
    }

    private void enqueueJson() {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/json")
                .body(COMPACT)
                .build());
    }

    @Test
    void pipedOutputIsTheBodyAloneByteForByte() {
        enqueueJson();
        Cli.Result result = Cli.piped().run(server().url("/user"));
        assertThat(result.out()).isEqualTo(COMPACT);
        assertThat(result.err()).isEmpty();
    }

    @Test
    void terminalOutputHasHeadersAndColouredPrettyJson() {
        enqueueJson();
        Cli.Result result = Cli.onTerminal().run(server().url("/user"));
        assertThat(result.out())
                .startsWith("\u001b[34mHTTP/1.1\u001b[0m \u001b[32m\u001b[1m200 OK\u001b[0m\n")
                .contains("\u001b[36mContent-Type\u001b[0m: application/json\n")
                .endsWith("\n\n{\n"
                        + "    \u001b[34m\"name\"\u001b[0m: \u001b[32m\"john\"\u001b[0m,\n"
                        + "    \u001b[34m\"tags\"\u001b[0m: [\n"
                        + "        \u001b[36m1\u001b[0m,\n"
                        + "        \u001b[33mtrue\u001b[0m,\n"
                        + "        \u001b[35mnull\u001b[0m\n"
                        + "    ]\n"
                        + "}\n");
    }

    @Test
    void noColorKeepsTheFormattingButDropsTheColours() {
        enqueueJson();
        Cli.Result result = Cli.onTerminal().noColor().run("-b", server().url("/user"));
        assertThat(result.out())
                .isEqualTo("{\n    \"name\": \"john\",\n    \"tags\": [\n        1,\n"
                        + "        true,\n        null\n    ]\n}\n");
    }

    @Test
    void prettyOverridesTheDefaultEitherWay() {
        enqueueJson();
        assertThat(Cli.piped().run("--pretty=format", server().url("/user")).out())
                .isEqualTo(
                        "{\n    \"name\": \"john\",\n    \"tags\": [\n        1,\n        true,\n        null\n    ]\n}\n");
        enqueueJson();
        assertThat(Cli.onTerminal()
                        .run("--pretty=none", "-b", server().url("/user"))
                        .out())
                .isEqualTo(COMPACT + "\n");
        enqueueJson();
        assertThat(Cli.piped().run("--pretty=colors", server().url("/user")).out())
                .isEqualTo(COMPACT);
        assertThat(Cli.piped().run("--pretty=loud", server().url("/user")).exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void binaryBodiesAreNotDumpedToATerminalButArePipedIntact() {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/zip")
                .body(BINARY)
                .build());
        Cli.Result terminal = Cli.onTerminal().run("-b", server().url("/file.zip"));
        assertThat(terminal.out()).isEqualTo(Printer.BINARY_NOTE);
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/zip")
                .body(BINARY)
                .build());
        assertThat(Cli.piped().run(server().url("/file.zip")).outBytes()).containsExactly(BINARY);
    }

    @Test
    void textBodiesEndWithANewlineOnATerminalOnly() {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "text/plain")
                .body("no newline")
                .build());
        assertThat(Cli.onTerminal().run("-b", server().url("/t")).out()).isEqualTo("no newline\n");
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "text/plain")
                .body("no newline")
                .build());
        assertThat(Cli.piped().run(server().url("/t")).out()).isEqualTo("no newline");
    }

    @Test
    void invalidJsonServedAsJsonIsShownAsItIs() {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/json")
                .body("{oops")
                .build());
        assertThat(Cli.onTerminal().run("-b", server().url("/bad")).out()).isEqualTo("{oops\n");
    }

    @Test
    void gzipBodiesArePrintedDecoded() {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/json")
                .body(COMPACT)
                .gzip()
                .build());
        assertThat(Cli.piped().run(server().url("/gz")).out()).isEqualTo(COMPACT);
    }

    @Test
    void headResponsesPrintOnlyTheHead() {
        Cli.Result result = Cli.onTerminal().noColor().run("HEAD", server().url("/get"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("HTTP/1.1 200 OK\n").endsWith("\n\n");
    }
}
