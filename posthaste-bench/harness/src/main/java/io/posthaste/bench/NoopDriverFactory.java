package io.posthaste.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The harness's own floor: a "client" that does no HTTP. Async requests complete on one other
 * thread, as a real client's event loop would, so the figure includes the harness's semaphore
 * and the cross-thread wake-up every async client pays; blocking calls return at once.
 */
public final class NoopDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public String description() {
        return "no HTTP: harness floor";
    }

    @Override
    public Driver open(int maxConnections) {
        return new Noop();
    }

    private static final class Noop implements Driver {
        private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "noop-loop");
            t.setDaemon(true);
            return t;
        });

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
            loop.execute(() -> done.done(200, null));
        }

        @Override
        public void postAsync(URI uri, byte[] json, Completion done) {
            loop.execute(() -> done.done(200, null));
        }

        @Override
        public int get(URI uri) {
            return 200;
        }

        @Override
        public int post(URI uri, byte[] json) {
            return 200;
        }

        @Override
        public int upload(URI uri, Path file) {
            throw new UnsupportedOperationException("the floor has no transfers");
        }

        @Override
        public long download(URI uri, Path target) {
            throw new UnsupportedOperationException("the floor has no transfers");
        }

        @Override
        public String uploadFraming() {
            return "n/a";
        }

        @Override
        public String poolSettings() {
            return "n/a";
        }

        @Override
        public void close() {
            loop.shutdownNow();
        }
    }
}
