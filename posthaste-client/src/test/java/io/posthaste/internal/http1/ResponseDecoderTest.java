package io.posthaste.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.posthaste.internal.exchange.BodyEnd;
import io.posthaste.internal.exchange.ResponseHead;
import io.posthaste.internal.exchange.ResponseTrailers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseDecoderTest {

    private final ResponseDecoder decoder = new ResponseDecoder(64 * 1024, 128);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    /** Whether the request the fed bytes answer is a HEAD. */
    private boolean headRequest;

    /** Feeds the response to one request (which {@link #feed} announces, as the client does). */
    private List<Object> feed(String... pieces) {
        decoder.expectResponse(headRequest);
        for (String piece : pieces) {
            channel.writeInbound(Unpooled.copiedBuffer(piece, StandardCharsets.ISO_8859_1));
        }
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private List<Object> drain() {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private static String body(List<Object> messages) {
        StringBuilder text = new StringBuilder();
        for (Object m : messages) {
            if (m instanceof ByteBuf buf) {
                text.append(buf.toString(StandardCharsets.ISO_8859_1));
                buf.release();
            }
        }
        return text.toString();
    }

    @Test
    void fixedLengthResponseSplitAnywhereIsReassembled() {
        List<Object> out = feed("HTTP/1.1 200 OK\r\nContent-Le", "ngth: 5\r\nX-A: b\r\n\r\nhe", "llo");
        ResponseHead head = (ResponseHead) out.get(0);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.reason()).isEqualTo("OK");
        assertThat(head.headers()).containsExactly("Content-Length", "5", "X-A", "b");
        assertThat(head.keepAlive()).isTrue();
        assertThat(out.get(out.size() - 1)).isEqualTo(BodyEnd.INSTANCE);
        assertThat(body(out)).isEqualTo("hello");
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersIsDecoded() {
        List<Object> out = feed(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "3;ext=1\r\nabc\r\n",
                "2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertThat(body(out)).isEqualTo("abcde");
        assertThat(out.get(out.size() - 1)).isEqualTo(BodyEnd.INSTANCE);
        assertThat(((ResponseTrailers) out.get(out.size() - 2)).fields()).containsExactly("X-Trailer", "t");
    }

    @Test
    void bodyUntilCloseEndsWhenTheConnectionCloses() {
        List<Object> out = feed("HTTP/1.0 200 OK\r\n\r\nsome bytes");
        assertThat(((ResponseHead) out.get(0)).keepAlive()).isFalse();
        channel.finish();
        Object last;
        while ((last = channel.readInbound()) != null) {
            out.add(last);
        }
        assertThat(out.get(out.size() - 1)).isEqualTo(BodyEnd.INSTANCE);
        assertThat(body(out)).isEqualTo("some bytes");
    }

    @Test
    void headResponseHasNoBodyWhateverItsLengthSays() {
        headRequest = true;
        List<Object> out = feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        assertThat(out).hasSize(2).last().isEqualTo(BodyEnd.INSTANCE);
    }

    @Test
    void interimResponsesComeBeforeTheFinalOne() {
        List<Object> out = feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assertThat(((ResponseHead) out.get(0)).isInterim()).isTrue();
        assertThat(((ResponseHead) out.get(1)).status()).isEqualTo(204);
        assertThat(out.get(2)).isEqualTo(BodyEnd.INSTANCE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
                "HTTP/1.1 200 OK\r\nX-A: b\r\n folded\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-A: b\u0000c\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
                "HTTP/2 200 OK\r\n\r\n",
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
            })
    void malformedOrAmbiguousResponsesAreProtocolErrors(String response) {
        assertThatThrownBy(() -> feed(response)).isInstanceOf(DecoderException.class);
        body(drain());
        assertThat(feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
                .as("nothing more is decoded after an error")
                .isEmpty();
    }

    @Test
    void endlessStatusLineAndHeaderBombsHitTheLimits() {
        assertThatThrownBy(() -> feed("HTTP/1.1 200 " + "x".repeat(9000))).isInstanceOf(DecoderException.class);
        ResponseDecoder fresh = new ResponseDecoder(64 * 1024, 128);
        fresh.expectResponse(false);
        EmbeddedChannel other = new EmbeddedChannel(fresh);
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 200; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertThatThrownBy(() -> other.writeInbound(Unpooled.copiedBuffer(many, StandardCharsets.US_ASCII)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("128");
    }

    @Test
    void bodyCutShortIsAnErrorWhenTheConnectionCloses() {
        feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").forEach(io.netty.util.ReferenceCountUtil::release);
        assertThatThrownBy(channel::finish).isInstanceOf(DecoderException.class);
    }

    @Test
    void bytesAfterACompleteResponseAreAProtocolErrorNeverAnotherResponse() {
        String first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String extra = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray";
        decoder.expectResponse(false);
        assertThatThrownBy(
                        () -> channel.writeInbound(Unpooled.copiedBuffer(first + extra, StandardCharsets.ISO_8859_1)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("unsolicited");
        List<Object> delivered = drain();
        assertThat(delivered)
                .as("the first answer is delivered whole, the stray one never")
                .hasSize(3)
                .last()
                .isEqualTo(BodyEnd.INSTANCE);
        assertThat(((ResponseHead) delivered.get(0)).contentLength()).isEqualTo(2);
        body(delivered);
        decoder.expectResponse(false);
        assertThat(feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
                .as("a connection that saw stray bytes decodes nothing more")
                .isEmpty();
    }

    @Test
    void bytesBeforeAnyRequestOrBetweenRequestsAreUnsolicited() {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(
                        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("unsolicited");
        ResponseDecoder between = new ResponseDecoder(64 * 1024, 128);
        EmbeddedChannel other = new EmbeddedChannel(between);
        between.expectResponse(false);
        other.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 204 No Content\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat((Object) other.readInbound()).isInstanceOf(ResponseHead.class);
        assertThat((Object) other.readInbound()).isEqualTo(BodyEnd.INSTANCE);
        assertThatThrownBy(() -> other.writeInbound(Unpooled.copiedBuffer("H", StandardCharsets.ISO_8859_1)))
                .isInstanceOf(DecoderException.class);
        other.finishAndReleaseAll();
    }

    @Test
    void everyArrivingByteIsCountedEvenBeforeAMessageIsComplete() {
        decoder.expectResponse(false);
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 2", StandardCharsets.ISO_8859_1));
        assertThat(decoder.received()).isEqualTo(10);
        assertThat(decoder.lastReadNanos()).isPositive();
        channel.writeInbound(Unpooled.copiedBuffer("00 OK\r\n", StandardCharsets.ISO_8859_1));
        assertThat(decoder.received()).isEqualTo(17);
        assertThat(drain()).isEmpty();
    }
}
