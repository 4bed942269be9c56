package io.posthaste.bench.peer.posthaste;

import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.WebSocket;
import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.EchoSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Drives one {@link ClientSession} through its public API only, as a user would write it. */
final class PosthasteDriver implements Driver {
    private final ClientSession session;

    private final Runnable afterClose;

    PosthasteDriver(ClientSession session) {
        this(session, () -> {});
    }

    /** {@code afterClose} ends what instruments the session (a registry, a tracer provider). */
    PosthasteDriver(ClientSession session, Runnable afterClose) {
        this.session = session;
        this.afterClose = afterClose;
    }

    @Override
    public boolean hasAsync() {
        return true;
    }

    @Override
    public boolean hasBlocking() {
        return true;
    }

    @Override
    public void getAsync(URI uri, Completion done) {
        session.get(uri.toString()).sendAsync().whenComplete((r, e) -> done.done(e == null ? r.status() : 0, e));
    }

    @Override
    public void postAsync(URI uri, byte[] json, Completion done) {
        session.post(uri.toString())
                .body(json, "application/json")
                .sendAsync()
                .whenComplete((r, e) -> done.done(e == null ? r.status() : 0, e));
    }

    @Override
    public int get(URI uri) {
        Response r = session.get(uri.toString()).send();
        r.bytes();
        return r.status();
    }

    @Override
    public int post(URI uri, byte[] json) {
        Response r = session.post(uri.toString()).body(json, "application/json").send();
        r.bytes();
        return r.status();
    }

    @Override
    public int upload(URI uri, Path file) {
        return session.post(uri.toString())
                .files(Map.of("upload_file", file))
                .send()
                .status();
    }

    @Override
    public long download(URI uri, Path target) {
        try (StreamingResponse sr = session.get(uri.toString()).stream()) {
            return sr.status() == 200 ? sr.saveTo(target) : -1;
        }
    }

    @Override
    public String uploadFraming() {
        return "Content-Length; files(Map.of(name, path)) multipart";
    }

    @Override
    public String poolSettings() {
        return "maxConnectionsPerOrigin/Total kept at 64/256 (raised to 1,000 for conn-1000); "
                + (session.usesNativeTransport() ? "native transport" : "NIO transport");
    }

    @Override
    public EchoSocket openWebSocket(URI uri) {
        // Callbacks on the I/O thread, as OkHttp's listener and the JDK's run on theirs: the next
        // receive is asked for from there, with no hand-off to a pool and back.
        ClientSession own =
                ClientSession.builder().callbackExecutor(Runnable::run).build();
        try {
            return new PosthasteEchoSocket(
                    own, own.websocket(uri.toString()).compression(false).connect());
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    @Override
    public void close() {
        session.close();
        afterClose.run();
    }

    /** Posthaste's {@link WebSocket}: {@code receiveAsync()} asked again as each message arrives. */
    private static final class PosthasteEchoSocket extends EchoSocket {
        private final ClientSession session;
        private final WebSocket ws;

        PosthasteEchoSocket(ClientSession session, WebSocket ws) {
            this.session = session;
            this.ws = ws;
            receiveNext();
        }

        private void receiveNext() {
            ws.receiveAsync().whenComplete((message, error) -> {
                if (error != null || message.isClose()) {
                    failed(error != null ? error : new IllegalStateException("closed: " + message));
                    return;
                }
                echoed();
                receiveNext();
            });
        }

        @Override
        protected void write(String message) {
            ws.sendText(message).exceptionally(e -> {
                failed(e);
                return null;
            });
        }

        @Override
        public void close() {
            ws.close();
            session.close();
        }
    }
}
