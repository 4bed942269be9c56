package io.posthaste.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Netty 4.2's own HTTP/1.1 request-head encoding and response-head parsing, the floor every
 * Netty-based client (Posthaste, Reactor Netty, Vert.x, AsyncHttpClient) starts from.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NettyCodecBench {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
                    + "Date: Tue, 25 Nov 2026 14:00:00 GMT\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 13\r\nConnection: keep-alive\r\n\r\n{\"status\":1}\n")
            .getBytes(StandardCharsets.US_ASCII);
    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;

    /** An nginx-like answer with a 13-byte JSON body: the bytes every response-head benchmark parses. */
    public static byte[] nginxResponse() {
        return RESPONSE.clone();
    }

    @Setup
    public void open() {
        encoder = new EmbeddedChannel(new HttpRequestEncoder());
        decoder = new EmbeddedChannel(new HttpResponseDecoder());
    }

    @TearDown
    public void close() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    @Benchmark
    public int encodeRequestHead() {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/data?page=2");
        req.headers()
                .set(HttpHeaderNames.HOST, "127.0.0.1:8080")
                .set(HttpHeaderNames.USER_AGENT, "posthaste-bench/0.1")
                .set(HttpHeaderNames.ACCEPT, "application/json")
                .set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate");
        encoder.writeOutbound(req);
        int n = 0;
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            n += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    @Benchmark
    public int parseResponse() {
        decoder.writeInbound(Unpooled.wrappedBuffer(RESPONSE));
        int n = 0;
        for (Object o; (o = decoder.readInbound()) != null; ) {
            n++;
            ReferenceCountUtil.release(o);
        }
        return n;
    }
}
