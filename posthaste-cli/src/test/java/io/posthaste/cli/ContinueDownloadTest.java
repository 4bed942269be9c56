package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --download --continue}: a cut download is finished from where it stopped, byte-exact. */
class ContinueDownloadTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perTest();

    @TempDir
    Path dir;

    private static TestServer server() {
        return SERVER.server();
    }

    @Test
    void aDroppedDownloadIsResumedWithARangeAndEndsByteExact() throws Exception {
        byte[] file = new byte[150_000];
        new Random(7).nextBytes(file);
        AtomicInteger answers = new AtomicInteger();
        server().dispatcher(request -> {
            String range = request.header("Range");
            MockResponse.Builder answer = MockResponse.builder().header("ETag", "\"v1\"");
            if (range != null && "\"v1\"".equals(request.header("If-Range"))) {
                int start = Integer.parseInt(range.substring(6, range.length() - 1));
                answer.status(206)
                        .header("Content-Range", "bytes " + start + "-" + (file.length - 1) + "/" + file.length)
                        .body(Arrays.copyOfRange(file, start, file.length));
            } else {
                answer.status(200).body(file);
            }
            if (answers.getAndIncrement() == 0) {
                answer.disconnectAfterBodyBytes(40_000);
            }
            return answer.build();
        });
        Cli.Result result = Cli.piped().in(dir).run("-d", "-c", "-o", "file.bin", server().url("/file"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("file.bin"))).isEqualTo(file);
        assertThat(answers.get()).as("the cut answer and the rest").isEqualTo(2);
        assertThat(dir.resolve("file.bin.part")).doesNotExist();
    }

    @Test
    void continuingNeedsTheFileToContinue() {
        Cli.Result result = Cli.piped().in(dir).run("-d", "-c", server().url("/bytes/10"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--output");
    }
}
