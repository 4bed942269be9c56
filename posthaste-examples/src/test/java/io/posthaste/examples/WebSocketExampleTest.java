package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.WebSocketEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebSocketExampleTest {

    @Test
    void theExampleSendsItsLinesAndPrintsEveryEchoBeforeTheClose() {
        WebSocketEndpoint chat = WebSocketEndpoint.builder()
                .subprotocols("chat.v1")
                .text("welcome")
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.mount("/chat", chat);
            int code = WebSocketExample.chat(
                    session,
                    server.url("/chat").replace("http://", "ws://"),
                    List.of("hello", "how are you?"),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1000);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("welcome\nhello\nhow are you?\n");
        assertThat(chat.messages()).containsExactly("hello", "how are you?");
        assertThat(chat.closeCodes()).containsExactly(1000);
    }

    @Test
    void theReadmeShowsTheExampleWordForWord() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/main/java/io/posthaste/examples/WebSocketExample.java"));
        List<String> lines = source.subList(
                source.indexOf("        // snippet: websocket") + 1, source.indexOf("        // end snippet"));
        String snippet = lines.stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains(snippet);
        assertThat(Arrays.asList(readme.split("\n"))).contains("## WebSocket");
    }
}
