package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.internal.http1.ResponseDecoderProbe;
import io.posthaste.internal.http1.ResponseDecoderProbe.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client's own HTTP/1.1 response parser ({@code io.posthaste.internal.http1.ResponseDecoder},
 * driven through {@link ResponseDecoderProbe}) on well-formed, random and deliberately malformed
 * bytes. Every run is bounded (10 s), and every input buffer must end released: the probe checks
 * reference counts directly and {@link BufferLeakCheck} checks Netty's paranoid leak detector.
 */
@ExtendWith(BufferLeakCheck.class)
class ResponseDecoderProperties {

    private static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_HEADERS = 64;

    /** Read boundaries: cut points into the wire bytes, taken modulo their length. */
    private static final Gen<Integer> CUT = Gen.ints(0, 1 << 20);

    /**
     * Proves that well-formed responses (one to three in turn on one connection, interim 1xx, both
     * versions, any legal whitespace, fixed-length, chunked with extensions and trailers,
     * until-close, 204/304, a HEAD response with a length) decode to exactly their model however
     * the bytes are split into reads, down to single bytes. Each response arrives after its
     * request, as on a client's connection.
     */
    @Test
    void wellFormedResponsesDecodeToTheirModelHoweverTheyAreSplit() {
        Gen<List<HttpResponses.Response>> responses = pipeline();
        Gen<List<Integer>> cuts = CUT.list(0, 24);
        Gen<Pipeline> pipelines = r -> new Pipeline(responses.next(r), cuts.next(r), r.nextBoolean());
        Fuzz.check(
                "wellFormedResponsesDecodeToTheirModelHoweverTheyAreSplit",
                2000,
                pipelines,
                p -> assertDecodesToItsModel(p.responses(), p.cuts(), p.headRequest()));
    }

    private static void assertDecodesToItsModel(
            List<HttpResponses.Response> responses, List<Integer> cuts, boolean headRequest) {
        boolean head = headRequest && responses.size() == 1;
        boolean untilClose = responses.get(responses.size() - 1).framing() == HttpResponses.Framing.UNTIL_CLOSE;
        List<List<byte[]>> exchanges = new ArrayList<>();
        responses.forEach(r -> exchanges.add(Fragments.split(r.bytes(head), cuts)));
        Outcome outcome = ResponseDecoderProbe.runExchanges(
                exchanges, head, untilClose || cuts.size() % 2 == 0, MAX_HEADER_SIZE, MAX_HEADERS);
        assertThat(outcome.failure()).as("a well-formed response is refused").isNull();
        assertThat(HttpResponses.normalise(outcome.events())).isEqualTo(HttpResponses.expectedEvents(responses, head));
    }

    /**
     * Proves that bytes after the response to the one request in flight — a second response
     * nobody asked for, sent in the same write or split anywhere — are refused and never decoded
     * as a response (security checklist 19 and 47): the decoder emits exactly the first response
     * and then fails.
     */
    @Test
    void bytesBeyondTheRequestedResponseAreRefusedNeverDecoded() {
        Gen<List<HttpResponses.Response>> responses = pipeline();
        Gen<List<Integer>> cuts = CUT.list(0, 24);
        Gen<Pipeline> pipelines = r -> new Pipeline(responses.next(r), cuts.next(r), false);
        Fuzz.check("bytesBeyondTheRequestedResponseAreRefusedNeverDecoded", 2000, pipelines, p -> {
            List<HttpResponses.Response> sent = p.responses();
            if (sent.size() < 2 || sent.get(0).framing() == HttpResponses.Framing.UNTIL_CLOSE) {
                return; // one answer only, or one whose body runs to the close and takes everything
            }
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            sent.forEach(r -> wire.writeBytes(r.bytes(false)));
            Outcome outcome = ResponseDecoderProbe.run(
                    Fragments.split(wire.toByteArray(), p.cuts()), false, false, MAX_HEADER_SIZE, MAX_HEADERS);
            assertThat(outcome.failure()).as("the stray answer is refused").isNotNull();
            assertThat(outcome.failure().getMessage()).contains("unsolicited");
            assertThat(HttpResponses.normalise(outcome.events()))
                    .isEqualTo(HttpResponses.expectedEvents(sent.subList(0, 1), false));
        });
    }

    /**
     * Proves that on arbitrary bytes (HTTP-shaped soup and raw noise, split anywhere) the decoder
     * fails only with its documented {@code DecoderException}, never hangs, never emits body
     * bytes it was not given, and emits events in a valid order: body and end only after a
     * final head, interim heads without a body.
     */
    @Test
    void arbitraryBytesFailOnlyWithDecoderExceptionAndNeverConfuseTheOrder() {
        Gen<byte[]> noise = noise();
        Gen<List<Integer>> cuts = Gen.ints(0, 1 << 16).list(0, 16);
        Gen<Noise> inputs = r -> new Noise(noise.next(r), cuts.next(r), r.nextBoolean());
        Fuzz.check(
                "arbitraryBytesFailOnlyWithDecoderExceptionAndNeverConfuseTheOrder",
                10_000,
                inputs,
                n -> assertFailsCleanlyInOrder(n.bytes(), n.cuts(), n.close()));
    }

