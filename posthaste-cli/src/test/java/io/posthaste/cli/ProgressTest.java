package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Progress bars: on stderr only when it is a terminal, only for transfers over 1 MiB. */
class ProgressTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private TestServer server() {
        return SERVER.server();
    }

    @Test
    void theLineShowsPercentBytesSpeedAndTimeLeft() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err), "upload", 4L * MIB, 80, clock::get);
        clock.set(1_000_000_000L);
        bar.advance(2L * MIB);
        assertThat(bar.line(clock.get()))
                .startsWith("upload  50% [====")
                .contains(">")
                .endsWith("] 2.0 MiB / 4.0 MiB  2.0 MiB/s  ETA 0:01")
                // One column short of the width, so the cursor never wraps to a new line.
                .hasSize(79);
        assertThat(err.toString()).startsWith("\rupload  50% [");
        clock.set(2_000_000_000L);
        bar.advance(2L * MIB);
        bar.finish();
        assertThat(err.toString())
                .contains("\rupload 100% [===")
                .doesNotContain(">]")
                .endsWith("] 4.0 MiB / 4.0 MiB  2.0 MiB/s  in 2.0s\u001b[K\n");
    }

    @Test
    void anUnknownTotalShowsBytesAndSpeedOnly() {
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), "", -1, 80, clock::get);
        clock.set(500_000_000L);
        bar.advance(3L * MIB);
        assertThat(bar.line(clock.get())).isEqualTo(" 3.0 MiB  6.0 MiB/s");
    }

    @Test
    void smallTransfersAndNonTerminalsGetNoBar() {
        assertThat(ProgressBar.forTransfer(terminalOf(true), "x", MIB)).isSameAs(ProgressBar.NONE);
        assertThat(ProgressBar.forTransfer(terminalOf(false), "x", 100L * MIB)).isSameAs(ProgressBar.NONE);
        assertThat(ProgressBar.forTransfer(terminalOf(true), "x", 100L * MIB)).isNotSameAs(ProgressBar.NONE);
    }

    @Test
    void uploadsOverOneMebibyteDrawABarOnATerminalStderr() throws Exception {
        Path big = Files.write(dir.resolve("big.bin"), new byte[3 * MIB]);
        Cli.Result result = Cli.piped().stderrTerminal(true).run(server().url("/sink"), "f@" + big);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"bytes\": " + (3 * MIB + 0)).isNotEmpty();
        assertThat(result.err())
                .startsWith("\rupload 100% [")
                .contains("3.0 MiB / 3.0 MiB")
                .endsWith("\n");
    }

    @Test
    void uploadsToAPipeOrOfSmallBodiesDrawNothing() throws Exception {
        Path big = Files.write(dir.resolve("big.bin"), new byte[3 * MIB]);
        assertThat(Cli.piped().run(server().url("/sink"), "@" + big).err()).isEmpty();
        Path small = Files.write(dir.resolve("small.bin"), new byte[MIB / 2]);
        assertThat(Cli.piped()
                        .stderrTerminal(true)
                        .run(server().url("/sink"), "@" + small)
                        .err())
                .isEmpty();
    }

    @Test
    void downloadsOverOneMebibyteDrawABarOnATerminalStderr() throws Exception {
        server().enqueue(MockResponse.builder()
                .header("Content-Type", "application/octet-stream")
                .body(new byte[2 * MIB])
                .build());
        Cli.Result result = Cli.piped().stderrTerminal(true).in(dir).run("-d", server().url("/big.bin"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.err())
                .contains("Downloading 2.0 MiB to", "100% [", "2.0 MiB / 2.0 MiB", "Done. 2.0 MiB saved");
        assertThat(Files.size(dir.resolve("big.bin"))).isEqualTo(2L * MIB);
    }

    private Terminal terminalOf(boolean stderrTty) {
        return new Terminal(
                System.in,
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false,
                stderrTty,
                true,
                80,
                dir);
    }
}
