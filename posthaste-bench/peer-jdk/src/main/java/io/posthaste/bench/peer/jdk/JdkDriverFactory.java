package io.posthaste.bench.peer.jdk;

import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.EchoSocket;
import io.posthaste.bench.HttpVersion;
import io.posthaste.bench.MultipartFraming;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code java.net.http.HttpClient}, HTTP/1.1, default executor and pool. */
public final class JdkDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public String description() {
        return "JDK HttpClient " + Runtime.version().feature();
    }

    @Override
    public Driver open(int maxConnections) {
        return new JdkDriver(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        throw new UnsupportedOperationException("java.net.http.HttpClient reaches cleartext HTTP/2 only by "
                + "Upgrade: h2c, which nginx's h2c port (prior knowledge) does not take; HTTP/2 needs TLS there");
    }

    @Override
    public Driver openTls(int maxConcurrency, HttpVersion version) {
        HttpClient.Version wanted = switch (version) {
            case HTTP_1_1 -> HttpClient.Version.HTTP_1_1;
            case HTTP_2 -> HttpClient.Version.HTTP_2;
            // java.net.http speaks HTTP/3 from JDK 26 (JEP 517); the run's JDKs are 17 and 25.
            case HTTP_3 -> throw new UnsupportedOperationException(
                    "java.net.http.HttpClient has HTTP/3 from JDK 26; this is JDK " + Runtime.version().feature());
        };
        return new JdkDriver(HttpClient.newBuilder().version(wanted).build());
    }

    private static final class JdkDriver implements Driver {
        private final HttpClient client;

        JdkDriver(HttpClient client) {
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

        private static HttpRequest postRequest(URI uri, byte[] json) {
            return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofByteArray(json)).build();
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            client.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> done.done(e == null ? r.statusCode() : 0, e));
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            client.sendAsync(postRequest(uri, json), BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> done.done(e == null ? r.statusCode() : 0, e));
        }

        @Override
        public int get(URI uri) throws Exception {
            return client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public int post(URI uri, byte[] json) throws Exception {
            return client.send(postRequest(uri, json), BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            MultipartFraming mp = new MultipartFraming("upload_file", file.getFileName().toString());
            HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", mp.contentType())
                    .POST(BodyPublishers.concat(BodyPublishers.ofByteArray(mp.head()),
                            BodyPublishers.ofFile(file), BodyPublishers.ofByteArray(mp.tail())))
                    .build();
            return client.send(req, BodyHandlers.ofByteArray()).statusCode();
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            HttpResponse<Path> r = client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofFile(target));
            return r.statusCode() == 200 ? Files.size(r.body()) : -1;
        }

        @Override
        public EchoSocket openWebSocket(URI uri) throws Exception {
            JdkEchoSocket socket = new JdkEchoSocket();
            socket.ws = client.newWebSocketBuilder().buildAsync(uri, socket).get(10, TimeUnit.SECONDS);
            socket.pending = CompletableFuture.completedFuture(socket.ws);
            return socket;
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; hand-made framing (no multipart builder) around BodyPublishers.ofFile, copying";
        }

        @Override
        public String poolSettings() {
            return "defaults (unbounded pool, default executor)";
        }

        @Override
        public void close() {
            // HttpClient.close() exists only from JDK 21; the JVM exits right after.
        }
    }

    /**
     * {@code java.net.http.WebSocket} (no permessage-deflate): a send may start only once the one
     * before completed, so sends are chained; the listener asks for one message at a time.
     */
    private static final class JdkEchoSocket extends EchoSocket implements WebSocket.Listener {
        volatile WebSocket ws;
        /** The last send; only the harness's issuing thread chains onto it. */
        CompletableFuture<WebSocket> pending;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                echoed();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failed(error);
        }

        @Override
        protected void write(String message) {
            pending = pending.thenCompose(w -> w.sendText(message, true));
            pending.exceptionally(e -> {
                failed(e);
                return null;
            });
        }

        @Override
        public void close() throws Exception {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        }
    }
}
