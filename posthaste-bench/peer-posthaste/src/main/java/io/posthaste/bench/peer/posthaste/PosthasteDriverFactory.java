package io.posthaste.bench.peer.posthaste;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.bench.Completion;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Posthaste's {@code ClientSession}, through its public API only, as a user would write it. */
public final class PosthasteDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "posthaste";
    }

    @Override
    public String description() {
        return "Posthaste " + ClientSession.VERSION;
    }

    @Override
    public Driver open(int maxConnections) {
        // Defaults are 64 per origin and 256 in total; raised only for the 1,000-connection scenario.
        return new PosthasteDriver(ClientSession.builder()
                .maxConnectionsPerOrigin(Math.max(64, maxConnections))
                .maxConnectionsTotal(Math.max(256, maxConnections))
                .build());
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        // One connection per origin carries every stream; nginx allows 128 concurrent streams.
        return new PosthasteDriver(ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).build());
    }

    private static final class PosthasteDriver implements Driver {
        private final ClientSession session;

        PosthasteDriver(ClientSession session) {
            this.session = session;
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
            session.get(uri.toString()).sendAsync()
                    .whenComplete((r, e) -> done.done(e == null ? r.status() : 0, e));
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            session.post(uri.toString()).body(json, "application/json").sendAsync()
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
            return session.post(uri.toString()).files(Map.of("upload_file", file)).send().status();
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
        public void close() {
            session.close();
        }
    }
}
