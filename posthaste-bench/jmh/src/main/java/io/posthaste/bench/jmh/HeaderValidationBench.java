package io.posthaste.bench.jmh;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Validating and collecting eight typical request headers, as each library does when they are set. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderValidationBench {

    static final String[][] HEADERS = {
        {"Accept", "application/json"}, {"Accept-Encoding", "gzip, deflate"},
        {"User-Agent", "posthaste-bench/0.1"}, {"X-Auth-Token", "secret-token-0123456789abcdef"},
        {"Content-Type", "application/json; charset=utf-8"}, {"X-Request-Id", "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},
        {"Cache-Control", "no-cache"}, {"Cookie", "session=abc123; theme=dark"},
    };
    private static final URI URI_ = URI.create("http://127.0.0.1:8080/data");

    @Benchmark
    public io.posthaste.Headers posthasteHeadersBuilder() {
        io.posthaste.Headers.Builder b = io.posthaste.Headers.builder();
        for (String[] h : HEADERS) {
            b.add(h[0], h[1]);
        }
        return b.build();
    }

    @Benchmark
    public Headers okhttpHeadersBuilder() {
        Headers.Builder b = new Headers.Builder();
        for (String[] h : HEADERS) {
            b.add(h[0], h[1]);
        }
        return b.build();
    }

    @Benchmark
    public HttpHeaders nettyValidatingHeaders() {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        for (String[] h : HEADERS) {
            headers.add(h[0], h[1]);
        }
        return headers;
    }

    @Benchmark
    public HttpRequest jdkRequestBuilder() {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI_);
        for (String[] h : HEADERS) {
            b.header(h[0], h[1]);
        }
        return b.build();
    }
}
