package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure is one line on stderr and its own exit code; --debug adds the stack trace. */
class ExitCodeTest {

    @TempDir
    Path dir;

    @Test
    void refusedConnectionIsOneLineAndExitSeven() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Cli.Result result = Cli.piped().run("http://127.0.0.1:" + port + "/");
        assertThat(result.exitCode()).isEqualTo(ExitCode.CONNECTION);
        assertThat(result.err()).isEqualTo("posthaste: connection refused: GET http://127.0.0.1:" + port + "/\n");
        assertThat(result.outBytes()).isEmpty();
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Cli.Result result = Cli.piped().run("--debug", "http://127.0.0.1:" + port + "/");
        assertThat(result.exitCode()).isEqualTo(ExitCode.CONNECTION);
        assertThat(result.err()).startsWith("posthaste: connection refused").contains("\tat io.posthaste.");
    }

    @Test
    void aServerThatHangsUpIsAConnectionFailure() {
        try (TestServer server = TestServer.start()) {
            server.enqueue(MockResponse.builder()
                    .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                    .build());
            Cli.Result result = Cli.piped().run(server.url("/get"));
            assertThat(result.exitCode()).isEqualTo(ExitCode.CONNECTION);
            assertThat(result.err())
                    .startsWith("posthaste: connection failed: GET " + server.url("/get"))
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void unknownOptionsAndMissingUrlAreUsageErrors() {
        Cli.Result unknown = Cli.piped().run("--frobnicate", "example.org");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err())
                .startsWith("posthaste: Unknown option: '--frobnicate'")
                .endsWith("(see posthaste --help)\n");
        Cli.Result missing = Cli.piped().run();
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("missing URL");
    }

    @Test
    void malformedItemsAndHeadersAreUsageErrors() {
        assertThat(Cli.piped().run("--offline", "example.org", "oops").err())
                .startsWith("posthaste: not a request item: 'oops'");
        Cli.Result badJson = Cli.piped().run("--offline", "example.org", "n:={");
        assertThat(badJson.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badJson.err()).startsWith("posthaste: not valid JSON in 'n'");
        Cli.Result badHeader = Cli.piped().run("--offline", "example.org", "Bad Name:x");
        assertThat(badHeader.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badHeader.err()).startsWith("posthaste: invalid request:");
        assertThat(Cli.piped().run("--offline", "http://exa mple.org/").exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aMissingFileIsExitOneAndNamesTheFile() {
        Cli.Result result = Cli.piped().in(dir).run("--offline", "example.org", "f@nope.pdf");
        assertThat(result.exitCode()).isEqualTo(ExitCode.ERROR);
        assertThat(result.err()).isEqualTo("posthaste: no such file: nope.pdf\n");
    }

    @Test
    void helpAndVersionExitZero() {
        Cli.Result help = Cli.piped().run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: posthaste", "field:=json", "--check-status", "Exit codes");
        Cli.Result version = Cli.piped().run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("posthaste " + io.posthaste.ClientSession.VERSION);
    }
}
