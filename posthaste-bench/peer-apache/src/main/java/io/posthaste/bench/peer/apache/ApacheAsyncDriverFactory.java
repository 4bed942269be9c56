package io.posthaste.bench.peer.apache;

import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.MultipartFraming;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.io.CloseMode;

/** Apache HttpClient 5 async ({@code CloseableHttpAsyncClient}) with simple request/response objects. */
public final class ApacheAsyncDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "apache-async";
    }

    @Override
    public String description() {
        return "Apache HttpClient 5.6.5 async";
    }

    @Override
    public Driver open(int maxConnections) {
        // Defaults are 25 in total and 5 per route.
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections).build())
                .build();
        client.start();
        return new AsyncDriver(client);
    }

    @Override
    public Driver openProxied(int maxConnections, URI proxy) {
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections).build())
                .setProxy(new HttpHost(proxy.getScheme(), proxy.getHost(), proxy.getPort()))
                .build();
        client.start();
        return new AsyncDriver(client);
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        // The HTTP/2-only client speaks h2c by prior knowledge on http:// and multiplexes every
        // request to a host on one connection.
        CloseableHttpAsyncClient client = HttpAsyncClients.customHttp2().build();
        client.start();
        return new AsyncDriver(client);
    }

    private static final class AsyncDriver implements Driver {
        private final CloseableHttpAsyncClient client;

        AsyncDriver(CloseableHttpAsyncClient client) {
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

        private void execute(SimpleHttpRequest request, Completion done) {
            client.execute(request, new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse r) {
                    done.done(r.getCode(), null);
                }

                @Override
                public void failed(Exception e) {
                    done.done(0, e);
                }

                @Override
                public void cancelled() {
                    done.done(0, new IllegalStateException("cancelled"));
                }
            });
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            execute(SimpleRequestBuilder.get(uri).build(), done);
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            execute(SimpleRequestBuilder.post(uri).setBody(json, ContentType.APPLICATION_JSON).build(), done);
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            MultipartFraming mp = new MultipartFraming("upload_file", file.getFileName().toString());
            try (FramedFileProducer body = new FramedFileProducer(mp, file)) {
                return client.execute(new BasicRequestProducer("POST", uri, body),
                        SimpleResponseConsumer.create(), null).get().getCode();
            }
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            return client.execute(SimpleRequestProducer.create(SimpleRequestBuilder.get(uri).build()),
                    new FileResponseConsumer(target), null).get();
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; hand-made framing (async API has no multipart builder) around a FileChannel producer, copying";
        }

        @Override
        public String poolSettings() {
            return "maxConnTotal/maxConnPerRoute raised from 25/5 to the concurrency";
        }

        @Override
        public void close() {
            client.close(CloseMode.IMMEDIATE);
        }
    }
}
