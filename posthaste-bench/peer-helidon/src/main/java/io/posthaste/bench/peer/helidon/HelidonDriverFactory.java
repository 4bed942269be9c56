package io.posthaste.bench.peer.helidon;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.MultipartFraming;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Helidon 4 WebClient: blocking only, built for virtual threads (JDK 21+). */
public final class HelidonDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "helidon";
    }

    @Override
    public String description() {
        return "Helidon WebClient 4.5.0";
    }

    @Override
    public Driver open(int maxConnections) {
        // Default connection cache is 256 per connection key; raised only for conn-1000.
        return new HelidonDriver(WebClient.builder().connectionCacheSize(Math.max(256, maxConnections)).build());
    }

    private static final class HelidonDriver implements Driver {
        private final WebClient client;

        HelidonDriver(WebClient client) {
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

        private static int drain(HttpClientResponse r) {
            try (r) {
                r.entity().as(byte[].class);
                return r.status().code();
            }
        }

        @Override
        public int get(URI uri) {
            return drain(client.get().uri(uri).request());
        }

        @Override
        public int post(URI uri, byte[] json) {
            return drain(client.post().uri(uri).contentType(MediaTypes.APPLICATION_JSON).submit(json));
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            MultipartFraming mp = new MultipartFraming("upload_file", file.getFileName().toString());
            long length = mp.contentLength(Files.size(file));
            return drain(client.post().uri(uri)
                    .header(HeaderNames.CONTENT_TYPE, mp.contentType())
                    .header(HeaderNames.CONTENT_LENGTH, Long.toString(length))
                    .outputStream(os -> {
                        os.write(mp.head());
                        Files.copy(file, os);
                        os.write(mp.tail());
                        os.close();
                    }));
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            try (HttpClientResponse r = client.get().uri(uri).request(); InputStream in = r.inputStream()) {
                long n = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                return r.status().code() == 200 ? n : -1;
            }
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; hand-made framing (no multipart in the core client) through outputStream(), copying";
        }

        @Override
        public String poolSettings() {
            return "connectionCacheSize kept at 256 (raised to 1,000 for conn-1000)";
        }

        @Override
        public void close() {
            client.closeResource();
        }
    }
}
