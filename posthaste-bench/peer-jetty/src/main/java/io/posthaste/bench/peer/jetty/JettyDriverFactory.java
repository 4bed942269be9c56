package io.posthaste.bench.peer.jetty;

import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.EchoSocket;
import io.posthaste.bench.HttpVersion;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

/** Jetty 12 {@code HttpClient} (HTTP/1.1 transport, its own thread pool and selector). */
public final class JettyDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public String description() {
        return "Jetty HttpClient " + HttpClient.class.getPackage().getImplementationVersion();
    }

    @Override
    public Driver open(int maxConnections) throws Exception {
        HttpClient client = new HttpClient();
        // Default 64 per destination already fits c=64; raised only for the 1,000-connection scenario.
        client.setMaxConnectionsPerDestination(Math.max(64, maxConnections));
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * maxConnections));
        client.start();
        return new JettyDriver(client);
    }

    @Override
    public Driver openHttp2(int maxStreams) throws Exception {
        // Without ALPN, Jetty's HTTP/2 transport speaks h2c by prior knowledge to http:// URLs;
        // one connection per destination carries the streams (nginx allows 128 at once).
        HTTP2Client http2 = new HTTP2Client();
        http2.setUseALPN(false);
        HttpClientTransportOverHTTP2 transport = new HttpClientTransportOverHTTP2(http2);
        HttpClient client = new HttpClient(transport);
        client.setMaxConnectionsPerDestination(1);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * maxStreams));
        client.start();
        return new JettyDriver(client);
    }

    @Override
    public Driver openTls(int maxConcurrency, HttpVersion version) throws Exception {
        switch (version) {
            case HTTP_1_1 -> {
                // The HTTP/1.1 transport offers no ALPN; its TLS trusts the JVM's default store.
                return open(maxConcurrency);
            }
            case HTTP_2 -> {
                HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
                client.setMaxConnectionsPerDestination(1);
                client.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * maxConcurrency));
                client.start();
                return new JettyDriver(client);
            }
            default -> throw new UnsupportedOperationException(
                    "Jetty's HTTP/3 client needs the quiche native library, not in this bench");
        }
    }

    private static final class JettyDriver implements Driver {
        private final HttpClient client;

        JettyDriver(HttpClient client) {
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

        private Request postRequest(URI uri, byte[] json) {
            return client.newRequest(uri).method(HttpMethod.POST).body(new BytesRequestContent("application/json", json));
        }

        private static void send(Request request, Completion done) {
            request.send(new BufferingResponseListener() {
                @Override
                public void onComplete(Result result) {
                    if (result.isFailed()) {
                        done.done(0, result.getFailure());
                    } else {
                        done.done(result.getResponse().getStatus(), null);
                    }
                }
            });
        }

        @Override
        public void getAsync(URI uri, Completion done) {
            send(client.newRequest(uri), done);
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            send(postRequest(uri, json), done);
        }

        @Override
        public int get(URI uri) throws Exception {
            return client.newRequest(uri).send().getStatus();
        }

        @Override
        public int post(URI uri, byte[] json) throws Exception {
            return postRequest(uri, json).send().getStatus();
        }

        @Override
        public int upload(URI uri, Path file) throws Exception {
            try (MultiPartRequestContent body = new MultiPartRequestContent()) {
                body.addPart(new MultiPart.PathPart("upload_file", file.getFileName().toString(), HttpFields.EMPTY, file));
                body.close();
                return client.newRequest(uri).method(HttpMethod.POST).body(body)
                        .timeout(120, TimeUnit.SECONDS).send().getStatus();
            }
        }

        @Override
        public long download(URI uri, Path target) throws Exception {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            client.newRequest(uri).send(listener);
            Response response = listener.get(60, TimeUnit.SECONDS);
            try (InputStream in = listener.getInputStream()) {
                long n = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                return response.getStatus() == 200 ? n : -1;
            }
        }

        @Override
        public String uploadFraming() {
            return "Content-Length; MultiPartRequestContent with a PathPart, copying";
        }

        @Override
        public String poolSettings() {
            return "maxConnectionsPerDestination kept at 64 (raised to 1,000 for conn-1000), queue ≥ 1,024";
        }

        @Override
        public EchoSocket openWebSocket(URI uri) throws Exception {
            // One WebSocketClient per socket, on this driver's HttpClient, stopped with the socket.
            WebSocketClient webSockets = new WebSocketClient(client);
            webSockets.start();
            JettyEchoSocket socket = new JettyEchoSocket(webSockets);
            try {
                socket.session = webSockets.connect(socket, uri).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                webSockets.stop();
                throw e;
            }
            return socket;
        }

        @Override
        public void close() throws Exception {
            client.stop();
        }
    }

    /**
     * Jetty's WebSocket: {@code sendText} with a callback (Jetty queues what the socket cannot take
     * yet); messages arrive on Jetty's threads, demanded automatically.
     */
    public static final class JettyEchoSocket extends EchoSocket implements Session.Listener.AutoDemanding {
        private final WebSocketClient webSockets;
        volatile Session session;
        private final Callback onSent = new Callback() {
            @Override
            public void fail(Throwable cause) {
                failed(cause);
            }
        };

        JettyEchoSocket(WebSocketClient webSockets) {
            this.webSockets = webSockets;
        }

        @Override
        public void onWebSocketText(String message) {
            echoed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            failed(cause);
        }

        @Override
        protected void write(String message) {
            session.sendText(message, onSent);
        }

        @Override
        public void close() throws Exception {
            Session open = session;
            if (open != null) {
                open.close();
            }
            webSockets.stop();
        }
    }
}
