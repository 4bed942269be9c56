package io.posthaste.bench.peer.reactor;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/** Reactor Netty {@code HttpClient}, subscribed to directly (no blocking in the async path). */
public final class ReactorNettyDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "reactor-netty";
    }

    @Override
    public String description() {
        return "Reactor Netty " + HttpClient.class.getPackage().getImplementationVersion();
    }

    @Override
    public Driver open(int maxConnections) {
        // Default is max(CPUs, 8) * 2 = 16 connections per remote address with a 2x pending queue.
        ConnectionProvider provider = ConnectionProvider.builder("bench")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .build();
        return new ReactorDriver(provider, HttpClient.create(provider));
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        // H2C alone is prior knowledge; the provider's connections carry the streams (HTTP/2
        // connections are shared, up to the server's SETTINGS_MAX_CONCURRENT_STREAMS each).
        ConnectionProvider provider = ConnectionProvider.builder("bench-h2")
                .maxConnections(1)
                .pendingAcquireMaxCount(-1)
                .build();
        return new ReactorDriver(provider, HttpClient.create(provider).protocol(HttpProtocol.H2C));
    }

    static final class ReactorDriver implements Driver {
        private final ConnectionProvider provider;
        private final HttpClient client;
        private final HttpClient jsonClient;

        ReactorDriver(ConnectionProvider provider, HttpClient client) {
            this.provider = provider;
            this.client = client;
            this.jsonClient = client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
        }

        @Override
        public boolean hasAsync() {
            return true;
        }

        @Override
        public boolean hasBlocking() {
            return false;
        }

        private static Mono<Integer> statusAfterBody(HttpClientResponse r, reactor.netty.ByteBufMono body) {
            int code = r.status().code();
            return body.asByteArray().map(b -> code).defaultIfEmpty(code);
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            client.get().uri(uri.toString())
                    .responseSingle(ReactorDriver::statusAfterBody)
                    .subscribe(code -> done.done(code, null), e -> done.done(0, e));
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            jsonClient.post().uri(uri.toString())
                    .send(Mono.just(Unpooled.wrappedBuffer(json)))
                    .responseSingle(ReactorDriver::statusAfterBody)
                    .subscribe(code -> done.done(code, null), e -> done.done(0, e));
        }

        @Override
        public int upload(URI uri, Path file) {
            Integer code = client.post().uri(uri.toString())
                    .sendForm((req, form) -> form.multipart(true)
                            .file("upload_file", file.getFileName().toString(), file.toFile(), "application/octet-stream"))
                    .responseSingle(ReactorDriver::statusAfterBody)
                    .block(Duration.ofSeconds(120));
            return code == null ? 0 : code;
        }

        @Override
        public long download(URI uri, Path target) throws IOException {
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                long[] written = {0};
                Integer code = client.get().uri(uri.toString())
                        .response((r, content) -> content.doOnNext(buf -> {
                            ByteBuffer nio = buf.nioBuffer();
                            try {
                                while (nio.hasRemaining()) {
                                    written[0] += out.write(nio);
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }).then(Mono.just(r.status().code())))
                        .blockLast(Duration.ofSeconds(120));
                return code != null && code == 200 ? written[0] : -1;
            }
        }

        @Override
        public String uploadFraming() {
            return "chunked; sendForm multipart (Netty HttpPostRequestEncoder) with a File, copying";
        }

        @Override
        public String poolSettings() {
            return "ConnectionProvider maxConnections raised from 16 to the concurrency, pending queue unbounded";
        }

        @Override
        public void close() {
            provider.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
