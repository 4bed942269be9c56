package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Dispatcher;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable downloads (RFC 9110 ranges): a cut download continues from the bytes on disk, with
 * {@code If-Range}, and ends byte-exact; a changed file starts over; answers that do not fit fail
 * clearly; the target appears only whole.
 */
class DownloadResumeTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perTest();

    private static final ClientSession SESSION = ClientSession.builder()
            .timeouts(
                    Timeouts.defaults().toBuilder().read(Duration.ofSeconds(5)).build())
            .build();

    @TempDir
    Path dir;

    @AfterAll
    static void closeSession() {
        SESSION.close();
    }

    private static TestServer server() {
        return SERVER.server();
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {1, 4_096, 65_536, 199_999})
    void aDownloadCutAnywhereResumesAndEndsByteExact(int cutAt) throws Exception {
        byte[] file = content(200_000);
        RangeServer ranges = new RangeServer(file, "\"v1\"").cutFirst(1, cutAt);
        server().dispatcher(ranges);
        Path target = dir.resolve("file.bin");
        List<Long> progress = new ArrayList<>();
        long size = SESSION.get(server().url("/file"))
                .download(target)
                .retries(2)
                .backoff(Duration.ZERO)
                .onProgress((done, total) -> progress.add(done))
                .run();
        assertThat(size).isEqualTo(file.length);
        assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(file));
        assertThat(ranges.ranges)
                .as("the second request asked for the rest, if-range the ETag")
                .containsExactly("-", "bytes=" + cutAt + "- if \"v1\"");
        assertThat(progress)
                .as("progress counts what was already on disk")
                .contains((long) cutAt)
                .isSorted()
                .last()
                .isEqualTo((long) file.length);
        assertThat(dir.resolve("file.bin.part")).doesNotExist();
        assertThat(dir.resolve("file.bin.part.validator")).doesNotExist();
    }

    @Test
    void aPartialFileLeftByAFailedRunIsContinuedByTheNextRun() throws Exception {
        byte[] file = content(100_000);
        RangeServer ranges = new RangeServer(file, "\"v1\"").cutFirst(1, 30_000);
        server().dispatcher(ranges);
        Path target = dir.resolve("data.bin");
        assertThatThrownBy(() ->
                        SESSION.get(server().url("/file")).download(target).run())
                .isInstanceOf(ClientException.class);
        assertThat(target).as("never half there").doesNotExist();
        assertThat(Files.size(dir.resolve("data.bin.part"))).isEqualTo(30_000);
        SESSION.get(server().url("/file")).download(target).run();
        assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(file));
        assertThat(ranges.ranges).containsExactly("-", "bytes=30000- if \"v1\"");
    }

    @Test
    void aFileChangedSinceThePartialDownloadStartsOver() throws Exception {
        byte[] old = content(50_000);
        server().dispatcher(new RangeServer(old, "\"old\"").cutFirst(1, 10_000));
        Path target = dir.resolve("f.bin");
        assertThatThrownBy(() ->
                        SESSION.get(server().url("/file")).download(target).run())
                .isInstanceOf(ClientException.class);
        byte[] fresh = content(70_000);
        RangeServer now = new RangeServer(fresh, "\"new\"");
        server().dispatcher(now);
        SESSION.get(server().url("/file")).download(target).run();
        assertThat(sha256(Files.readAllBytes(target)))
                .as("the new file, not a splice")
                .isEqualTo(sha256(fresh));
        assertThat(now.ranges).as("If-Range made the server send it all").containsExactly("bytes=10000- if \"old\"");
    }

    @Test
    void aRangeAnswerForAnotherPositionFailsClearlyAndKeepsNothingSpliced() throws Exception {
        byte[] file = content(40_000);
        server().dispatcher(new RangeServer(file, "\"v1\"").cutFirst(1, 8_000));
        Path target = dir.resolve("g.bin");
        assertThatThrownBy(() ->
                        SESSION.get(server().url("/file")).download(target).run())
                .isInstanceOf(ClientException.class);
        server().dispatcher(request -> MockResponse.builder()
                .status(206)
                .header("ETag", "\"v1\"")
                .header("Content-Range", "bytes 0-39999/40000")
                .body(file)
                .build());
        assertThatThrownBy(() ->
                        SESSION.get(server().url("/file")).download(target).run())
                .isInstanceOfSatisfying(
                        ClientPayloadException.class,
                        e -> assertThat(e.getMessage())
                                .contains("asked for the bytes from 8000")
                                .contains("bytes 0-39999/40000"));
        assertThat(target).doesNotExist();
    }

    @Test
    void aFileAlreadyCompleteOnDiskIsFinishedByA416() throws Exception {
        byte[] file = content(20_000);
        Path target = dir.resolve("h.bin");
        Files.write(dir.resolve("h.bin.part"), file);
        Files.writeString(dir.resolve("h.bin.part.validator"), "\"v1\"");
        server().dispatcher(new RangeServer(file, "\"v1\""));
        assertThat(SESSION.get(server().url("/file")).download(target).run()).isEqualTo(20_000);
        assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(file));
    }

    @Test
    void anErrorPageIsNeverSavedAsTheFile() {
        Path target = dir.resolve("missing.bin");
        assertThatThrownBy(() -> SESSION.get(server().url("/status/404"))
                        .download(target)
                        .run())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
        assertThat(target).doesNotExist();
    }

    @Test
    void withoutKeepingThePartialFileAFailureLeavesNothingBehind() throws Exception {
        server().dispatcher(new RangeServer(content(30_000), "\"v1\"").cutFirst(1, 5_000));
        Path target = dir.resolve("k.bin");
        assertThatThrownBy(() -> SESSION.get(server().url("/file"))
                        .download(target)
                        .keepPartialOnFailure(false)
                        .run())
                .isInstanceOf(ClientException.class);
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    /** Serves one file with an ETag, honouring Range and If-Range; can cut its first answers. */
    private static final class RangeServer implements Dispatcher {
        final List<String> ranges = new ArrayList<>();
        private final byte[] file;
        private final String etag;
        private final AtomicInteger cutsLeft = new AtomicInteger();
        private long cutAt;

        RangeServer(byte[] file, String etag) {
            this.file = file;
            this.etag = etag;
        }

        RangeServer cutFirst(int answers, long afterBytes) {
            cutsLeft.set(answers);
            cutAt = afterBytes;
            return this;
        }

        @Override
        public synchronized MockResponse dispatch(RecordedRequest request) {
            String range = request.header("Range");
            String ifRange = request.header("If-Range");
            ranges.add(range == null ? "-" : range + (ifRange == null ? "" : " if " + ifRange));
            MockResponse.Builder answer =
                    MockResponse.builder().header("ETag", etag).header("Accept-Ranges", "bytes");
            if (range != null && etag.equals(ifRange)) {
                long start = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
                if (start >= file.length) {
                    return answer.status(416)
                            .header("Content-Range", "bytes */" + file.length)
                            .build();
                }
                byte[] rest = java.util.Arrays.copyOfRange(file, (int) start, file.length);
                answer.status(206)
                        .header("Content-Range", "bytes " + start + "-" + (file.length - 1) + "/" + file.length)
                        .body(rest);
            } else {
                answer.status(200).body(file);
            }
            if (cutsLeft.getAndDecrement() > 0) {
                answer.disconnectAfterBodyBytes(cutAt);
            }
            return answer.build();
        }
    }
}
