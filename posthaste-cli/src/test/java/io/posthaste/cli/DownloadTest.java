package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --download}: a 2xx body is saved whole, with the mode of any new file; any other answer
 * is printed on stderr instead, and exits 3, 4 or 5 as with {@code --check-status} (httpie's rule).
 */
class DownloadTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perTest();

    @TempDir
    Path dir;

    private TestServer server() {
        return SERVER.server();
    }

    @Test
    void aDownloadedFileGetsTheModeOfANewFileNotAPrivateOne() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "file modes are POSIX");
        Path reference = Files.createFile(dir.resolve("reference"));
        String newFileMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(reference));
        Files.delete(reference);
        Cli.Result result = Cli.piped().in(dir).run("-d", server().url("/bytes/3000"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("3000.bin"))))
                .as("under the usual umask 022 both are rw-r--r--")
                .isEqualTo(newFileMode);
        Cli.Result named = Cli.piped().in(dir).run("-d", "-o", "named.bin", server().url("/bytes/10"));
        assertThat(named.exitCode()).as(named.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("named.bin"))))
                .isEqualTo(newFileMode);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "404, '',             4",
        "404, --check-status, 4",
        "410, '',             4",
        "500, '',             5",
        "503, --check-status, 5",
        "302, '',             3",
    })
    void anAnswerOtherThan2xxIsPrintedOnStderrNotSavedAndExitsWithItsClass(int status, String flag, int exitCode)
            throws Exception {
        server().enqueue(MockResponse.builder()
                .status(status)
                .header("Content-Type", "text/plain")
                .header("Location", "/elsewhere")
                .body("no export for you (" + status + ")\n")
                .build());
        Cli.Result result = flag.isEmpty()
                ? Cli.piped().in(dir).run("-d", server().url("/export.csv"))
                : Cli.piped().in(dir).run("-d", flag, server().url("/export.csv"));
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertThat(result.err())
                .contains("no export for you (" + status + ")\n")
                .contains("posthaste: warning: HTTP " + status + " ")
                .doesNotContain("Downloading", "saved");
        assertThat(result.outBytes()).isEmpty();
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void onATerminalAnErrorAnswerShowsItsStatusLineHeadersAndBody() throws Exception {
        server().enqueue(MockResponse.builder()
                .status(404)
                .header("Content-Type", "application/json")
                .body("{\"error\":\"no such report\"}")
                .build());
        Cli.Result result = Cli.piped().stderrTerminal(true).noColor().in(dir).run("-d", server().url("/report.pdf"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.HTTP_4XX);
        assertThat(result.err())
                .startsWith("HTTP/1.1 404 Not Found\n")
                .contains("Content-Type: application/json\n")
                .contains("\n\n{\n    \"error\": \"no such report\"\n}\n")
                // The status line was shown on the terminal: no warning repeats it.
                .doesNotContain("warning");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aBodyCutShortLeavesNeitherTheFileNorAPartialOne() throws Exception {
        server().enqueue(MockResponse.builder()
                .body(new byte[200_000])
                .disconnectAfterBodyBytes(100_000)
                .build());
        Cli.Result result = Cli.piped().in(dir).run("-d", server().url("/cut.bin"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("posthaste: ");
        assertThat(filesIn(dir)).isEmpty();
    }

    private static String[] filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toArray(String[]::new);
        }
    }
}
