package io.posthaste.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gzip decoder on its own: every header part is bounded and read as it arrives (never held or
 * copied again), every member of a concatenated body is decoded, and whatever is not a member, a
 * bad checksum or a cut body is an error rather than a short body.
 */
class GzipDecodingTest {

    private static final int LIMIT = 1 << 20;
    private static final int HEADER_LIMIT = 64 * 1024;
    private static final int PIECE = 16 * 1024;

    /** The header parts that end with a NUL byte, and so may never end. */
    enum Unterminated {
        FILE_NAME,
        COMMENT,
        COMMENT_AFTER_A_FILE_NAME
    }

    @ParameterizedTest
    @EnumSource(Unterminated.class)
    void aNameOrCommentThatNeverEndsFailsAtTheHeaderLimitInLinearTimeAndConstantMemory(Unterminated part)
            throws IOException {
        byte[] start = switch (part) {
            case FILE_NAME -> new Member(new byte[0]).name(new byte[0]).header();
            case COMMENT -> new Member(new byte[0]).comment(new byte[0]).header();
            case COMMENT_AFTER_A_FILE_NAME ->
                new Member(new byte[0]).name(text(100)).comment(new byte[0]).header();
        };
        start = Arrays.copyOf(start, start.length - 1); // drop the field's NUL: it never ends
        byte[] piece = new byte[PIECE];
        Arrays.fill(piece, (byte) 'a');

        try (BodyDecoder decoder = gzip()) {
            decoder.feed(start, 0, start.length, out -> {});
            long fed = start.length;
            long allocatedBefore = allocatedBytes();
            long startNanos = System.nanoTime();
            IOException failure = null;
            while (fed < (32L << 20) && failure == null) {
                try {
                    decoder.feed(piece, 0, piece.length, out -> {});
                    fed += piece.length;
                } catch (IOException e) {
                    failure = e;
                }
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            long allocated = allocatedBytes() - allocatedBefore;

            assertThat(failure).as("32 MiB of a field that never ends").isNotNull();
            assertThat(failure.getMessage()).contains("gzip header").contains(String.valueOf(HEADER_LIMIT));
            assertThat(fed).as("bytes taken before the error").isLessThanOrEqualTo(HEADER_LIMIT);
            // A copy of the field per read would allocate gigabytes; the error is all that may be.
            assertThat(allocated).as("bytes allocated while reading the field").isLessThan(1 << 20);
            assertThat(millis).as("milliseconds").isLessThan(500);
        }
    }

    @Test
    void anExtraFieldThatWouldPassTheHeaderLimitIsRefusedAsSoonAsItsLengthArrives() throws IOException {
        byte[] fixed = new Member(new byte[0]).extra(new byte[0]).header();
        fixed[10] = (byte) 0xff; // XLEN = 65535: with the 12 bytes before it, over 64 KiB
        fixed[11] = (byte) 0xff;
        try (BodyDecoder decoder = gzip()) {
            assertThatThrownBy(() -> decoder.feed(fixed, 0, 12, out -> {}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("gzip header")
                    .hasMessageContaining("extra field");
        }
        // The largest extra field that fits is read, never kept, and the member decodes.
        byte[] data = text(2_000);
        byte[] member = new Member(data).extra(new byte[HEADER_LIMIT - 12]).bytes();
        assertThat(decode(member, 1)).isEqualTo(data);
    }

    @Test
    void aLegalHeaderFedOneByteAtATimeIsReadInLinearTimeWithoutBeingBuffered() throws IOException {
        byte[] data = text(3_000);
        byte[] member = new Member(data)
                .extra(new byte[20_000])
                .name(text(20_000))
                .comment(text(20_000))
                .headerCrc()
                .bytes();
        int headerLength = member.length - compressedBodyAndTrailerLength(data);
        assertThat(headerLength).isGreaterThan(60_000).isLessThanOrEqualTo(HEADER_LIMIT);

        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        Consumer<byte[]> sink = decoded::writeBytes;
        try (BodyDecoder decoder = gzip()) {
            long allocatedBefore = allocatedBytes();
            for (int i = 0; i < headerLength; i++) {
                decoder.feed(member, i, 1, sink);
            }
            // Holding the header and copying it again on every read would allocate gigabytes here.
            assertThat(allocatedBytes() - allocatedBefore)
                    .as("bytes allocated reading the header")
                    .isLessThan(1 << 20);
            decoder.feed(member, headerLength, member.length - headerLength, sink);
            decoder.finish();
        }
        assertThat(decoded.toByteArray()).isEqualTo(data);
    }

    @Test
    void aHeaderWhoseCrcDoesNotMatchIsAnError() {
        byte[] member = new Member(text(10)).name(text(3)).headerCrc().bytes();
        int crcAt = new Member(text(10)).name(text(3)).headerCrc().header().length - 2;
        member[crcAt] ^= 1;
        assertThatThrownBy(() -> decode(member, member.length))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gzip header")
                .hasMessageContaining("CRC");
    }

    @Test
    void everyMemberOfAConcatenatedBodyIsDecodedWhereverThePiecesSplit() throws IOException {
        byte[] first = text(40);
        byte[] second = "second member\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new Member(first).name(text(5)).bytes());
        body.writeBytes(new Member(new byte[0]).bytes()); // an empty member is still a member
        body.writeBytes(new Member(second).comment(text(2)).headerCrc().bytes());
        byte[] all = body.toByteArray();
        byte[] expected = concat(first, second);

        for (int split = 0; split <= all.length; split++) {
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            try (BodyDecoder decoder = gzip()) {
                decoder.feed(all, 0, split, decoded::writeBytes);
                decoder.feed(all, split, all.length - split, decoded::writeBytes);
                decoder.finish();
            }
            assertThat(decoded.toByteArray()).as("split at %d", split).isEqualTo(expected);
        }
        assertThat(decode(all, 1)).isEqualTo(expected);
    }

    @Test
    void theDecodedSizeLimitCountsEveryMember() {
        byte[] member = new Member(new byte[700 * 1024]).bytes();
        byte[] twoMembers = concat(member, member);
        assertThatThrownBy(() -> decode(twoMembers, twoMembers.length))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exceeds the limit");
    }

    /**
     * After a member only another member may follow: like Go's net/http, Python's gzip module, curl
     * and OkHttp, anything else is an error, zero padding too (which only Python skips).
     */
    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE", "\0", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "\u001f\0", "\u001f\u008b\u0009"})
    void bytesAfterAMemberThatDoNotStartAnotherAreAnError(String after) {
        byte[] data = text(20);
        byte[] body = concat(new Member(data).bytes(), after.getBytes(StandardCharsets.ISO_8859_1));
        for (int piece : new int[] {body.length, 1}) {
            assertThatThrownBy(() -> decode(body, piece))
                    .as("in pieces of %d", piece)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("gzip");
        }
    }

    @Test
    void aSecondMemberCutShortIsAnError() {
        byte[] first = new Member(text(20)).bytes();
        byte[] second = new Member(text(30)).name(text(4)).bytes();
        for (int kept : new int[] {1, 2, 10, 13, second.length - 9, second.length - 1}) {
            byte[] body = concat(first, Arrays.copyOf(second, kept));
            assertThatThrownBy(() -> decode(body, body.length))
                    .as("%d bytes of the second member", kept)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ended before");
        }
    }

    @Test
    void aCorruptOrCutTrailerIsAnErrorNotAShortBody() {
        byte[] data = text(200);
        byte[] good = new Member(data).bytes();
        for (byte[] body : new byte[][] {good, concat(new Member(text(3)).bytes(), good)}) {
            byte[] badCrc = body.clone();
            badCrc[badCrc.length - 8] ^= 0x01;
            assertThatThrownBy(() -> decode(badCrc, badCrc.length))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("CRC");
            byte[] badSize = body.clone();
            badSize[badSize.length - 4] ^= 0x01;
            assertThatThrownBy(() -> decode(badSize, badSize.length))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("size");
            for (int cut = 1; cut <= 8; cut++) {
                byte[] shorter = Arrays.copyOf(body, body.length - cut);
                assertThatThrownBy(() -> decode(shorter, 3))
                        .as("%d bytes cut", cut)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("ended before");
            }
        }
    }

    @Test
    void dataThatIsNotGzipAtAllIsAnError() {
        byte[] notGzip = "<html>not gzip</html>".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> decode(notGzip, notGzip.length))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not gzip data");
    }

    private static BodyDecoder gzip() throws IOException {
        return BodyDecoder.forHeader("gzip", LIMIT);
    }

    /** Decodes {@code body} fed in pieces of {@code piece} bytes, then checks its end. */
    private static byte[] decode(byte[] body, int piece) throws IOException {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (BodyDecoder decoder = gzip()) {
            for (int at = 0; at < body.length; at += piece) {
                decoder.feed(body, at, Math.min(piece, body.length - at), decoded::writeBytes);
            }
            decoder.finish();
        }
        return decoded.toByteArray();
    }

    /**
     * Bytes this thread has allocated so far: HotSpot counts them per thread, so no collection is
     * involved. Reached by reflection because the test sources compile inside the io.posthaste
     * module, which does not read jdk.management; they run on the class path, which does.
     */
    private static long allocatedBytes() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            assertThat((boolean)
                            type.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads))
                    .as("allocation counting")
                    .isTrue();
            return (long) type.getMethod("getCurrentThreadAllocatedBytes").invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no per-thread allocation count on this JVM", e);
        }
    }

    private static int compressedBodyAndTrailerLength(byte[] data) {
        return new Member(data).bytes().length - new Member(data).header().length;
    }

    /** Text of {@code length} bytes without a NUL, different on every line. */
    static byte[] text(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < length; i++) {
            text.append("line ").append(i).append(" of the body\n");
        }
        return text.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** One gzip member (RFC 1952) with whichever optional header parts a test asks for. */
    static final class Member {
        private static final int FHCRC = 0x02;
        private static final int FEXTRA = 0x04;
        private static final int FNAME = 0x08;
        private static final int FCOMMENT = 0x10;

        private final byte[] data;
        private byte[] extra;
        private byte[] name;
        private byte[] comment;
        private boolean headerCrc;

        Member(byte[] data) {
            this.data = data;
        }

        Member extra(byte[] value) {
            extra = value;
            return this;
        }

        Member name(byte[] value) {
            name = value;
            return this;
        }

        Member comment(byte[] value) {
            comment = value;
            return this;
        }

        Member headerCrc() {
            headerCrc = true;
            return this;
        }

        byte[] header() {
            int flags = (extra != null ? FEXTRA : 0)
                    | (name != null ? FNAME : 0)
                    | (comment != null ? FCOMMENT : 0)
                    | (headerCrc ? FHCRC : 0);
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0, 0, 0, 0, 0, (byte) 255});
            if (extra != null) {
                header.write(extra.length & 0xff);
                header.write(extra.length >>> 8);
                header.writeBytes(extra);
            }
            for (byte[] field : new byte[][] {name, comment}) {
                if (field != null) {
                    header.writeBytes(field);
                    header.write(0);
                }
            }
            if (headerCrc) {
                CRC32 crc = new CRC32();
                crc.update(header.toByteArray());
                header.write((int) crc.getValue() & 0xff);
                header.write((int) (crc.getValue() >>> 8) & 0xff);
            }
            return header.toByteArray();
        }

        byte[] bytes() {
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            member.writeBytes(header());
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                deflater.setInput(data);
                deflater.finish();
                byte[] buffer = new byte[8192];
                while (!deflater.finished()) {
                    member.write(buffer, 0, deflater.deflate(buffer));
                }
            } finally {
                deflater.end();
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            writeIntLe(member, (int) crc.getValue());
            writeIntLe(member, data.length);
            return member.toByteArray();
        }

        private static void writeIntLe(ByteArrayOutputStream out, int value) {
            for (int shift = 0; shift < 32; shift += 8) {
                out.write(value >>> shift & 0xff);
            }
        }
    }
}
