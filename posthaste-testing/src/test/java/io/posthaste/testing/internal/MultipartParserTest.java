package io.posthaste.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Part;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartParserTest {

    private static final String BODY = "preamble is ignored\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue with --XyZ inside no CRLF\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a \\\"q\\\".txt\"; filename*=UTF-8''%E2%82%AC.txt\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nline1\r\nline2\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
            + "--XyZ--\r\nepilogue is ignored";

    @Test
    void decodesNamesFilenamesHeadersAndContent() {
        List<Part> parts = Multipart.decode("multipart/form-data; boundary=\"XyZ\"", bytes(BODY));
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).name()).isEqualTo("field");
        assertThat(parts.get(0).filename()).isNull();
        assertThat(parts.get(0).contentUtf8()).isEqualTo("value with --XyZ inside no CRLF");
        assertThat(parts.get(1).filename()).isEqualTo("€.txt");
        assertThat(parts.get(1).contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(parts.get(1).mediaType()).isEqualTo("text/plain");
        assertThat(parts.get(1).headers())
                .extracting(Map.Entry::getKey)
                .containsExactly("Content-Disposition", "Content-Type");
        assertThat(parts.get(1).contentUtf8()).isEqualTo("line1\r\nline2");
        assertThat(parts.get(2).content()).isEmpty();
    }

    @Test
    void findsDelimitersSplitAcrossFeedsOneByteAtATime() {
        List<String> contents = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        MultipartParser parser = new MultipartParser("XyZ", new MultipartParser.Handler() {
            @Override
            public void partStart(List<Map.Entry<String, String>> headers) {
                current.setLength(0);
            }

            @Override
            public void partData(byte[] data, int offset, int length) {
                current.append(new String(data, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void partEnd() {
                contents.add(current.toString());
            }
        });
        byte[] body = bytes(BODY);
        for (int i = 0; i < body.length; i++) {
            parser.feed(body, i, 1);
        }
        parser.finish();
        assertThat(contents).containsExactly("value with --XyZ inside no CRLF", "line1\r\nline2", "");
    }

    @Test
    void rejectsBodiesWithoutClosingDelimiterOrWithBadPartHeaders() {
        assertThatThrownBy(() -> Multipart.decode(
                        "multipart/form-data; boundary=B",
                        bytes("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end")))
                .isInstanceOf(MultipartParser.MalformedException.class)
                .hasMessageContaining("closing delimiter");
        assertThatThrownBy(() -> Multipart.decode(
                        "multipart/form-data; boundary=B", bytes("--B\r\nnot a header\r\n\r\nx\r\n--B--")))
                .isInstanceOf(MultipartParser.MalformedException.class)
                .hasMessageContaining("part header");
        assertThatThrownBy(() -> Multipart.decode("multipart/form-data", bytes("x")))
                .isInstanceOf(MultipartParser.MalformedException.class)
                .hasMessageContaining("boundary");
    }

    @Test
    void nonMultipartBodiesHaveNoParts() {
        assertThat(Multipart.decode("application/json", bytes("{}"))).isEmpty();
        assertThat(Multipart.decode(null, bytes(""))).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
