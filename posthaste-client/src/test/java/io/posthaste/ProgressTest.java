package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {

    static TestServer server;
    static ClientSession session;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterAll
    static void stop() {
        session.close();
        server.close();
    }

    /** Records the calls and checks the contract as they come. */
    static final class Recorder implements ProgressListener {
        final List<long[]> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(long done, long total) {
            calls.add(new long[] {done, total});
        }

        void assertMonotonicEndingAt(long expected) {
            assertThat(calls).isNotEmpty();
            long previous = -1;
            for (long[] call : calls) {
                assertThat(call[0]).isGreaterThanOrEqualTo(previous);
                previous = call[0];
            }
            long[] last = calls.get(calls.size() - 1);
            assertThat(last).containsExactly(expected, expected);
        }
    }

    @Test
    void inMemoryUploadReportsUpToItsLength() {
        Recorder upload = new Recorder();
        session.post(server.url("/sink"))
                .body(new byte[1 << 20], "application/octet-stream")
                .onUploadProgress(upload)
                .send();
        upload.assertMonotonicEndingAt(1 << 20);
    }

    @Test
    void zeroCopyFileUploadReportsAsTheFileGoesOut(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[4 << 20]);
        Recorder upload = new Recorder();
        session.post(server.url("/sink"))
                .body(file, null)
                .onUploadProgress(upload)
                .send();
        upload.assertMonotonicEndingAt(4 << 20);
    }

    @Test
    void chunkedStreamUploadEndsWithItsSize() {
        Recorder upload = new Recorder();
        session.post(server.url("/sink"))
                .body(new ByteArrayInputStream(new byte[300_000]), null)
                .onUploadProgress(upload)
                .send();
        upload.assertMonotonicEndingAt(300_000);
    }

    @Test
    void downloadReportsReceivedBytesAgainstContentLength() {
        Recorder download = new Recorder();
        session.get(server.url("/bytes/100000")).onDownloadProgress(download).send();
        download.assertMonotonicEndingAt(100_000);
        assertThat(download.calls.get(0)[1]).isEqualTo(100_000);
    }

    @Test
    void requestsWithoutBodiesStillCompleteTheirProgress() {
        Recorder upload = new Recorder();
        Recorder download = new Recorder();
        session.head(server.url("/get"))
                .onUploadProgress(upload)
                .onDownloadProgress(download)
                .send();
        assertThat(upload.calls).containsExactly(new long[] {0, 0});
        assertThat(download.calls).containsExactly(new long[] {0, 0});
    }

    @Test
    void progressIsIsolatedPerRequestOnAKeepAliveConnection() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        session.post(server.url("/post"))
                .body(new byte[5000], null)
                .onUploadProgress(first)
                .send();
        session.post(server.url("/post"))
                .body(new byte[7000], null)
                .onUploadProgress(second)
                .send();
        first.assertMonotonicEndingAt(5000);
        second.assertMonotonicEndingAt(7000);
    }
}
