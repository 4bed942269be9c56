package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServerExtension;
import io.posthaste.testing.WebSocketEndpoint;
import io.posthaste.testing.WebSocketFault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code posthaste ws URL}: stdin lines out as messages, messages printed as they arrive. */
class WsCommandTest {

    private static final WebSocketEndpoint ECHO = WebSocketEndpoint.echo();

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass().mount("/echo", ECHO);

    private static String ws(String path) {
        return SERVER.server().url(path).replace("http://", "ws://");
    }

    @Test
    void eachLineGoesAsAMessageAndTheEchoesArePrintedThenEndOfInputClosesNormally() throws Exception {
        Cli.Result result = Cli.piped().stdin("hello\nwörld\n").run("ws", ws("/echo"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("hello\nwörld\n");
        assertThat(result.err()).isEmpty();
        assertThat(ECHO.messages()).containsSubsequence("hello", "wörld");
        assertThat(ECHO.closeCodes()).contains(1000);
    }

    @Test
    void shorthandUrlsHeadersAndSubprotocolsReachTheHandshake() {
        SERVER.server()
                .mount("/chat", WebSocketEndpoint.builder().subprotocols("chat").build());
        String shorthand = ":" + SERVER.server().port() + "/chat";
        Cli.Result result =
                Cli.piped().stdin("hi\n").run("ws", "-H", "X-Token: abc", "--subprotocol", "chat", shorthand);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("hi\n");
        var handshake = SERVER.server().takeRequest();
        assertThat(handshake.header("X-Token")).isEqualTo("abc");
        assertThat(handshake.header("Sec-WebSocket-Protocol")).isEqualTo("chat");
    }

    @Test
    void messagesTheServerSendsOnItsOwnArePrintedAndItsCloseEndsTheCommand() {
        SERVER.server()
                .mount(
                        "/news",
                        WebSocketEndpoint.builder()
                                .text("first")
                                .text("second")
                                .binary(new byte[] {'r', 'a', 'w'})
                                .close(1000, "done")
                                .noEcho()
                                .build());
        Cli.Result piped = Cli.piped().run("ws", ws("/news"));
        assertThat(piped.exitCode()).isZero();
        assertThat(piped.out()).isEqualTo("first\nsecond\nraw");
        Cli.Result onTerminal = Cli.onTerminal().run("ws", ws("/news"));
        assertThat(onTerminal.out()).isEqualTo("first\nsecond\n[binary 3 bytes]\n");
    }

    @Test
    void anAbnormalCloseIsReportedWithItsCodeAndFailsTheCommand() {
        SERVER.server()
                .mount(
                        "/bad",
                        WebSocketEndpoint.builder()
                                .fault(WebSocketFault.INVALID_UTF8)
                                .build());
        Cli.Result result = Cli.piped().run("ws", ws("/bad"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.ERROR);
        assertThat(result.err()).startsWith("posthaste: the WebSocket closed with 1007");
    }

    @Test
    void aRefusedHandshakeExitsWithTheStatusClass() {
        SERVER.server()
                .enqueue(MockResponse.builder().status(403).body("go away").build());
        Cli.Result result = Cli.piped().run("ws", ws("/nope"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.HTTP_4XX);
        assertThat(result.err()).contains("did not open the WebSocket").contains("403");
    }

    @Test
    void aRefusedConnectionIsAConnectionError() {
        Cli.Result result = Cli.piped().run("ws", "ws://127.0.0.1:9/x");
        assertThat(result.exitCode()).isEqualTo(ExitCode.CONNECTION);
        assertThat(result.err()).startsWith("posthaste: connection refused");
    }

    @Test
    void aMalformedHeaderIsAUsageError() {
        Cli.Result result = Cli.piped().run("ws", "-H", "no-colon", ws("/echo"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("NAME:VALUE");
    }
}
