package io.posthaste.bench.peer.vertx;

import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.multipart.MultipartForm;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Vert.x 5 {@code WebClient} on its default event loops. */
public final class VertxDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public String description() {
        return "Vert.x WebClient " + Vertx.class.getPackage().getImplementationVersion();
    }

    @Override
    public Driver open(int maxConnections) {
        Vertx vertx = Vertx.vertx();
        // Default HTTP/1 pool is 5 connections per host.
        WebClient client = WebClient.create(vertx, new WebClientOptions(),
                new PoolOptions().setHttp1MaxSize(maxConnections));
        return new VertxDriver(vertx, client);
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        Vertx vertx = Vertx.vertx();
        // HTTP/2 without the Upgrade round trip: prior knowledge on cleartext; one connection,
        // whose streams the server's SETTINGS_MAX_CONCURRENT_STREAMS bounds.
        WebClientOptions options = new WebClientOptions();
        options.setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
        WebClient client = WebClient.create(vertx, options, new PoolOptions().setHttp2MaxSize(1));
        return new VertxDriver(vertx, client);
    }

    private static final class VertxDriver implements Driver {
        private final Vertx vertx;
        private final WebClient client;

        VertxDriver(Vertx vertx, WebClient client) {
            this.vertx = vertx;
            this.client = client;
        }

        @Override
        public boolean hasAsync() {
            return true;
        }

        @Override
        public boolean hasBlocking() {
            return false;
        }

        private static void complete(Future<HttpResponse<Buffer>> f, Completion done) {
            f.onComplete(ar -> {
                if (ar.succeeded()) {
                    done.done(ar.result().statusCode(), null);
                } else {
                    done.done(0, ar.cause());
                }
            });
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            complete(client.getAbs(uri.toString()).send(), done);
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            complete(client.postAbs(uri.toString()).putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(json)), done);
        }

        private static <T> T await(Future<T> f) throws Exception {
            return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            MultipartForm form = MultipartForm.create().binaryFileUpload("upload_file",
                    file.getFileName().toString(), file.toString(), "application/octet-stream");
            return await(client.postAbs(uri.toString()).sendMultipartForm(form)).statusCode();
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            AsyncFile out = await(vertx.fileSystem().open(target.toString(),
                    new OpenOptions().setCreate(true).setWrite(true).setTruncateExisting(true)));
            HttpResponse<Void> r = await(client.getAbs(uri.toString()).as(BodyCodec.pipe(out)).send());
            return r.statusCode() == 200 ? Files.size(target) : -1;
        }

        @Override
        public String uploadFraming() {
            return "chunked; MultipartForm.binaryFileUpload (Netty HttpPostRequestEncoder), copying";
        }

        @Override
        public String poolSettings() {
            return "PoolOptions.http1MaxSize raised from 5 to the concurrency";
        }

        @Override
        public void close() throws Exception {
            client.close();
            await(vertx.close());
        }
    }
}
