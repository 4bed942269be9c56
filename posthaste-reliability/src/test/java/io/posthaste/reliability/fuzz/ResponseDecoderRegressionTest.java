package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.internal.http1.ResponseDecoderProbe;
import io.posthaste.internal.http1.ResponseDecoderProbe.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Focused reproductions of what {@link ResponseDecoderProperties#malformedBodyFramingIsRefused}
 * found in {@code ResponseDecoder}: its chunk-size parser stops at the first space or tab and
 * then only looks for NUL and CR, and its trailer check only looks for NUL, CR and LF. The class
 * documents that a malformed chunk size and a control character in a field are protocol errors.
 * These tests fail until the decoder refuses these messages.
 */
class ResponseDecoderRegressionTest {

    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    /**
     * RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF, chunk-ext = *( BWS ";" ... ): after
     * the size only optional whitespace and a ';' may follow. "5 x" is read as 5 today.
     */
    @ParameterizedTest
    @ValueSource(strings = {"5 x", "5\tjunk", "5 0", "5 =1"})
    void chunkSizeFollowedByGarbageIsAProtocolError(String sizeLine) {
        Outcome outcome = decode(CHUNKED_HEAD + sizeLine + "\r\nhello\r\n0\r\n\r\n");
        assertThat(outcome.failure())
                .as("'%s' accepted as a chunk size", sizeLine)
                .isNotNull();
        assertThat(outcome.ends()).isZero();
    }

    /** The class Javadoc: "a NUL or other control character in a field" is a protocol error. */
    @ParameterizedTest
    @ValueSource(strings = {"X-T: a\u0001b", "X-T: a\u007fb", "X-T: a\u000bb"})
    void controlCharacterInATrailerFieldIsAProtocolError(String trailer) {
        Outcome outcome = decode(CHUNKED_HEAD + "5\r\nhello\r\n0\r\n" + trailer + "\r\n\r\n");
        assertThat(outcome.failure())
                .as("trailer '%s' accepted", trailer.replaceAll("\\p{Cntrl}", "?"))
                .isNotNull();
        assertThat(outcome.ends()).isZero();
    }

    /** The class Javadoc: "whitespace before a colon" is a protocol error; trailers are fields too. */
    @ParameterizedTest
    @ValueSource(strings = {"X-T : v", "X T: v", ": v"})
    void invalidTrailerFieldNameIsAProtocolError(String trailer) {
        Outcome outcome = decode(CHUNKED_HEAD + "5\r\nhello\r\n0\r\n" + trailer + "\r\n\r\n");
        assertThat(outcome.failure()).as("trailer '%s' accepted", trailer).isNotNull();
        assertThat(outcome.ends()).isZero();
    }

    private static Outcome decode(String response) {
        return ResponseDecoderProbe.run(List.of(response.getBytes(StandardCharsets.ISO_8859_1)), false, true, 8192, 64);
    }
}
