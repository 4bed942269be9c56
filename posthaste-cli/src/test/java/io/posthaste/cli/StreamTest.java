package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.EventStreamEndpoint;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --stream}: the body printed as it arrives, a Server-Sent Events stream event by event. */
class StreamTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    /** One event, then a stream that stays open and quiet until the client's read timeout. */
    private static MockResponse oneEventThenSilence() {
        return MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .body("id: 1\ndata: one\n\ndata: never\n\n")
                .chunked(17)
                .chunkPause(Duration.ofMinutes(10))
                .build();
    }

    @Test
    void anEventStreamIsPrintedEventByEventAsItArrives() {
        SERVER.server().enqueue(oneEventThenSilence());
        Cli.Result result =
                Cli.piped().run("--stream", "--timeout", "1", SERVER.server().url("/events"));
        // The first event was out before the stream stalled and timed out.
        assertThat(result.out()).isEqualTo("id: 1\ndata: one\n\n");
        assertThat(result.err()).contains("timed out");
    }

    @Test
    void withoutStreamAStalledBodyPrintsNothing() {
        SERVER.server().enqueue(oneEventThenSilence());
        Cli.Result result = Cli.piped().run("--timeout", "1", SERVER.server().url("/events"));
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("timed out");
    }

    @Test
    void pipedStreamOutputIsTheBodyByteForByte() {
        SERVER.server()
                .mount(
                        "/feed",
                        EventStreamEndpoint.builder()
                                .raw(": hello\r\n")
                                .event("1", "tick", "a\nb")
                                .pause(Duration.ofMillis(20))
                                .build());
        Cli.Result result = Cli.piped().run("--stream", SERVER.server().url("/feed"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(": hello\r\nid: 1\nevent: tick\ndata: a\ndata: b\n\n");
    }

    @Test
    void onATerminalTheHeadComesFirstAndEventFieldNamesAreColoured() {
        SERVER.server()
                .mount(
                        "/feed",
                        EventStreamEndpoint.builder().event("7", null, "x").build());
        Cli.Result result = Cli.onTerminal().run("--stream", SERVER.server().url("/feed"));
        assertThat(result.out())
                .contains("\u001b[36mContent-Type\u001b[0m: text/event-stream\n")
                .endsWith("\n\n\u001b[36mid\u001b[0m: 7\n\u001b[36mdata\u001b[0m: x\n\n");
    }

    @Test
    void anyOtherBodyStreamsLineByLineUnformatted() {
        SERVER.server()
                .enqueue(MockResponse.builder()
                        .header("Content-Type", "application/json")
                        .body("{\"a\":1}\n{\"b\":2}")
                        .build());
        Cli.Result result =
                Cli.onTerminal().run("--stream", "-b", SERVER.server().url("/ndjson"));
        assertThat(result.out()).isEqualTo("{\"a\":1}\n{\"b\":2}");
    }
}
