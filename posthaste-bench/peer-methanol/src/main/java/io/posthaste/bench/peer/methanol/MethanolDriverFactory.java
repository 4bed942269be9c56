package io.posthaste.bench.peer.methanol;

import com.github.mizosoft.methanol.MediaType;
import com.github.mizosoft.methanol.Methanol;
import com.github.mizosoft.methanol.MoreBodyPublishers;
import com.github.mizosoft.methanol.MultipartBodyPublisher;
import com.github.mizosoft.methanol.MutableRequest;
import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;

/** Methanol: the JDK client decorated with body publishers, multipart and interceptors. */
public final class MethanolDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "methanol";
    }

    @Override
    public String description() {
        return "Methanol 1.9.0 on JDK HttpClient " + Runtime.version().feature();
    }

    @Override
    public Driver open(int maxConnections) {
        return new MethanolDriver(Methanol.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    private static final class MethanolDriver implements Driver {
        private final Methanol client;

        MethanolDriver(Methanol client) {
            this.client = client;
        }

        @Override
        public boolean hasAsync() {
            return true;
        }

        @Override
        public boolean hasBlocking() {
            return true;
        }

        private static MutableRequest postRequest(URI uri, byte[] json) {
            return MutableRequest.POST(uri,
                    MoreBodyPublishers.ofMediaType(BodyPublishers.ofByteArray(json), MediaType.APPLICATION_JSON));
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            client.sendAsync(MutableRequest.GET(uri), BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> done.done(e == null ? r.statusCode() : 0, e));
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            client.sendAsync(postRequest(uri, json), BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> done.done(e == null ? r.statusCode() : 0, e));
        }

        @Override
        public int get(URI uri) throws Exception {
            return client.send(MutableRequest.GET(uri), BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public int post(URI uri, byte[] json) throws Exception {
            return client.send(postRequest(uri, json), BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            MultipartBodyPublisher body = MultipartBodyPublisher.newBuilder()
                    .filePart("upload_file", file, MediaType.APPLICATION_OCTET_STREAM).build();
            return client.send(MutableRequest.POST(uri, body), BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            HttpResponse<Path> r = client.send(MutableRequest.GET(uri), BodyHandlers.ofFile(target));
            return r.statusCode() == 200 ? Files.size(r.body()) : -1;
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; MultipartBodyPublisher.filePart, copying (JDK client underneath)";
        }

        @Override
        public String poolSettings() {
            return "defaults (JDK client: unbounded pool)";
        }

        @Override
        public void close() {
            // nothing to release before the JVM exits
        }
    }
}
