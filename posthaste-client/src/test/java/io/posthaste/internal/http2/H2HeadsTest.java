package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.posthaste.internal.exchange.ResponseHead;
import org.junit.jupiter.api.Test;

/** How decoded HTTP/2 heads become the exchange's, reusing the strings of repeated fields. */
class H2HeadsTest {

    private final H2Heads heads = new H2Heads(100);

    private static H2Fields received(String... fields) {
        H2Fields block = H2Fields.received(fields.length / 2, new H2Fields.CheckedNames());
        block.add(Http2Headers.PseudoHeaderName.STATUS.value(), AsciiString.of("200"));
        for (int i = 0; i < fields.length; i += 2) {
            block.add(new AsciiString(fields[i]), new AsciiString(fields[i + 1]));
        }
        return block;
    }

    @Test
    void aValueRepeatedInLaterHeadsIsTheSameString() throws Http2Exception {
        ResponseHead first = heads.head(1, received("server", "nginx", "content-length", "12"));
        ResponseHead second = heads.head(3, received("server", "nginx", "content-length", "12"));

        assertThat(second.header("server")).isSameAs(first.header("server"));
        assertThat(second.contentLength()).isEqualTo(12);
    }

    @Test
    void valuesThatDifferOnlyInCaseStayApart() throws Http2Exception {
        heads.head(1, received("x-token", "abc"));

        ResponseHead head = heads.head(3, received("x-token", "ABC"));

        assertThat(head.header("x-token")).isEqualTo("ABC");
    }

    @Test
    void aBadValueIsRefusedEveryTimeItComes() throws Http2Exception {
        heads.head(1, received("x-a", "fine"));
        for (int stream = 3; stream < 9; stream += 2) {
            int id = stream;
            assertThatThrownBy(() -> heads.head(id, received("x-a", "bad\r\nvalue")))
                    .isInstanceOf(Http2Exception.StreamException.class)
                    .hasMessageContaining("x-a");
        }
        assertThat(heads.head(9, received("x-a", "fine")).header("x-a")).isEqualTo("fine");
    }
}
