package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request blocks HPACK would write again byte for byte, copied instead: whatever the order of
 * blocks, a peer's decoder reads each as it was meant.
 */
class H2BlockEncoderTest {

    private static final AsciiString METHOD = AsciiString.of(":method");
    private static final AsciiString GET = AsciiString.of("GET");
    private static final AsciiString PATH = AsciiString.of(":path");
    private static final AsciiString AGENT = AsciiString.of("user-agent");

    private final H2BlockEncoder encoder = new H2BlockEncoder(Http2HeadersEncoder.NEVER_SENSITIVE);
    private final DefaultHttp2HeadersDecoder peer = new DefaultHttp2HeadersDecoder(true);

    private static H2Fields block(CharSequence... fields) {
        return H2Fields.of(fields.clone(), fields.length);
    }

    /** Encodes {@code block}, decodes it as the peer, and returns what the peer read and the bytes. */
    private String roundTrip(H2Fields block, List<String> wire) throws Exception {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodeHeaders(1, block, out);
            wire.add(ByteBufUtil.hexDump(out));
            Http2Headers read = peer.decodeHeaders(1, out);
            StringBuilder text = new StringBuilder();
            for (Map.Entry<CharSequence, CharSequence> field : read) {
                text.append(field.getKey()).append('=').append(field.getValue()).append(';');
            }
            return text.toString();
        } finally {
            out.release();
        }
    }

    @Test
    void theSameFieldsAgainAreTheSameBytesOnceTheyAreAllInTheTables() throws Exception {
        AsciiString path = AsciiString.of("/get");
        AsciiString agent = AsciiString.of("posthaste/1");
        List<String> wire = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            assertThat(roundTrip(block(METHOD, GET, PATH, path, AGENT, agent), wire))
                    .isEqualTo(":method=GET;:path=/get;user-agent=posthaste/1;");
        }

        assertThat(wire.get(0)).isNotEqualTo(wire.get(1)); // The first put the fields in the table.
        assertThat(wire.subList(1, 4)).containsOnly(wire.get(1));
        assertThat(H2BlockEncoder.onlyReferences(
                        Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(wire.get(1))),
                        0,
                        wire.get(1).length() / 2))
                .isTrue();
    }

    @Test
    void blocksOfManyKindsInAnyOrderReachThePeerAsTheyWere() throws Exception {
        Random random = new Random(11);
        AsciiString[] paths = {AsciiString.of("/a"), AsciiString.of("/b"), AsciiString.of("/c")};
        AsciiString[] agents = {AsciiString.of("x"), AsciiString.of("y".repeat(300)), AsciiString.of("z")};
        List<String> wire = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            AsciiString path = paths[random.nextInt(paths.length)];
            // Sometimes equal text in a new object: no reuse, the same meaning.
            AsciiString agent = random.nextInt(4) == 0
                    ? new AsciiString(agents[0].toString())
                    : agents[random.nextInt(agents.length)];
            if (i % 500 == 499) {
                encoder.maxHeaderTableSize(random.nextBoolean() ? 64 : 4096); // As a peer's SETTINGS may.
            }
            assertThat(roundTrip(block(METHOD, GET, PATH, path, AGENT, agent), wire))
                    .isEqualTo(":method=GET;:path=" + path + ";user-agent=" + agent + ";");
        }
    }

    @Test
    void aBlockWithLiteralsIsNeverCopied() throws Exception {
        H2BlockEncoder secretive =
                new H2BlockEncoder((name, value) -> name.toString().equals("authorization"));
        AsciiString auth = AsciiString.of("authorization");
        AsciiString secret = AsciiString.of("Bearer s3cr3t");
        List<String> wire = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuf out = Unpooled.buffer();
            secretive.encodeHeaders(1, block(METHOD, GET, auth, secret), out);
            assertThat(H2BlockEncoder.onlyReferences(out, 0, out.readableBytes()))
                    .isFalse();
            wire.add(ByteBufUtil.hexDump(out));
            out.release();
        }
        assertThat(wire).allSatisfy(bytes -> assertThat(bytes).contains(ByteBufUtil.hexDump(secret.array())));
    }

    @Test
    void onlyReferencesReadsMultiOctetIndexes() {
        assertThat(H2BlockEncoder.onlyReferences(
                        Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, (byte) 0xff, 0x05}), 0, 3))
                .isTrue();
        assertThat(H2BlockEncoder.onlyReferences(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff}), 0, 1))
                .isFalse();
        assertThat(H2BlockEncoder.onlyReferences(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x40}), 0, 2))
                .isFalse();
    }
}
