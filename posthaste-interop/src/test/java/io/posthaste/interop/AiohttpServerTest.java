package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientSession;
import io.posthaste.ClientTimeoutException;
import io.posthaste.MediaType;
import io.posthaste.Multipart;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.Timeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against aiohttp 3.8.4's own web server (the app in
 * {@code src/test/resources/aiohttp/interop_app.py}): aiohttp's parsers read what the client
 * writes (JSON, a multipart upload with a 50 MiB file streamed from disk, a raw 50 MiB upload, a
 * chunked upload), and the client reads what aiohttp writes (chunked and compressed bodies, text
 * in a declared charset), keeps connections alive, times out on a slow handler, and reports a
 * connection dropped mid-body as an error rather than a short body.
 */
final class AiohttpServerTest {

    @RegisterExtension
    static final RealServer AIOHTTP = RealServer.aiohttp();

    /** The app's {@code TEXT}: non-ASCII in three scripts, long enough to be worth compressing. */
    static final String TEXT =
            "Posthaste meets aiohttp: \u00e9t\u00e9, \u0441\u0435\u0441\u0441\u0438\u044f, \u65e5\u672c. ".repeat(2000);

    static final long BIG = 50L * 1024 * 1024;

    static ClientSession session;
    static Path bigFile;
    static String bigSha256;

    @BeforeAll
    static void openSessionAndWriteBigFile() {
        session = ClientSession.create();
        bigFile = TestFiles.random("aiohttp-upload-50MiB.bin", BIG, 50);
        bigSha256 = TestFiles.sha256(bigFile);
    }

    @AfterAll
    static void closeSession() {
        session.close();
    }

    @Test
    void jsonBodyIsParsedByAiohttpWithExactLength() {
        Map<String, Object> value = Map.of(
                "name",
                "\u00e9t\u00e9 \u65e5\u672c",
                "list",
                List.of(1, 2.5, true),
                "nested",
                Map.of("empty", List.of()));

        JsonNode seen = session.post(AIOHTTP.url("/json")).json(value).send().json();

        assertThat(seen.get("json")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(value));
        assertThat(seen.get("content_type").asText()).isEqualTo("application/json");
        assertThat(seen.get("chunked").asBoolean()).isFalse();
        assertThat(seen.get("content_length").asLong()).isPositive();
    }

    @Test
    void multiFileUploadIsSplitByAiohttpsParserIntoTheSameParts() throws IOException {
        Path notes = Files.writeString(Commands.workDir().resolve("files").resolve("notes.txt"), "notes \u00e9\n");
        byte[] inline = "inline bytes".getBytes(StandardCharsets.US_ASCII);
        Multipart body = Multipart.builder()
                .field("title", "interop \u00e9")
                .file("notes", notes)
                .file("big", bigFile, MediaType.OCTET_STREAM)
                .file("inline", "inline.csv", inline, MediaType.parse("text/csv"))
                .build();

        JsonNode seen =
                session.post(AIOHTTP.url("/multipart")).multipart(body).send().json();

        assertThat(seen.get("chunked").asBoolean())
                .as("known lengths go out with Content-Length")
                .isFalse();
        assertThat(seen.get("content_length").asLong()).isEqualTo(body.contentLength());
        JsonNode parts = seen.get("parts");
        assertThat(parts).hasSize(4);
        assertPart(
                parts.get(0),
                "title",
                null,
                null,
                "interop \u00e9".getBytes(StandardCharsets.UTF_8).length,
                TestFiles.sha256("interop \u00e9".getBytes(StandardCharsets.UTF_8)));
        assertPart(parts.get(1), "notes", "notes.txt", "text/plain", Files.size(notes), TestFiles.sha256(notes));
        assertPart(parts.get(2), "big", "aiohttp-upload-50MiB.bin", "application/octet-stream", BIG, bigSha256);
        assertPart(parts.get(3), "inline", "inline.csv", "text/csv", inline.length, TestFiles.sha256(inline));
    }