    private static void assertFailsCleanlyInOrder(byte[] bytes, List<Integer> cuts, boolean close) {
        Outcome outcome =
                ResponseDecoderProbe.run(Fragments.split(bytes, cuts), false, close, MAX_HEADER_SIZE, MAX_HEADERS);
        assertThat(outcome.body().length).isLessThanOrEqualTo(bytes.length);
        boolean inBody = false;
        for (ResponseDecoderProbe.Event event : outcome.events()) {
            if (event instanceof ResponseDecoderProbe.Head h) {
                assertThat(inBody).as("a head inside a body").isFalse();
                inBody = h.status() < 100 || h.status() >= 200 || h.status() == 101;
            } else {
                assertThat(inBody).as("%s outside a body", event).isTrue();
                inBody = !(event instanceof ResponseDecoderProbe.End);
            }
        }
    }

    /**
     * Proves that a response whose head is malformed in a way RFC 9112 or the decoder's contract
     * forbids (duplicate or invalid Content-Length, Content-Length with Transfer-Encoding, bare
     * LF, obs-fold, NUL or another control character, whitespace before the colon, a non-token
     * name, a bad status line, too many blank lines, too many or too large fields) is refused
     * with {@code DecoderException} and never completes as a response.
     */
    @Test
    void malformedHeadsAreRefused() {
        Gen<HttpResponses.Response> responses = singleFramed();
        Gen<HeadMutation> mutations = Gen.of(HeadMutation.values());
        Gen<Integer> choices = Gen.anyInt();
        Gen<List<Integer>> cuts = CUT.list(0, 8);
        Gen<BrokenHead> inputs =
                r -> new BrokenHead(responses.next(r), mutations.next(r), choices.next(r), cuts.next(r));
        Fuzz.check(
                "malformedHeadsAreRefused",
                1000,
                inputs,
                b -> assertRefused(
                        b.mutation().apply(b.response(), b.choice(), MAX_HEADER_SIZE, MAX_HEADERS),
                        b.cuts(),
                        b.mutation().name()));
    }

    /**
     * Proves that a response whose body framing is malformed (a chunk size that is not
     * {@code 1*HEXDIG [ BWS ";" chunk-ext ]}, chunk data longer than declared, a control
     * character, a space before the colon or obs-fold in a trailer, a body cut short by the
     * connection closing) is refused and never completes as a response.
     */
    @Test
    void malformedBodyFramingIsRefused() {
        Gen<HttpResponses.Response> responses = singleFramed();
        Gen<BodyMutation> mutations = Gen.of(BodyMutation.values());
        Gen<Integer> choices = Gen.anyInt();
        Gen<List<Integer>> cuts = CUT.list(0, 8);
        Gen<BrokenBody> inputs =
                r -> new BrokenBody(responses.next(r), mutations.next(r), choices.next(r), cuts.next(r));
        Fuzz.check(
                "malformedBodyFramingIsRefused",
                1000,
                inputs,
                b -> assertRefused(
                        b.mutation().apply(b.response(), b.choice()),
                        b.cuts(),
                        b.mutation().name()));
    }

    /**
     * Proves that memory stays bounded: a status line, header section, chunk-size line or
     * trailer section that never ends is refused by the time its limit (plus the last read) has
     * arrived, for any configured limits, instead of being buffered without end.
     */
    @Test
    void endlessLinesAreRefusedWithinTheirLimits() {
        Gen<Endless> lines = endless();
        Gen<Integer> limits = Gen.ints(256, 65_536);
        Gen<Integer> pieceSizes = Gen.ints(1, 8_192);
        Gen<EndlessCase> inputs = r -> new EndlessCase(lines.next(r), limits.next(r), pieceSizes.next(r));
        Fuzz.check(
                "endlessLinesAreRefusedWithinTheirLimits",
                300,
                inputs,
                e -> assertRefusedWithinLimit(e.endless(), e.maxHeaderSize(), e.pieceSize()));
    }

    private static void assertRefusedWithinLimit(Endless endless, int maxHeaderSize, int pieceSize) {
        byte[] prefix = endless.prefix().getBytes(StandardCharsets.ISO_8859_1);
        byte[] filler = endless.filler().getBytes(StandardCharsets.ISO_8859_1);
        int limit = endless.limit(maxHeaderSize);
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(prefix);
        int total = 0;
        while (total < limit * 3 + pieceSize) {
            byte[] piece = new byte[pieceSize];
            for (int i = 0; i < pieceSize; i++) {
                piece[i] = filler[(total + i) % filler.length];
            }
            pieces.add(piece);
            total += pieceSize;
        }
        Outcome outcome = ResponseDecoderProbe.run(pieces, false, false, maxHeaderSize, 100_000);
        assertThat(outcome.failure()).as("refused").isNotNull();
        assertThat(outcome.bytesFedBeforeFailure()).isLessThanOrEqualTo(prefix.length + limit + 2L + pieceSize);
    }

