package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Malformed HTTP/2 answers (RFC 9113 sections 8.1.1 and 8.2, and frames a client must refuse), as
 * a class: whatever rule an answer breaks, its call fails promptly with a {@link ClientException}
 * naming the HTTP/2 error, never a response built from it (a field with CR or LF never reaches the
 * caller, a body never disagrees with its content-length), and the session's next call gets its
 * own answer. Broken fields and bodies are stream errors, which leave the connection serving
 * others; broken frames are connection errors. The server writes raw frames
 * ({@link RawH2Server}), so each answer is exactly as wrong as written.
 */
class Http2MalformedAnswerTest {

    private static final long BOUND_MILLIS = 3000;

    /** How the answer goes wrong, and what the client must make of it. */
    enum Malformed {
        UPPERCASE_NAME(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "Content-Type", "text/plain")),
        NAME_WITH_A_SPACE(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "x a", "1")),
        EMPTY_NAME(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "", "1")),
        CONNECTION_FIELD(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "connection", "keep-alive")),
        TRANSFER_ENCODING_FIELD(
                Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "transfer-encoding", "chunked")),
        VALUE_WITH_CR_LF(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "x-a", "a\r\nx-b: b")),
        VALUE_WITH_NUL(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", "x-a", "a\0b")),
        NO_STATUS(Kind.STREAM, (out, id) -> out.headers(id, true, "content-type", "text/plain")),
        STATUS_NOT_THREE_DIGITS(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "2x0")),
        STATUS_BELOW_100(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "099")),
        SWITCHING_PROTOCOLS(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "101")),
        TWO_STATUSES(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", ":status", "204")),
        PSEUDO_AFTER_REGULAR(
                Kind.STREAM, (out, id) -> out.headers(id, true, "content-type", "text/plain", ":status", "200")),
        REQUEST_PSEUDO_IN_A_RESPONSE(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "200", ":path", "/")),
        BODY_SHORTER_THAN_CONTENT_LENGTH(Kind.STREAM, (out, id) -> {
            out.headers(id, false, ":status", "200", "content-length", "10");
            out.data(id, true, "hello");
        }),
        BODY_LONGER_THAN_CONTENT_LENGTH(Kind.STREAM, (out, id) -> {
            out.headers(id, false, ":status", "200", "content-length", "2");
            out.data(id, true, "hello");
        }),
        PSEUDO_IN_TRAILERS(Kind.STREAM, (out, id) -> {
            out.headers(id, false, ":status", "200");
            out.data(id, false, "hello");
            out.headers(id, true, ":status", "200");
        }),
        TRAILERS_WITHOUT_END_STREAM(Kind.STREAM, (out, id) -> {
            out.headers(id, false, ":status", "200");
            out.data(id, false, "hello");
            out.headers(id, false, "x-trailer", "1");
            out.data(id, true, "more");
        }),
        INTERIM_WITH_END_STREAM(Kind.STREAM, (out, id) -> out.headers(id, true, ":status", "103")),
        DATA_BEFORE_HEADERS(Kind.STREAM, (out, id) -> out.data(id, true, "hello")),
        HEADERS_ON_STREAM_ZERO(Kind.CONNECTION, (out, id) -> out.headers(0, true, ":status", "200")),
        DATA_ON_STREAM_ZERO(Kind.CONNECTION, (out, id) -> out.data(0, true, "hello")),
        HEADERS_ON_A_STREAM_NOBODY_OPENED(Kind.CONNECTION, (out, id) -> out.headers(id + 2, true, ":status", "200")),
        PUSH_PROMISE_THOUGH_PUSH_IS_OFF(Kind.CONNECTION, (out, id) -> {
            byte[] block =
                    RawH2Server.block(":method", "GET", ":scheme", "http", ":path", "/pushed", ":authority", "x");
            byte[] payload = new byte[4 + block.length];
            payload[3] = 2; // promised stream 2
            System.arraycopy(block, 0, payload, 4, block.length);
            out.frame(RawH2Server.PUSH_PROMISE, RawH2Server.END_HEADERS, id, payload);
        }),
        FRAME_OVER_THE_MAX_FRAME_SIZE(Kind.CONNECTION, (out, id) -> {
            out.headers(id, false, ":status", "200");
            out.frame(RawH2Server.DATA, RawH2Server.END_STREAM, id, new byte[16_385]);
        }),
        ZERO_WINDOW_UPDATE(Kind.CONNECTION, (out, id) -> out.frame(RawH2Server.WINDOW_UPDATE, 0, 0, new byte[4])),
        SETTINGS_OF_A_BROKEN_LENGTH(Kind.CONNECTION, (out, id) -> out.frame(RawH2Server.SETTINGS, 0, 0, new byte[5])),
        INITIAL_WINDOW_OVER_TWO_GIB(
                Kind.CONNECTION,
                (out, id) -> out.frame(RawH2Server.SETTINGS, 0, 0, new byte[] {0, 4, (byte) 0x80, 0, 0, 0})),
        SETTINGS_ACK_WITH_A_PAYLOAD(
                Kind.CONNECTION,
                (out, id) -> out.frame(RawH2Server.SETTINGS, RawH2Server.ACK, 0, new byte[] {0, 4, 0, 0, 0, 1}));

        final Kind kind;
        final Answer answer;

        Malformed(Kind kind, Answer answer) {
            this.kind = kind;
            this.answer = answer;
        }
    }

    enum Kind {
        /** Malformed message: a stream error (PROTOCOL_ERROR); the connection goes on. */
        STREAM,
        /** Broken framing or state: a connection error; the connection goes. */
        CONNECTION
    }

    interface Answer {
        void write(RawH2Server.Frames out, int streamId) throws IOException;
    }

    private static RawH2Server serverAnswering(Malformed malformed) throws IOException {
        return new RawH2Server((out, id, path) -> {
            if (path.equals("/bad")) {
                malformed.answer.write(out, id);
            } else {
                out.headers(id, false, ":status", "200", "content-type", "text/plain", "content-length", "4");
                out.data(id, true, "good");
            }
        });
    }

    /**
     * Makes {@code builder} speak HTTP/2 as this suite's sessions do: by prior knowledge; the
     * suite's subclass adds paced reads.
     */
    ClientSession.Builder http2(ClientSession.Builder builder) {
        return builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE);
    }

    private ClientSession session() {
        return http2(ClientSession.builder())
                .timeouts(Timeouts.builder().read(Duration.ofSeconds(2)).build())
                .build();
    }

    @ParameterizedTest
    @EnumSource(Malformed.class)
    void aMalformedAnswerFailsItsCallPromptlyNamingTheErrorAndTheNextCallIsServed(Malformed malformed)
            throws Exception {
        try (RawH2Server server = serverAnswering(malformed);
                ClientSession session = session()) {
            assertThat(session.get(server.url("/good")).send().text()).isEqualTo("good");
            long start = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/bad")).send())
                    .isInstanceOf(
                            malformed.kind == Kind.STREAM
                                    ? ClientPayloadException.class
                                    : ClientConnectionException.class)
                    .hasMessageContaining(malformed.kind == Kind.STREAM ? "malformed HTTP/2 response" : "HTTP/2")
                    .message()
                    .containsAnyOf("PROTOCOL_ERROR", "FRAME_SIZE_ERROR", "FLOW_CONTROL_ERROR", "COMPRESSION_ERROR");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);

            assertThat(session.get(server.url("/good")).send().text()).isEqualTo("good");
            assertThat(server.connectionCount())
                    .as("connections: a stream error keeps the connection, a connection error ends it")
                    .isEqualTo(malformed.kind == Kind.STREAM ? 1 : 2);
        }
    }
}
