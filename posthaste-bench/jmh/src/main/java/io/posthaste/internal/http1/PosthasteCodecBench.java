package io.posthaste.internal.http1;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.ClientSession;
import io.posthaste.Request;
import io.posthaste.bench.jmh.NettyCodecBench;
import io.posthaste.internal.body.JsonBody;
import io.posthaste.internal.exchange.BodyPolicy;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.WireHeaders;
import io.posthaste.internal.session.SessionConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Posthaste's own per-request codec steps, next to the floors they compete with: the request head
 * as it goes on the wire (header merging, validation and encoding, from a built {@link Request}) —
 * compare {@code NettyCodecBench.encodeRequestHead}; the strict response-head parser — compare
 * {@code NettyCodecBench.parseResponse}, same bytes; and writing a 1 KiB JSON body — compare
 * Jackson's {@code writeValueAsBytes}. Lives in the client's internal package (on the class path)
 * because those steps are not API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PosthasteCodecBench {

    private static final byte[] RESPONSE = NettyCodecBench.nginxResponse();

    private ClientSession session;
    private SessionConfig config;
    private Request request;
    private EmbeddedChannel decoder;
    private ResponseDecoder responseDecoder;
    private Map<String, Object> json;
    private ObjectMapper mapper;

    @Setup
    public void open() throws ReflectiveOperationException {
        session = ClientSession.builder().userAgent("posthaste-bench/0.1").build();
        // The session's resolved settings are not API; the benchmark reads them as the client does.
        Field field = ClientSession.class.getDeclaredField("config");
        field.setAccessible(true);
        config = (SessionConfig) field.get(session);
        request = session.get("http://127.0.0.1:8080/data?page=2")
                .header("Accept", "application/json")
                .build();
        responseDecoder = new ResponseDecoder(64 * 1024, 128);
        decoder = new EmbeddedChannel(responseDecoder);
        json = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            json.put("key" + i, List.of("value-" + i, i, i % 2 == 0));
        }
        mapper = new ObjectMapper();
    }

    @TearDown
    public void close() {
        decoder.finishAndReleaseAll();
        session.close();
    }

    @Benchmark
    public int encodeRequestHead() throws IOException {
        ExchangeSpec spec = WireHeaders.spec(config, request, BodyPolicy.BUFFERED);
        Http1Request encoded = RequestEncoder.encode(spec, PooledByteBufAllocator.DEFAULT, true, null);
        int n = encoded.headLength();
        encoded.discard();
        return n;
    }

    @Benchmark
    public int parseResponse() {
        responseDecoder.expectResponse(false);
        decoder.writeInbound(Unpooled.wrappedBuffer(RESPONSE));
        int n = 0;
        for (Object o; (o = decoder.readInbound()) != null; ) {
            n++;
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    @Benchmark
    public long writeJsonBody() throws IOException {
        JsonBody body = new JsonBody(json, config.jsonCodec());
        body.writeTo(OutputStream.nullOutputStream());
        return body.contentLength();
    }

    @Benchmark
    public int jacksonWriteValueAsBytes() throws IOException {
        return mapper.writeValueAsBytes(json).length;
    }
}