    private static void assertRefused(byte[] bad, List<Integer> cuts, String what) {
        Outcome outcome =
                ResponseDecoderProbe.run(Fragments.split(bad, cuts), false, true, MAX_HEADER_SIZE, MAX_HEADERS);
        assertThat(outcome.failure())
                .as("%s accepted: %s", what, printable(bad))
                .isNotNull();
        assertThat(outcome.ends()).as("%s completed a response", what).isZero();
    }

    static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 400); i++) {
            int b = bytes[i] & 0xff;
            out.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return out.toString();
    }

    /** A line that never ends after a valid prefix, and the limit it must be refused within. */
    record Endless(String prefix, String filler, String kind) {
        int limit(int maxHeaderSize) {
            return switch (kind) {
                case "status" -> 8190;
                case "chunk" -> 1024;
                default -> maxHeaderSize;
            };
        }
    }

    /** One input of {@link #wellFormedResponsesDecodeToTheirModelHoweverTheyAreSplit}. */
    record Pipeline(List<HttpResponses.Response> responses, List<Integer> cuts, boolean headRequest) {}

    /** One input of {@link #arbitraryBytesFailOnlyWithDecoderExceptionAndNeverConfuseTheOrder}. */
    record Noise(byte[] bytes, List<Integer> cuts, boolean close) {}

    /** One input of {@link #malformedHeadsAreRefused}. */
    record BrokenHead(HttpResponses.Response response, HeadMutation mutation, int choice, List<Integer> cuts) {}

    /** One input of {@link #malformedBodyFramingIsRefused}. */
    record BrokenBody(HttpResponses.Response response, BodyMutation mutation, int choice, List<Integer> cuts) {}

    /** One input of {@link #endlessLinesAreRefusedWithinTheirLimits}. */
    record EndlessCase(Endless endless, int maxHeaderSize, int pieceSize) {}

    private static Gen<Endless> endless() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Gen.of(
                new Endless("", "HTTP/1.1 200 OK", "status"),
                new Endless("HTTP/1.1 200 OK\r\n", "X-Long: aaaaaaaa", "header"),
                new Endless("HTTP/1.1 200 OK\r\n", "X-A: b\r\n", "header"),
                new Endless(chunked, "0000000", "chunk"),
                new Endless(chunked + "1;", "ext=1;", "chunk"),
                new Endless(chunked + "0\r\n", "X-T: t\r\n", "trailer"));
    }

    /** Returns zero to two responses that are not until-close, then one that may be. */
    private static Gen<List<HttpResponses.Response>> pipeline() {
        Gen<List<HttpResponses.Response>> first = HttpResponses.responses(false).list(0, 2);
        Gen<HttpResponses.Response> last = HttpResponses.responses(true);
        return r -> {
            List<HttpResponses.Response> all = new ArrayList<>(first.next(r));
            all.add(last.next(r));
            return all;
        };
    }

    private static Gen<HttpResponses.Response> singleFramed() {
        return HttpResponses.responses(false)
                .filter(r -> r.framing() != HttpResponses.Framing.NONE && r.body().length >= 2 && r.interim() == 0);
    }

    private static Gen<byte[]> noise() {
        Gen<String> piece = Gen.frequency(
                Gen.weight(
                        6,
                        Gen.of(
                                "HTTP/1.1 ",
                                "HTTP/1.0 ",
                                "HTTP/1.1 200 OK\r\n",
                                "200",
                                "100",
                                "101",
                                "204",
                                "304",
                                " OK",
                                "\r\n",
                                "\r\n\r\n",
                                "\n",
                                "\r",
                                ":",
                                ": ",
                                "Content-Length: ",
                                "Transfer-Encoding: chunked\r\n",
                                "Transfer-Encoding: gzip\r\n",
                                "Connection: close\r\n",
                                "Content-Length: 5\r\n",
                                "0\r\n\r\n",
                                "5\r\nhello\r\n",
                                ";",
                                " ",
                                "\t",
                                "\0",
                                "ffffffffffffffff",
                                "-1",
                                "\u00ff")),
                Gen.weight(3, Gen.charIn('0', '9')),
                Gen.weight(3, Gen.charIn('\u0000', '\u00ff')));
        Gen<byte[]> soup = Fragments.joined(piece, 0, 60).map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        return Gen.frequency(Gen.weight(4, soup), Gen.weight(1, Gen.bytes(0, 2000)));
    }
}