    @Test
    void largeFileUploadIsReadCompletelyByAiohttp() {
        JsonNode seen = session.put(AIOHTTP.url("/upload"))
                .body(bigFile, "application/octet-stream")
                .send()
                .json();

        assertThat(seen.get("bytes").asLong()).isEqualTo(BIG);
        assertThat(seen.get("sha256").asText()).isEqualTo(bigSha256);
        assertThat(seen.get("content_length").asLong()).isEqualTo(BIG);
        assertThat(seen.get("chunked").asBoolean()).isFalse();
    }

    @Test
    void streamOfUnknownLengthIsSentChunkedAndReassembledByAiohttp() {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.SplittableRandom(3).nextBytes(data);

        JsonNode seen = session.post(AIOHTTP.url("/upload"))
                .body(new ByteArrayInputStream(data), "application/octet-stream")
                .send()
                .json();

        assertThat(seen.get("chunked").asBoolean()).isTrue();
        assertThat(seen.get("bytes").asLong()).isEqualTo(data.length);
        assertThat(seen.get("sha256").asText()).isEqualTo(TestFiles.sha256(data));
    }

    @Test
    void chunkedDownloadFromAiohttpArrivesIntact() throws IOException, InterruptedException {
        long size = 16L * 1024 * 1024 + 5;
        String digest;
        String expected;
        try (StreamingResponse response = session
                        .get(AIOHTTP.url("/download"))
                        .query("bytes", String.valueOf(size))
                        .query("seed", "9")
                        .stream();
                InputStream body = response.body()) {
            assertThat(response.headers().contains("Content-Length"))
                    .as("aiohttp sends it chunked")
                    .isFalse();
            expected = response.headers().get("X-Content-SHA256");
            CountingStream counted = new CountingStream(body);
            digest = TestFiles.sha256(counted);
            assertThat(counted.count).isEqualTo(size);
        }

        assertThat(digest).isEqualTo(expected);
        assertThat(Pools.settled(session).leased()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void bodiesAiohttpCompressesAreDecoded(String coding) {
        Response response =
                session.get(AIOHTTP.url("/compressed")).query("coding", coding).send();

        assertThat(response.text()).isEqualTo(TEXT);
        assertThat(response.headers().get("X-Accept-Encoding-Seen")).contains(coding);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void aiohttpReallyCompressesWhatTheClientDecodes(String coding) {
        // enable_compression(coding) forces the coding, so with decoding off the raw bytes show it.
        try (ClientSession raw = ClientSession.builder().decompress(false).build()) {
            Response response =
                    raw.get(AIOHTTP.url("/compressed")).query("coding", coding).send();

            assertThat(response.headers().get("Content-Encoding")).isEqualTo(coding);
            assertThat(response.bytes().length).isLessThan(TEXT.getBytes(StandardCharsets.UTF_8).length / 10);
            if (coding.equals("gzip")) {
                assertThat(response.bytes()).startsWith(0x1f, 0x8b);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"utf-8", "utf-16"})
    void textIsDecodedWithTheCharsetAiohttpDeclares(String charset) {
        Response response =
                session.get(AIOHTTP.url("/text")).query("charset", charset).send();

        assertThat(response.headers().get("Content-Type")).isEqualTo("text/plain; charset=" + charset);
        assertThat(response.text()).isEqualTo(TEXT);
    }

    @Test
    void slowHandlerRaisesReadTimeoutAndTotalTimeout() {
        assertThatThrownBy(() -> session.get(AIOHTTP.url("/slow"))
                        .query("seconds", "3")
                        .timeouts(
                                Timeouts.builder().read(Duration.ofMillis(300)).build())
                        .send())
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
        assertThatThrownBy(() -> session.get(AIOHTTP.url("/slow"))
                        .query("seconds", "3")
                        .timeout(Duration.ofMillis(300))
                        .send())
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
        assertThat(session.get(AIOHTTP.url("/slow"))
                        .query("seconds", "0.05")
                        .send()
                        .json()
                        .get("slept")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void sequentialRequestsReuseOneKeepAliveConnection() throws InterruptedException {
        try (ClientSession fresh = ClientSession.create()) {
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                ports.add(fresh.get(AIOHTTP.url("/peer"))
                        .send()
                        .json()
                        .get("port")
                        .asInt());
            }

            assertThat(ports).as("client ports aiohttp saw").hasSize(1);
            assertThat(Pools.settled(fresh).idle()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"length", "chunked"})
    void connectionDroppedMidBodyIsAnErrorNeverAShortBody(String framing) throws InterruptedException {
        Response[] returned = new Response[1];

        Throwable thrown = catchThrowable(() -> returned[0] =
                session.get(AIOHTTP.url("/truncated")).query("framing", framing).send());

        assertThat(thrown)
                .as(
                        "a %s-framed body cut after 100 KiB of 1 MiB must fail, but send() returned %s",
                        framing, returned[0])
                .isInstanceOfAny(ClientPayloadException.class, ClientConnectionException.class);
        assertThat(Pools.settled(session).leased()).isZero();
        assertThat(session.get(AIOHTTP.url("/peer")).send().status()).isEqualTo(200);
    }

    /**
     * CLIENT BUG (kept failing on purpose): {@link StreamingResponse#body()} promises "an
     * IOException whose cause is a ClientException if the exchange fails midway", but when the
     * server closes the connection mid-body the reader gets a bare
     * {@code IOException("the server closed the connection before the end of the body")} with no
     * cause, so a caller cannot tell a payload failure from a local I/O error by type.
     */
    @ParameterizedTest
    @ValueSource(strings = {"length", "chunked"})
    void connectionDroppedMidStreamedBodyFailsTheReadWithAClientExceptionAsCause(String framing)
            throws InterruptedException {
        Throwable streamed = catchThrowable(() -> {
            try (StreamingResponse response =
                    session.get(AIOHTTP.url("/truncated")).query("framing", framing).stream()) {
                response.body().readAllBytes();
            }
        });

        assertThat(streamed).isInstanceOf(IOException.class).hasCauseInstanceOf(ClientException.class);
        assertThat(Pools.settled(session).leased()).isZero();
    }

    @Test
    void serverSentEventsResumeAfterEachDropWithTheLastEventIdUntilTheServerSaysNoMore() {
        java.util.List<io.posthaste.ServerSentEvent> seen = new java.util.ArrayList<>();
        try (io.posthaste.EventStream events =
                session.events(AIOHTTP.url("/events")).maxReconnectAttempts(5).open()) {
            events.forEach(seen::add);
        }

        // aiohttp dropped the connection after ids 3 and 6 and answered 204 after 9: every event
        // arrived once, in order, because each reconnect said where the client had got to.
        assertThat(seen)
                .extracting(io.posthaste.ServerSentEvent::id)
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(seen).allSatisfy(event -> assertThat(event.event()).isEqualTo("tick"));
        assertThat(seen.get(4).data()).isEqualTo("event 5\nline two of 5");
    }

    private static void assertPart(
            JsonNode part, String name, String filename, String contentType, long bytes, String sha256) {
        assertThat(part.get("name").asText()).isEqualTo(name);
        assertThat(part.get("filename").isNull() ? null : part.get("filename").asText())
                .isEqualTo(filename);
        assertThat(
                        part.get("content_type").isNull()
                                ? null
                                : part.get("content_type").asText())
                .as("Content-Type of part " + name)
                .satisfies(type -> {
                    if (contentType == null) {
                        assertThat(type).isNull();
                    } else {
                        assertThat(type).startsWith(contentType);
                    }
                });
        assertThat(part.get("bytes").asLong()).as("size of part " + name).isEqualTo(bytes);
        assertThat(part.get("sha256").asText()).as("SHA-256 of part " + name).isEqualTo(sha256);
    }

    /** Counts what passes through, to prove the whole body was read. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
