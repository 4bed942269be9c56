package io.posthaste.bench.peer.apache;

import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5 classic (blocking sockets); async scenarios run it on one thread per request in flight. */
public final class ApacheClassicDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "apache-classic";
    }

    @Override
    public String description() {
        return "Apache HttpClient 5.6.5 classic";
    }

    @Override
    public Driver open(int maxConnections) {
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections).build())
                .build();
        return new ClassicDriver(client);
    }

    private static final class ClassicDriver implements Driver {
        private final CloseableHttpClient client;

        ClassicDriver(CloseableHttpClient client) {
            this.client = client;
        }

        @Override
        public boolean hasAsync() {
            return false;
        }

        @Override
        public boolean hasBlocking() {
            return true;
        }

        private int execute(ClassicHttpRequest request) throws IOException {
            return client.execute(request, response -> {
                EntityUtils.toByteArray(response.getEntity());
                return response.getCode();
            });
        }

        @Override
        public int get(URI uri) throws IOException {
            return execute(new HttpGet(uri));
        }

        @Override
        public int post(URI uri, byte[] json) throws IOException {
            HttpPost post = new HttpPost(uri);
            post.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
            return execute(post);
        }

        @Override
        public int upload(URI uri, Path file) throws IOException {
            HttpPost post = new HttpPost(uri);
            post.setEntity(MultipartEntityBuilder.create()
                    .addBinaryBody("upload_file", file.toFile(), ContentType.APPLICATION_OCTET_STREAM,
                            file.getFileName().toString())
                    .build());
            return execute(post);
        }

        @Override
        public long download(URI uri, Path target) throws IOException {
            return client.execute(new HttpGet(uri), response -> {
                if (response.getCode() != 200) {
                    EntityUtils.consume(response.getEntity());
                    return -1L;
                }
                try (InputStream in = response.getEntity().getContent()) {
                    return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            });
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; MultipartEntityBuilder with a File body, copying";
        }

        @Override
        public String poolSettings() {
            return "maxConnTotal/maxConnPerRoute raised from 25/5 to the concurrency";
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
