package io.posthaste.bench.jmh;

import com.github.mizosoft.methanol.FormBodyPublisher;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okio.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * application/x-www-form-urlencoded encoding of a small login-style form, to bytes ready for the
 * wire, as each library does it. Run with {@code -prof gc} for bytes/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FormEncodingBench {

    /** Names and values, including characters that need escaping (space, +, &, non-ASCII). */
    static final String[][] FIELDS = {
        {"username", "john"}, {"password", "1234"}, {"email", "john.doe+test@example.com"},
        {"comment", "Hello, world! ½ café & more"}, {"redirect", "/home?tab=1&x=y"}, {"remember", "on"},
    };

    @Benchmark
    public byte[] posthasteFormBody() throws Exception {
        io.posthaste.FormBody.Builder b = io.posthaste.FormBody.builder();
        for (String[] f : FIELDS) {
            b.add(f[0], f[1]);
        }
        io.posthaste.FormBody body = b.build();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) body.contentLength());
        body.writeTo(out);
        return out.toByteArray();
    }

    @Benchmark
    public byte[] jdkUrlEncoder() {
        StringBuilder sb = new StringBuilder(128);
        for (String[] f : FIELDS) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(f[0], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(f[1], StandardCharsets.UTF_8));
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] okhttpFormBody() throws Exception {
        FormBody.Builder b = new FormBody.Builder();
        for (String[] f : FIELDS) {
            b.add(f[0], f[1]);
        }
        Buffer out = new Buffer();
        b.build().writeTo(out);
        return out.readByteArray();
    }

    @Benchmark
    public byte[] methanolFormBodyPublisher() {
        FormBodyPublisher.Builder b = FormBodyPublisher.newBuilder();
        for (String[] f : FIELDS) {
            b.query(f[0], f[1]);
        }
        return b.build().encodedString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int nettyPostRequestEncoder() throws Exception {
        HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/login");
        HttpPostRequestEncoder enc =
                new HttpPostRequestEncoder(new DefaultHttpDataFactory(DefaultHttpDataFactory.MINSIZE), request, false);
        for (String[] f : FIELDS) {
            enc.addBodyAttribute(f[0], f[1]);
        }
        FullHttpRequest full = (FullHttpRequest) enc.finalizeRequest();
        ByteBuf content = full.content();
        int n = content.readableBytes();
        full.release();
        enc.cleanFiles();
        return n;
    }
}
