package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
import io.posthaste.testing.EventStreamEndpoint;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventStreamExampleTest {

    @Test
    void theExampleFollowsAFeedThatDropsToItsEndWithEveryEventOnce() {
        EventStreamEndpoint feed = EventStreamEndpoint.builder()
                .retry(Duration.ofMillis(10))
                .event("1", "price", "101.5")
                .event("2", "price", "101.7")
                .event("3", "halt", "closing")
                .dropAfter(2)
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.mount("/prices", feed);
            String last = EventStreamExample.follow(
                    session, server.url("/prices"), new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(last).isEqualTo("3");
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .isEqualTo("1 price: 101.5\n2 price: 101.7\n3 halt: closing\n");
        assertThat(feed.lastEventIds()).containsExactly(null, "2", "3");
    }

    @Test
    void theReadmeShowsTheExampleWordForWord() throws IOException {
        List<String> source =
                Files.readAllLines(Path.of("src/main/java/io/posthaste/examples/EventStreamExample.java"));
        List<String> lines =
                source.subList(source.indexOf("        // snippet: sse") + 1, source.indexOf("        // end snippet"));
        String snippet = lines.stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains(snippet);
        assertThat(Arrays.asList(readme.split("\n"))).contains("## Server-Sent Events");
    }
}
