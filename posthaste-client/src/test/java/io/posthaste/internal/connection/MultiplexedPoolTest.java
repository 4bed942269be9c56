package io.posthaste.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.internal.connection.ConnectionPool.AcquireTimeoutException;
import io.posthaste.internal.connection.ConnectionPool.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How the pool leases multiplexed (HTTP/2) connections, driven by hand with fake time: one
 * connection per origin carries up to its capacity, requests beyond it wait under the acquire
 * timeout, capacity changes (SETTINGS, GOAWAY) admit or redirect waiters, and an origin whose
 * protocol is unknown opens one connection, not one per request.
 */
class MultiplexedPoolTest {

    private static final long TIMEOUT = Duration.ofSeconds(5).toNanos();

    private final FakeScheduler time = new FakeScheduler();
    private final List<CompletableFuture<Conn>> connects = new ArrayList<>();
    private final ConnectionPool<String, String, Conn> pool = new ConnectionPool<>(
            4,
            10,
            Duration.ofSeconds(60).toNanos(),
            time,
            (key, spec) -> {
                CompletableFuture<Conn> connect = new CompletableFuture<>();
                connects.add(connect);
                return connect;
            },
            key -> true);

    @Test
    void requestsToAnOriginThatMayMultiplexShareTheOneConnectInFlight() {
        List<CompletableFuture<Conn>> acquired = acquire(3);
        assertThat(connects).hasSize(1);

        Conn connection = new Conn(true, 10);
        connects.get(0).complete(connection);

        assertThat(acquired).allSatisfy(a -> assertThat(a).isCompletedWithValue(connection));
        assertThat(connects).hasSize(1);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void requestsBeyondTheCapacityWaitForAStreamToEndAndNeverOpenAnotherConnection() {
        List<CompletableFuture<Conn>> acquired = acquire(3);
        Conn connection = new Conn(true, 2);
        connects.get(0).complete(connection);
        assertThat(acquired.get(2)).isNotDone();

        pool.release("a", connection, true);

        assertThat(acquired.get(2)).isCompletedWithValue(connection);
        assertThat(connects).hasSize(1);
        CompletableFuture<Conn> late = pool.acquire("a", "late", TIMEOUT, false);
        time.advance(Duration.ofSeconds(5));
        assertThat(late).isCompletedExceptionally();
        assertThat(late.handle((c, failure) -> failure).join()).isInstanceOf(AcquireTimeoutException.class);
    }

    @Test
    void aRaisedStreamLimitAdmitsWaitersAtOnce() {
        List<CompletableFuture<Conn>> acquired = acquire(3);
        Conn connection = new Conn(true, 1);
        connects.get(0).complete(connection);
        assertThat(acquired.get(1)).isNotDone();

        connection.capacity = 3;
        pool.capacityChanged("a", connection);

        assertThat(acquired).allSatisfy(a -> assertThat(a).isCompletedWithValue(connection));
    }

    @Test
    void afterGoAwayWaitersGetANewConnectionAndTheOldClosesWithItsLastStream() {
        List<CompletableFuture<Conn>> acquired = acquire(2);
        Conn old = new Conn(true, 1);
        connects.get(0).complete(old);

        old.usable = false; // GOAWAY: capacity 0
        pool.capacityChanged("a", old);
        assertThat(connects).as("a connect for the waiter").hasSize(2);
        Conn fresh = new Conn(true, 10);
        connects.get(1).complete(fresh);
        assertThat(acquired.get(1)).isCompletedWithValue(fresh);
        assertThat(old.closed).isFalse();

        pool.release("a", old, true);

        assertThat(old.closed).isTrue();
        assertThat(pool.pollIdle("a")).isSameAs(fresh);
    }

    @Test
    void oneStreamsFailureDoesNotCloseTheConnectionItsOthersUse() {
        List<CompletableFuture<Conn>> acquired = acquire(2);
        Conn connection = new Conn(true, 10);
        connects.get(0).complete(connection);

        pool.release("a", connection, false);

        assertThat(connection.closed).isFalse();
        assertThat(pool.pollIdle("a")).isSameAs(connection);
        assertThat(acquired.get(1)).isCompletedWithValue(connection);
    }

    @Test
    void anOriginThatTurnsOutHttp11LetsItsWaitersConnectAsBefore() {
        List<CompletableFuture<Conn>> acquired = acquire(3);
        assertThat(connects).hasSize(1);

        connects.get(0).complete(new Conn(false, 1));

        assertThat(acquired.get(0)).isDone();
        assertThat(connects).as("one connect per waiter, as for HTTP/1.1").hasSize(3);
        assertThat(pool.multiplexes("a")).isFalse();
    }

    @Test
    void anUnheldMultiplexedConnectionRestsAndIsSweptAfterTheIdleTimeout() {
        acquire(1);
        Conn connection = new Conn(true, 10);
        connects.get(0).complete(connection);
        pool.release("a", connection, true);
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 0, 0));

        time.advance(Duration.ofSeconds(75));

        assertThat(connection.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    private List<CompletableFuture<Conn>> acquire(int n) {
        List<CompletableFuture<Conn>> acquired = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acquired.add(pool.acquire("a", "r" + i, TIMEOUT, false));
        }
        return acquired;
    }

    /** A fake connection: multiplexed or not, with a capacity the test changes. */
    static final class Conn implements ConnectionPool.Pooled {
        final boolean multiplexed;
        int capacity;
        boolean usable = true;
        boolean closed;
        private long idleSince;

        Conn(boolean multiplexed, int capacity) {
            this.multiplexed = multiplexed;
            this.capacity = capacity;
        }

        @Override
        public boolean isUsable() {
            return usable && !closed;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void idleSince(long nanoTime) {
            idleSince = nanoTime;
        }

        @Override
        public long idleSince() {
            return idleSince;
        }

        @Override
        public boolean isMultiplexed() {
            return multiplexed;
        }

        @Override
        public int capacity() {
            return usable ? capacity : 0;
        }
    }
}
