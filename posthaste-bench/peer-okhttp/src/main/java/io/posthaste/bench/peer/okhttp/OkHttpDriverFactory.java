package io.posthaste.bench.peer.okhttp;

import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.EchoSocket;
import io.posthaste.bench.HttpVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;

/** OkHttp 5 ({@code okhttp-jvm}), with the dispatcher and idle pool raised to the scenario's concurrency. */
public final class OkHttpDriverFactory implements DriverFactory {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public String description() {
        return "OkHttp " + okhttp3.OkHttp.VERSION;
    }

    /**
     * A client whose dispatcher and idle pool allow {@code maxConnections} at once: the defaults
     * (64 in flight and 5 per host for enqueue()) would throttle c=64 and c=1000.
     */
    private static OkHttpClient.Builder raised(int maxConnections) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(Math.max(64, maxConnections));
        dispatcher.setMaxRequestsPerHost(Math.max(5, maxConnections));
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(Math.max(5, maxConnections), 5, TimeUnit.MINUTES));
    }

    @Override
    public Driver open(int maxConnections) {
        return new OkHttpDriver(raised(maxConnections).build());
    }

    @Override
    public Driver openProxied(int maxConnections, URI proxy) {
        return new OkHttpDriver(raised(maxConnections)
                .proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP,
                        new java.net.InetSocketAddress(proxy.getHost(), proxy.getPort())))
                .build());
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        // Streams are multiplexed on one connection by OkHttp itself; the dispatcher still caps
        // enqueue()d calls per host, so it is raised to the streams wanted.
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(Math.max(64, maxStreams));
        dispatcher.setMaxRequestsPerHost(Math.max(5, maxStreams));
        OkHttpClient client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .protocols(java.util.List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE))
                .build();
        return new OkHttpDriver(client);
    }

    @Override
    public Driver openTls(int maxConcurrency, HttpVersion version) {
        java.util.List<okhttp3.Protocol> protocols = switch (version) {
            case HTTP_1_1 -> java.util.List.of(okhttp3.Protocol.HTTP_1_1);
            // OkHttp requires HTTP/1.1 in the list; caddy picks h2 by ALPN.
            case HTTP_2 -> java.util.List.of(okhttp3.Protocol.HTTP_2, okhttp3.Protocol.HTTP_1_1);
            case HTTP_3 -> throw new UnsupportedOperationException("OkHttp has no HTTP/3");
        };
        return new OkHttpDriver(raised(maxConcurrency).protocols(protocols).build());
    }

    private static final class OkHttpDriver implements Driver {
        private final OkHttpClient client;

        OkHttpDriver(OkHttpClient client) {
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

        private static Request getRequest(URI uri) {
            return new Request.Builder().url(uri.toString()).build();
        }

        private static Request postRequest(URI uri, byte[] json) {
            return new Request.Builder().url(uri.toString()).post(RequestBody.create(json, JSON)).build();
        }

        private void enqueue(Request request, Completion done) {
            client.newCall(request).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    done.done(0, e);
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        response.body().bytes();
                        done.done(response.code(), null);
                    } catch (IOException e) {
                        done.done(0, e);
                    }
                }
            });
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            enqueue(getRequest(uri), done);
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            enqueue(postRequest(uri, json), done);
        }

        private int execute(Request request) throws IOException {
            try (Response r = client.newCall(request).execute()) {
                r.body().bytes();
                return r.code();
            }
        }

        @Override
        public int get(URI uri) throws IOException {
            return execute(getRequest(uri));
        }

        @Override
        public int post(URI uri, byte[] json) throws IOException {
            return execute(postRequest(uri, json));
        }

        @Override
        public int upload(URI uri, Path file) throws IOException {
            RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                    .addFormDataPart("upload_file", file.getFileName().toString(),
                            RequestBody.create(file.toFile(), OCTETS))
                    .build();
            return execute(new Request.Builder().url(uri.toString()).post(body).build());
        }

        @Override
        public long download(URI uri, Path target) throws IOException {
            try (Response r = client.newCall(getRequest(uri)).execute();
                 BufferedSink sink = Okio.buffer(Okio.sink(target))) {
                return r.code() == 200 ? sink.writeAll(r.body().source()) : -1;
            }
        }

        @Override
        public EchoSocket openWebSocket(URI uri) throws Exception {
            OkHttpEchoSocket socket = new OkHttpEchoSocket();
            socket.ws = client.newWebSocket(new Request.Builder().url(uri.toString()).build(), socket.listener);
            if (!socket.open.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the WebSocket did not open within 10 s");
            }
            return socket;
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; MultipartBody with a File RequestBody, copied through Okio";
        }

        @Override
        public String poolSettings() {
            return "Dispatcher maxRequests/maxRequestsPerHost and ConnectionPool idle size raised from 64/5/5 to the concurrency";
        }

        @Override
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    /** OkHttp's {@code WebSocket}: sends queue inside OkHttp (up to 16 MiB); messages arrive on its reader thread. */
    private static final class OkHttpEchoSocket extends EchoSocket {
        final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        volatile okhttp3.WebSocket ws;
        final okhttp3.WebSocketListener listener = new okhttp3.WebSocketListener() {
            @Override
            public void onOpen(okhttp3.WebSocket webSocket, Response response) {
                open.countDown();
            }

            @Override
            public void onMessage(okhttp3.WebSocket webSocket, String text) {
                echoed();
            }

            @Override
            public void onFailure(okhttp3.WebSocket webSocket, Throwable t, Response response) {
                failed(t);
            }
        };

        @Override
        protected void write(String message) {
            if (!ws.send(message)) {
                failed(new IOException("OkHttp refused the message: closed, or its 16 MiB queue is full"));
            }
        }

        @Override
        public void close() {
            ws.close(1000, null);
        }
    }
}
