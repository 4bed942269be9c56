package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The header blocks HTTP/2 requests are written from and responses decoded into. */
class H2FieldsTest {

    private static H2Fields request(CharSequence... fields) {
        return H2Fields.of(fields.clone(), fields.length);
    }

    @Test
    void aBlockIteratesInTheOrderItWasBuilt() {
        H2Fields block = request(":method", "GET", ":path", "/", "accept", "*/*", "accept", "text/plain");

        List<String> seen = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> field : block) {
            seen.add(field.getKey() + "=" + field.getValue());
        }

        assertThat(seen).containsExactly(":method=GET", ":path=/", "accept=*/*", "accept=text/plain");
        assertThat(block.size()).isEqualTo(4);
        assertThat(block.method()).hasToString("GET");
        assertThat(block.path()).hasToString("/");
        assertThat(block.status()).isNull();
    }

    @Test
    void lookupsIgnoreTheCaseOfNamesAndFindEveryValue() {
        H2Fields block = request("accept", "*/*", AsciiString.of("x-id"), "1", "Accept", "text/plain");

        assertThat(block.get("ACCEPT")).hasToString("*/*");
        assertThat(block.get(AsciiString.of("X-ID"))).hasToString("1");
        assertThat(block.getAll(AsciiString.of("accept")))
                .map(CharSequence::toString)
                .containsExactly("*/*", "text/plain");
        assertThat(block.contains("accept", "TEXT/PLAIN", true)).isTrue();
        assertThat(block.contains("accept", "TEXT/PLAIN", false)).isFalse();
        assertThat(block.contains("missing")).isFalse();
        assertThat(block.get("missing", "default")).isEqualTo("default");
    }

    @Test
    void fieldsWhoseNamesShareAHashAreStillToldApart() {
        // Case-insensitive hashes: equal for these two, which are still the same name.
        assertThat(AsciiString.of("Abc").hashCode())
                .isEqualTo(AsciiString.of("abc").hashCode());
        H2Fields block = request(AsciiString.of("abd"), "1", AsciiString.of("abc"), "2");

        assertThat(block.get(AsciiString.of("ABC"))).hasToString("2");
        assertThat(block.get(AsciiString.of("abe"))).isNull();
    }

    @Test
    void setReplacesEveryValueOfTheNameWhereTheFirstWas() {
        H2Fields block = request("a", "1", "b", "2", "a", "3");

        block.set("a", "9");

        assertThat(block.getAll("a")).map(CharSequence::toString).containsExactly("9");
        assertThat(block.toString()).isEqualTo("H2Fields[a: 9, b: 2]");
        assertThat(block.remove("b")).isTrue();
        assertThat(block.remove("b")).isFalse();
        assertThat(block.size()).isEqualTo(1);
    }

    @Test
    void setLongKeepsTheTextThereWhenItIsThatNumberAlready() {
        AsciiString length = AsciiString.of("42");
        H2Fields block = request("content-length", length, "content-length", "42");

        block.setLong("content-length", 42);

        assertThat(block.getAll("content-length")).containsExactly(length);
        block.setLong("content-length", 7);
        assertThat(block.get("content-length")).hasToString("7");
        block.setLong("x-count", 3);
        assertThat(block.get("x-count")).hasToString("3");
    }

    @Test
    void aReceivedBlockTakesValidNamesAndRefusesTheRest() {
        H2Fields block = H2Fields.received(2, new H2Fields.CheckedNames());
        block.add(Http2Headers.PseudoHeaderName.STATUS.value(), AsciiString.of("200"));
        block.add(AsciiString.of("x-ok_name.1~"), AsciiString.of("v"));
        block.add(AsciiString.of("content-type"), AsciiString.of("text/plain"));

        assertThat(block.status()).hasToString("200");
        assertThat(block.size()).isEqualTo(3);
        for (String bad : List.of("", "Content-Type", "bad name", "bad:name", "a\u0000b", ":unknown", "x(y)")) {
            assertThatThrownBy(() -> block.add(AsciiString.of(bad), AsciiString.of("v")))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(block.size()).isEqualTo(3);
    }

    @Test
    void aNameRefusedOnceIsRefusedAgain() {
        H2Fields.CheckedNames checked = new H2Fields.CheckedNames();
        AsciiString bad = AsciiString.of("Bad");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> H2Fields.received(1, checked).add(bad, AsciiString.of("v")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hpackNeverWritesMoreThanTheBound() {
        Random random = new Random(7);
        DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
        for (int round = 0; round < 500; round++) {
            int count = 1 + random.nextInt(12);
            CharSequence[] fields = new CharSequence[count * 2];
            for (int i = 0; i < fields.length; i += 2) {
                fields[i] = AsciiString.of("x-" + random.nextInt(1_000_000));
                byte[] value = new byte[random.nextInt(300)];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) (0x20 + random.nextInt(0x5f) | (random.nextInt(8) == 0 ? 0x80 : 0));
                }
                fields[i + 1] = new AsciiString(value);
            }
            H2Fields block = H2Fields.of(fields, fields.length);
            ByteBuf out = Unpooled.buffer();
            try {
                encoder.encodeHeaders(1, block, out);
                assertThat(out.readableBytes()).isLessThanOrEqualTo(block.encodedBound());
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                out.release();
            }
        }
    }
}
