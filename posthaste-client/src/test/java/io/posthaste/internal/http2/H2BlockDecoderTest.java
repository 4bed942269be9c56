package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The response blocks not decoded again: only those that would decode to the same fields and
 * leave HPACK's table as it was. Checked against Netty's own decoder, block by block.
 */
class H2BlockDecoderTest {

    /** What nginx 1.22 sends for a small 200: :status indexed, four fields as literals to index. */
    private static final String NGINX = "887689aa6355e580ae212e1f6196d07abe9403aa5f29141004e2817ae085704253168dff"
            + "5f8b1d75d0620d263d4c7441ea5c023133";

    private final H2BlockDecoder decoder = new H2BlockDecoder(true, 65_536);
    private final DefaultHttp2HeadersDecoder netty = new DefaultHttp2HeadersDecoder(true, 65_536);

    private static String read(Http2Headers headers) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            text.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
        }
        return text.toString();
    }

    /** Our decoder's last block, and how many blocks it handed back without decoding them. */
    private H2Fields lastOurs;

    private int notDecoded;

    /** Both decoders' reading of {@code block}: the fields, or the failure's class. */
    private String[] decodeBoth(byte[] block) {
        String[] read = new String[2];
        ByteBuf ours = Unpooled.wrappedBuffer(block);
        ByteBuf theirs = Unpooled.wrappedBuffer(block);
        try {
            H2Fields fields = (H2Fields) decoder.decodeHeaders(1, ours);
            if (onlyLiterals(block)
                    && lastOurs != null
                    && fields.size() > 1
                    && fields.valueAt(1) == lastOurs.valueAt(1)) {
                notDecoded++; // HPACK makes a new object each time it decodes a literal.
            }
            lastOurs = fields;
            read[0] = read(fields);
        } catch (Exception e) {
            lastOurs = null;
            read[0] = e.getClass().getSimpleName();
        }
        try {
            read[1] = read(netty.decodeHeaders(1, theirs));
        } catch (Exception e) {
            read[1] = e.getClass().getSimpleName();
        }
        return read;
    }

    @Test
    void nginxsRepeatedAnswerIsDecodedOnceTheTableIsSteady() throws Exception {
        List<H2Fields> decoded = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            decoded.add((H2Fields) decoder.decodeHeaders(1, Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(NGINX))));
        }

        assertThat(read(decoded.get(39))).startsWith(":status: 200\nserver: nginx/1.22.1\ndate: ");
        // Decoded twice, a literal is two objects; a block not decoded again hands back the same.
        assertThat(decoded.get(0).valueAt(2)).isNotSameAs(decoded.get(1).valueAt(2));
        assertThat(decoded.get(39).valueAt(2)).isSameAs(decoded.get(38).valueAt(2));
        assertThat(decoded.get(39)).isNotSameAs(decoded.get(38)); // Each caller may change its own.
    }

    @Test
    void everyBlockReadsAsNettyReadsItWhateverCameBefore() throws Exception {
        Random random = new Random(5);
        byte[] previous = ByteBufUtil.decodeHexDump(NGINX);
        decodeBoth(previous);
        for (int i = 0; i < 3_000; i++) {
            byte[] block = switch (random.nextInt(6)) {
                case 0, 1 -> previous; // Again, as servers do.
                case 2 -> literals(random, false);
                case 3 -> literals(random, true); // With a table size update first.
                default -> referencesToTheTable();
            };
            // Now and then the same block for a while: long enough for the table to settle.
            int times = random.nextInt(8) == 0 ? 60 + random.nextInt(60) : 1;
            for (int again = 0; again < times; again++) {
                String[] read = decodeBoth(block);
                assertThat(read[0])
                        .as("block %d: %s", i, ByteBufUtil.hexDump(block))
                        .isEqualTo(read[1]);
            }
            previous = block;
        }
        assertThat(notDecoded).as("blocks handed back without decoding").isGreaterThan(1_000);
    }

    @Test
    void aBlockHpackRefusesEndsTheRemembering() throws Exception {
        byte[] nginx = ByteBufUtil.decodeHexDump(NGINX);
        for (int i = 0; i < 30; i++) {
            decodeBoth(nginx);
        }
        byte[] badName = block(out -> literal(out, 0x40, "Bad-Name", "v"));

        assertThat(decodeBoth(badName)[0]).isEqualTo("StreamException");
        for (int i = 0; i < 5; i++) {
            String[] read = decodeBoth(nginx);
            assertThat(read[0]).isEqualTo(read[1]);
        }
    }

    /** Whether {@code block} is :status then literals with literal names (as {@link #literals} writes). */
    private static boolean onlyLiterals(byte[] block) {
        int at = (block[0] & 0xff) == 0x3f ? 3 : 0;
        return (block[at] & 0xff) == 0x88 && block.length > at + 1 && (block[at + 1] & 0xbf) == 0;
    }

    private static final String[] NAMES = {"server", "date", "content-type", "x-a", "x-b", "etag"};
    /** The static table's index of each of {@link #NAMES}, or 0. */
    private static final int[] STATIC_INDEXES = {54, 33, 31, 0, 0, 34};

    private static final String[] VALUES = {
        "nginx", "Mon, 07 Dec 2026 18:22:22 GMT", "text/plain", "1", "22", "x".repeat(90)
    };

    /** A block of :status and literals to index, as nginx writes them, some of them again. */
    private static byte[] literals(Random random, boolean sizeUpdate) {
        return block(out -> {
            if (sizeUpdate) {
                int size = random.nextBoolean() ? 4096 : 256;
                out.write(0x3f); // 5-bit prefix full, then size - 31 in 7-bit groups.
                int rest = size - 31;
                out.write(0x80 | (rest & 0x7f));
                out.write(rest >> 7);
            }
            out.write(0x88); // :status 200
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                int pick = random.nextInt(NAMES.length);
                String value = VALUES[random.nextInt(2) == 0 ? pick : random.nextInt(VALUES.length)];
                if (STATIC_INDEXES[pick] > 0 && random.nextBoolean()) {
                    literalWithIndexedName(out, STATIC_INDEXES[pick], value); // As nginx: 0x76 is server.
                } else {
                    literal(out, 0x40, NAMES[pick], value);
                }
            }
            if (random.nextInt(4) == 0) {
                literal(out, 0x00, "x-not-indexed", "v"); // Without indexing: no change.
            }
        });
    }

    /** A block of :status and a reference to the newest entry of the dynamic table. */
    private static byte[] referencesToTheTable() {
        return block(out -> {
            out.write(0x88);
            out.write(0x80 | 62); // The newest entry: there is one after the first block.
        });
    }

    private static void literal(ByteArrayOutputStream out, int type, String name, String value) {
        out.write(type); // Index 0: the name follows as a literal.
        for (String text : new String[] {name, value}) {
            byte[] octets = text.getBytes(StandardCharsets.US_ASCII);
            out.write(octets.length); // Under 127: no Huffman, one octet.
            out.writeBytes(octets);
        }
    }

    private static void literalWithIndexedName(ByteArrayOutputStream out, int nameIndex, String value) {
        out.write(0x40 | nameIndex); // Under 63: in the 6-bit prefix.
        byte[] octets = value.getBytes(StandardCharsets.US_ASCII);
        out.write(octets.length);
        out.writeBytes(octets);
    }

    private interface Writer {
        void write(ByteArrayOutputStream out) throws Exception;
    }

    private static byte[] block(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
