package io.posthaste.bench.peer.ahc;

import io.netty.handler.codec.http.HttpHeaders;
import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.asynchttpclient.AsyncCompletionHandler;
import org.asynchttpclient.AsyncHandler;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.BoundRequestBuilder;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.HttpResponseBodyPart;
import org.asynchttpclient.HttpResponseStatus;
import org.asynchttpclient.Response;
import org.asynchttpclient.request.body.multipart.FilePart;

/** AsyncHttpClient 3 (Netty 4.1 underneath); its multipart file parts go out as zero-copy FileRegions. */
public final class AhcDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "ahc";
    }

    @Override
    public String description() {
        return "AsyncHttpClient 3.0.2";
    }

    @Override
    public Driver open(int maxConnections) {
        AsyncHttpClient client = Dsl.asyncHttpClient(Dsl.config()
                .setMaxConnections(maxConnections)
                .setMaxConnectionsPerHost(maxConnections)
                .setRequestTimeout(Duration.ofSeconds(120)));
        return new AhcDriver(client);
    }

    private static final class AhcDriver implements Driver {
        private final AsyncHttpClient client;

        AhcDriver(AsyncHttpClient client) {
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

        private static void execute(BoundRequestBuilder request, Completion done) {
            request.execute(new AsyncCompletionHandler<Void>() {
                @Override
                public Void onCompleted(Response response) {
                    done.done(response.getStatusCode(), null);
                    return null;
                }

                @Override
                public void onThrowable(Throwable t) {
                    done.done(0, t);
                }
            });
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            execute(client.prepareGet(uri.toString()), done);
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            execute(client.preparePost(uri.toString()).setHeader("Content-Type", "application/json").setBody(json), done);
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            return client.preparePost(uri.toString())
                    .addBodyPart(new FilePart("upload_file", file.toFile(), "application/octet-stream"))
                    .execute().get(120, TimeUnit.SECONDS).getStatusCode();
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                return client.prepareGet(uri.toString()).execute(new AsyncHandler<Long>() {
                    private int status;
                    private long written;

                    @Override
                    public State onStatusReceived(HttpResponseStatus s) {
                        status = s.getStatusCode();
                        return State.CONTINUE;
                    }

                    @Override
                    public State onHeadersReceived(HttpHeaders headers) {
                        return State.CONTINUE;
                    }

                    @Override
                    public State onBodyPartReceived(HttpResponseBodyPart part) throws IOException {
                        ByteBuffer b = part.getBodyByteBuffer();
                        while (b.hasRemaining()) {
                            written += out.write(b);
                        }
                        return State.CONTINUE;
                    }

                    @Override
                    public void onThrowable(Throwable t) {
                        // surfaced by get() below
                    }

                    @Override
                    public Long onCompleted() {
                        return status == 200 ? written : -1L;
                    }
                }).get(120, TimeUnit.SECONDS);
            }
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; FilePart multipart sent as a zero-copy FileRegion";
        }

        @Override
        public String poolSettings() {
            return "maxConnections/maxConnectionsPerHost set to the concurrency (default unlimited)";
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
