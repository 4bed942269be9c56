package io.posthaste.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.internal.connection.ConnectionPool.AcquireTimeoutException;
import io.posthaste.internal.connection.ConnectionPool.PoolClosedException;
import io.posthaste.internal.connection.ConnectionPool.Stats;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The pool's contract, driven by hand: fake time (nothing happens until the test advances the
 * clock), a fake connector whose connects the test completes, and fake connections. Origins are
 * plain strings; a connect spec is a string naming the request it belongs to.
 */
class ConnectionPoolTest {

    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** How often the pool sweeps idle connections: a quarter of the idle timeout. */
    private static final Duration SWEEP_PERIOD = IDLE_TIMEOUT.dividedBy(4);

    private final FakeScheduler time = new FakeScheduler();
    private final FakeConnector connector = new FakeConnector();
    private ConnectionPool<String, String, FakeConnection> pool;

    // --- opening, reusing and the caps ---

    @Test
    void aRequestToANewOriginOpensAConnectionWithItsOwnConnectSpec() {
        pool(2, 10);
        CompletableFuture<FakeConnection> acquired = pool.acquire("a", "first", nanos(ACQUIRE_TIMEOUT), false);
        assertThat(connector.attempts)
                .singleElement()
                .satisfies(attempt ->
                        assertThat(attempt.key() + " " + attempt.spec()).isEqualTo("a first"));
        assertThat(acquired).isNotDone();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));

        FakeConnection connection = connector.last().open();

        assertThat(acquired).isCompletedWithValue(connection);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void aReleasedConnectionGoesIdleAndServesTheNextRequestWithoutConnecting() {
        pool(2, 10);
        FakeConnection connection = lease("a");

        pool.release("a", connection, true);
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 0, 0));
        assertThat(connection.idleSince()).isEqualTo(time.nanoTime());
        time.advance(Duration.ofSeconds(1));

        assertThat(acquire("a", "second")).isCompletedWithValue(connection);
        assertThat(connector.attempts).hasSize(1);
        assertThat(connection.closed).isFalse();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void pollingTakesAUsableIdleConnectionAtOnceAndNeverConnects() {
        pool(1, 10);
        assertThat(pool.pollIdle("a"))
                .as("nothing idle: the caller must acquire")
                .isNull();
        FakeConnection stale = lease("a");
        pool.release("a", stale, true);
        stale.usable = false;
        assertThat(pool.pollIdle("a"))
                .as("a dead idle connection is not handed out")
                .isNull();
        assertThat(stale.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));

        FakeConnection live = lease("a");
        pool.release("a", live, true);
        assertThat(pool.pollIdle("a")).isSameAs(live);
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void anIdleConnectionWhoseRoomWentToAWaiterOfAnotherOriginCannotBePolled() {
        pool(1, 1);
        FakeConnection dying = lease("a");
        CompletableFuture<FakeConnection> waiter = acquire("b", "waiting");
        assertThat(waiter).isNotDone();
        pool.release("a", dying, true);
        // Released while b waits on the total cap: the pool hands the room to b's waiter.
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.pollIdle("a")).isNull();
    }

    @Test
    void theMostRecentlyReleasedIdleConnectionIsReusedFirst() {
        // The one the server is least likely to have closed; the others age out in the sweep.
        pool(2, 10);
        FakeConnection older = lease("a");
        FakeConnection newer = lease("a");
        pool.release("a", older, true);
        pool.release("a", newer, true);

        assertThat(acquire("a", "next")).isCompletedWithValue(newer);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 1, 0, 0));
    }

    @Test
    void anIdleConnectionNoLongerUsableIsClosedAndReplacedOnAcquire() {
        pool(1, 10);
        FakeConnection stale = lease("a");
        pool.release("a", stale, true);
        stale.usable = false;

        CompletableFuture<FakeConnection> acquired = acquire("a", "next");

        assertThat(stale.closed).isTrue();
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(acquired).isCompletedWithValue(connector.last().open());
    }

    @Test
    void requestsBeyondTheCapPerOriginWaitWhileOtherOriginsStillConnect() {
        pool(2, 10);
        lease("a");
        lease("a");

        CompletableFuture<FakeConnection> third = acquire("a", "third");
        assertThat(third).isNotDone();
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.stats()).isEqualTo(new Stats(2, 0, 0, 1));

        lease("b");
        assertThat(pool.stats()).isEqualTo(new Stats(3, 0, 0, 1));
    }

    @Test
    void requestsBeyondTheTotalCapWaitWhateverTheirOrigin() {
        pool(5, 2);
        lease("a");
        lease("b");

        CompletableFuture<FakeConnection> toNewOrigin = acquire("c", "c1");
        CompletableFuture<FakeConnection> toKnownOrigin = acquire("a", "a2");

        assertThat(toNewOrigin).isNotDone();
        assertThat(toKnownOrigin).isNotDone();
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.stats()).isEqualTo(new Stats(2, 0, 0, 2));
    }

    @Test
    void aRequestAtTheTotalCapClosesAnotherOriginsOldestIdleConnectionToMakeRoom() {
        pool(5, 2);
        FakeConnection older = lease("a");
        FakeConnection newer = lease("a");
        pool.release("a", older, true);
        time.advance(Duration.ofSeconds(1));
        pool.release("a", newer, true);

        CompletableFuture<FakeConnection> acquired = acquire("b", "b1");

        assertThat(older.closed).isTrue();
        assertThat(newer.closed).isFalse();
        assertThat(connector.last().spec()).isEqualTo("b1");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 1, 0));
        assertThat(acquired).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aRequestWaitingForRoomInTheTotalCapGetsItWhenAnotherOriginsConnectionGoesIdle() {
        pool(5, 1);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> waiter = acquire("b", "w");

        pool.release("a", connection, true);

        assertThat(connection.closed).as("idle connection closed to make room").isTrue();
        assertThat(connector.last().key() + " " + connector.last().spec()).isEqualTo("b w");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(waiter).isCompletedWithValue(connector.last().open());
    }

    @Test
    void anIdleConnectionIsNotClosedForAWaiterHeldBackByItsOwnOriginsCap() {
        pool(1, 2);
        lease("a");
        FakeConnection other = lease("b");
        CompletableFuture<FakeConnection> waiter = acquire("a", "w");

        pool.release("b", other, true);

        assertThat(other.closed).isFalse();
        assertThat(waiter).isNotDone();
        assertThat(connector.attempts).hasSize(2);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 1, 0, 1));
    }

    // --- waiters: order, timeout, cancel ---

    @Test
    void waitersAreServedInTheOrderTheyCame() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> first = acquire("a", "w1");
        CompletableFuture<FakeConnection> second = acquire("a", "w2");
        CompletableFuture<FakeConnection> third = acquire("a", "w3");

        pool.release("a", connection, true);
        assertThat(first).isCompletedWithValue(connection);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 2));

        pool.release("a", connection, true);
        assertThat(second).isCompletedWithValue(connection);
        assertThat(third).isNotDone();

        pool.release("a", connection, true);
        assertThat(third).isCompletedWithValue(connection);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
        assertThat(connector.attempts).hasSize(1);
        assertThat(time.scheduled()).as("acquire timeouts left armed").isZero();
    }

    @Test
    void waitersGetTheConnectionsOpenedForThemInTheOrderTheyCame() {
        pool(1, 10);
        FakeConnection holder = lease("a");
        CompletableFuture<FakeConnection> first = acquire("a", "w1");
        CompletableFuture<FakeConnection> second = acquire("a", "w2");

        pool.release("a", holder, false);
        FakeConnection forFirst = connector.last().open();
        assertThat(first).isCompletedWithValue(forFirst);
        assertThat(second).isNotDone();

        pool.release("a", forFirst, false);
        assertThat(second).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aWaiterFailsWithAnAcquireTimeoutWhenNoConnectionFreesUpInTime() {
        pool(1, 10);
        lease("a");
        CompletableFuture<FakeConnection> waiter = pool.acquire("a", "w", nanos(Duration.ofSeconds(2)), false);

        time.advance(Duration.ofMillis(1999));
        assertThat(waiter).isNotDone();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 1));

        time.advance(Duration.ofMillis(1));
        assertThat(failureOf(waiter))
                .isInstanceOf(AcquireTimeoutException.class)
                .hasMessage("no connection to a became free within 2000 ms");
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void aWaiterThatTimedOutLeavesItsTurnToTheOneBehindIt() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> impatient = pool.acquire("a", "w1", nanos(Duration.ofSeconds(1)), false);
        CompletableFuture<FakeConnection> patient = pool.acquire("a", "w2", nanos(Duration.ofSeconds(10)), false);

        time.advance(Duration.ofSeconds(1));
        assertThat(failureOf(impatient)).isInstanceOf(AcquireTimeoutException.class);

        pool.release("a", connection, true);
        assertThat(patient).isCompletedWithValue(connection);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void aCancelledWaiterLeavesItsTurnToTheOneBehindIt() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> cancelled = acquire("a", "w1");
        CompletableFuture<FakeConnection> next = acquire("a", "w2");

        cancelled.cancel(true);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 1));
        assertThat(time.scheduled()).as("acquire timeouts still armed").isEqualTo(1);

        pool.release("a", connection, true);
        assertThat(next).isCompletedWithValue(connection);
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void aCancelledWaiterLeavesTheConnectionOpenedInItsPlaceToTheOneBehindIt() {
        pool(1, 10);
        FakeConnection holder = lease("a");
        CompletableFuture<FakeConnection> cancelled = acquire("a", "w1");
        CompletableFuture<FakeConnection> next = acquire("a", "w2");
        cancelled.cancel(true);

        pool.release("a", holder, false);

        assertThat(connector.last().spec()).isEqualTo("w2");
        assertThat(next).isCompletedWithValue(connector.last().open());
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    // --- connecting: specs, failures, giving up meanwhile ---

    @Test
    void eachWaiterAdmittedLaterConnectsWithItsOwnSpec() {
        pool(1, 10);
        FakeConnection holder = lease("a");
        CompletableFuture<FakeConnection> first = acquire("a", "connect in 1 s");
        CompletableFuture<FakeConnection> second = acquire("a", "connect in 9 s");

        pool.release("a", holder, false);
        FakeConnection forFirst = connector.last().open();
        pool.release("a", forFirst, false);
        connector.last().open();

        assertThat(connector.attempts)
                .extracting(Attempt::spec)
                .containsExactly("a1", "connect in 1 s", "connect in 9 s");
        assertThat(first).isCompletedWithValue(forFirst);
        assertThat(second).isCompleted();
    }

    @Test
    void aFailedConnectFailsItsRequestAndLetsTheNextWaiterConnectWithItsOwnSpec() {
        pool(1, 10);
        CompletableFuture<FakeConnection> first = acquire("a", "first");
        CompletableFuture<FakeConnection> waiter = acquire("a", "waiter");
        ConnectException refused = new ConnectException("refused");

        connector.last().fail(refused);

        assertThat(failureOf(first)).isSameAs(refused);
        assertThat(connector.last().spec()).isEqualTo("waiter");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(waiter).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aConnectorThatThrowsFailsTheRequestAndFreesThePlace() {
        pool(1, 10);
        IllegalStateException broken = new IllegalStateException("no route");
        connector.throwing = broken;

        assertThat(failureOf(acquire("a", "first"))).isSameAs(broken);
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    @Test
    void cancellingARequestWhileItsConnectionIsOpenedAbortsTheConnectAndFreesThePlace() {
        pool(1, 10);
        CompletableFuture<FakeConnection> acquired = acquire("a", "first");

        acquired.cancel(true);

        assertThat(connector.last().future().isCancelled())
                .as("connect aborted")
                .isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    @Test
    void aWaiterCancelledWhileItsConnectionIsOpenedAbortsTheConnectAndTheNextWaiterConnects() {
        pool(1, 10);
        FakeConnection holder = lease("a");
        CompletableFuture<FakeConnection> first = acquire("a", "w1");
        CompletableFuture<FakeConnection> second = acquire("a", "w2");
        pool.release("a", holder, false);
        Attempt forFirst = connector.last();
        assertThat(forFirst.spec()).isEqualTo("w1");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 1));

        first.cancel(true);

        assertThat(forFirst.future().isCancelled()).as("connect aborted").isTrue();
        assertThat(connector.last().spec()).isEqualTo("w2");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(second).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aWaiterThatTimesOutWhileItsConnectionIsOpenedAbortsTheConnectAndFreesThePlace() {
        pool(1, 10);
        FakeConnection holder = lease("a");
        CompletableFuture<FakeConnection> waiter = pool.acquire("a", "w", nanos(Duration.ofSeconds(2)), false);
        time.advance(Duration.ofSeconds(1));
        pool.release("a", holder, false);
        Attempt forWaiter = connector.last();

        time.advance(Duration.ofSeconds(1));

        assertThat(failureOf(waiter)).isInstanceOf(AcquireTimeoutException.class);
        assertThat(forWaiter.future().isCancelled()).as("connect aborted").isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    @Test
    void aPlaceCountedForAWaiterThatGaveUpMeanwhileGoesToAnotherOriginsWaiter() {
        pool(5, 1);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> quitter = acquire("a", "quitter");
        CompletableFuture<FakeConnection> other = acquire("b", "other");
        // Stands for another thread: the quitter gives up after the place freed by this release
        // was counted for it (origin "a" is admitted first) and before its connect starts.
        connection.onClose = () -> quitter.cancel(true);

        pool.release("a", connection, false);

        assertThat(quitter).isCancelled();
        assertThat(connector.last().key() + " " + connector.last().spec()).isEqualTo("b other");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(other).isCompletedWithValue(connector.last().open());
    }

    // --- places kept outside the pool ---

    @Test
    void aReservedPlaceCountsAsLeasedUntilGivenBackAndThenGoesToAWaiter() {
        pool(1, 10);
        assertThat(pool.tryReserve("a")).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
        assertThat(connector.attempts).isEmpty();
        assertThat(pool.tryReserve("a")).as("second place past the cap").isFalse();
        CompletableFuture<FakeConnection> waiter = acquire("a", "w");
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 1));

        pool.unreserve("a");

        assertThat(connector.last().spec()).isEqualTo("w");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(waiter).isCompletedWithValue(connector.last().open());
    }

    @Test
    void reservingAtTheTotalCapClosesAnotherOriginsIdleConnectionOrFails() {
        pool(5, 1);
        FakeConnection connection = lease("a");
        assertThat(pool.tryReserve("b"))
                .as("reserve while the only place is leased")
                .isFalse();
        pool.release("a", connection, true);

        assertThat(pool.tryReserve("b")).isTrue();

        assertThat(connection.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
    }

    @Test
    void theStarvedHookRunsOnlyWhenARequestMustWaitAndMayGiveItAReservedPlace() {
        pool(1, 10);
        AtomicInteger starved = new AtomicInteger();
        pool.onStarved(() -> {
            if (starved.getAndIncrement() == 0) {
                pool.unreserve("a");
            }
        });
        acquire("b", "has room");
        assertThat(starved).as("hook runs without a wait").hasValue(0);
        assertThat(pool.tryReserve("a")).isTrue();

        CompletableFuture<FakeConnection> waiter = acquire("a", "w");

        assertThat(starved).hasValue(1);
        assertThat(connector.last().spec()).isEqualTo("w");
        assertThat(waiter).isCompletedWithValue(connector.last().open());
    }

    // --- idle sweep, release, evict ---

    @Test
    void idleConnectionsAreClosedOnceEachHasSatIdleForTheIdleTimeout() {
        pool(2, 10);
        FakeConnection first = lease("a");
        FakeConnection second = lease("a");
        pool.release("a", first, true);
        time.advance(IDLE_TIMEOUT.dividedBy(2));
        pool.release("a", second, true);

        time.advance(IDLE_TIMEOUT.dividedBy(2).minusNanos(1));
        assertThat(first.closed).isFalse();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 2, 0, 0));

        time.advance(SWEEP_PERIOD);
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isFalse();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 0, 0));

        time.advance(IDLE_TIMEOUT.dividedBy(2));
        assertThat(second.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    @Test
    void anIdleConnectionThatBecameUnusableIsClosedByTheNextSweep() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        pool.release("a", connection, true);
        connection.usable = false;

        time.advance(SWEEP_PERIOD);

        assertThat(connection.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
    }

    @Test
    void releasingAConnectionThatCannotBeReusedClosesItAndLetsAnotherOriginsWaiterConnect() {
        pool(5, 1);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> waiter = acquire("b", "w");

        pool.release("a", connection, false);

        assertThat(connection.closed).isTrue();
        assertThat(connector.last().key() + " " + connector.last().spec()).isEqualTo("b w");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
        assertThat(waiter).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aConnectionReleasedAsReusableButNoLongerUsableIsClosedAndItsPlaceGoesToAWaiter() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        CompletableFuture<FakeConnection> waiter = acquire("a", "w");
        connection.usable = false;

        pool.release("a", connection, true);

        assertThat(connection.closed).isTrue();
        assertThat(waiter).isNotDone();
        assertThat(connector.last().spec()).isEqualTo("w");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 1, 0));
    }

    @Test
    void evictingAnIdleConnectionTheServerClosedForgetsItAndFreesItsPlace() {
        pool(1, 10);
        FakeConnection connection = lease("a");
        pool.release("a", connection, true);

        pool.evict("a", connection);

        assertThat(connection.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
        CompletableFuture<FakeConnection> next = acquire("a", "next");
        assertThat(connector.last().spec()).isEqualTo("next");
        assertThat(next).isCompletedWithValue(connector.last().open());
    }

    // --- close ---

    @Test
    void closingFailsWaitersAndClosesIdleConnectionsWhileLeasedOnesCloseWhenReleased() {
        pool(1, 10);
        FakeConnection idle = lease("a");
        pool.release("a", idle, true);
        FakeConnection leased = lease("b");
        CompletableFuture<FakeConnection> waiter = acquire("b", "w");
        assertThat(pool.stats()).isEqualTo(new Stats(1, 1, 0, 1));

        pool.close();

        assertThat(failureOf(waiter)).isInstanceOf(PoolClosedException.class);
        assertThat(idle.closed).isTrue();
        assertThat(leased.closed).isFalse();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 0));
        assertThat(time.scheduled()).as("sweep or timeouts left armed").isZero();

        pool.release("b", leased, true);
        assertThat(leased.closed).isTrue();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 0, 0, 0));
        assertThat(failureOf(acquire("a", "late"))).isInstanceOf(PoolClosedException.class);
        assertThat(pool.tryReserve("a")).isFalse();
        assertThat(connector.attempts).hasSize(2);
    }

    // --- fresh acquires (a retry after a stale connection) ---

    @Test
    void aFreshRequestNeverGetsAnIdleConnection() {
        pool(2, 10);
        FakeConnection idle = lease("a");
        pool.release("a", idle, true);

        CompletableFuture<FakeConnection> fresh = pool.acquire("a", "retry", nanos(ACQUIRE_TIMEOUT), true);

        assertThat(fresh).isNotDone();
        assertThat(connector.last().spec()).isEqualTo("retry");
        assertThat(idle.closed).isFalse();
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 1, 0));
        assertThat(fresh).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aFreshRequestAtTheCapPerOriginClosesTheOldestIdleConnectionToMakeRoom() {
        pool(2, 10);
        FakeConnection older = lease("a");
        FakeConnection newer = lease("a");
        pool.release("a", older, true);
        time.advance(Duration.ofSeconds(1));
        pool.release("a", newer, true);

        CompletableFuture<FakeConnection> fresh = pool.acquire("a", "retry", nanos(ACQUIRE_TIMEOUT), true);

        assertThat(older.closed).isTrue();
        assertThat(newer.closed).isFalse();
        assertThat(connector.last().spec()).isEqualTo("retry");
        assertThat(pool.stats()).isEqualTo(new Stats(0, 1, 1, 0));
        assertThat(fresh).isCompletedWithValue(connector.last().open());
    }

    @Test
    void aFreshRequestAtTheCapPerOriginWithNothingIdleWaitsForTheNextRelease() {
        pool(1, 10);
        FakeConnection connection = lease("a");

        CompletableFuture<FakeConnection> fresh = pool.acquire("a", "retry", nanos(ACQUIRE_TIMEOUT), true);
        assertThat(fresh).isNotDone();
        assertThat(pool.stats()).isEqualTo(new Stats(1, 0, 0, 1));

        pool.release("a", connection, true);
        assertThat(fresh).isCompletedWithValue(connection);
    }

    // --- helpers and fakes ---

    private void pool(int maxPerOrigin, int maxTotal) {
        pool = new ConnectionPool<>(maxPerOrigin, maxTotal, nanos(IDLE_TIMEOUT), time, connector);
    }

    private CompletableFuture<FakeConnection> acquire(String key, String spec) {
        return pool.acquire(key, spec, nanos(ACQUIRE_TIMEOUT), false);
    }

    /** Acquires a connection that the pool has to open, and opens it; its spec is key + count. */
    private FakeConnection lease(String key) {
        int before = connector.attempts.size();
        CompletableFuture<FakeConnection> acquired = acquire(key, key + (before + 1));
        assertThat(connector.attempts).as("a connect for " + key).hasSize(before + 1);
        FakeConnection connection = connector.last().open();
        assertThat(acquired).isCompletedWithValue(connection);
        return connection;
    }

    private static long nanos(Duration duration) {
        return duration.toNanos();
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((value, failure) -> failure).join();
    }

    /** One connect the pool asked for; the test completes it. */
    record Attempt(String key, String spec, CompletableFuture<FakeConnection> future, int number) {
        FakeConnection open() {
            FakeConnection connection = new FakeConnection(key + "#" + number);
            assertThat(future.complete(connection))
                    .as("connect " + this + " still pending")
                    .isTrue();
            return connection;
        }

        void fail(IOException failure) {
            assertThat(future.completeExceptionally(failure))
                    .as("connect still pending")
                    .isTrue();
        }
    }

    /** Records every connect the pool asks for, with the spec it passed. */
    static final class FakeConnector implements BiFunction<String, String, CompletableFuture<FakeConnection>> {
        final List<Attempt> attempts = new ArrayList<>();
        RuntimeException throwing;

        @Override
        public CompletableFuture<FakeConnection> apply(String key, String spec) {
            if (throwing != null) {
                throw throwing;
            }
            Attempt attempt = new Attempt(key, spec, new CompletableFuture<>(), attempts.size() + 1);
            attempts.add(attempt);
            return attempt.future();
        }

        Attempt last() {
            assertThat(attempts).as("connects asked for").isNotEmpty();
            return attempts.get(attempts.size() - 1);
        }
    }

    static final class FakeConnection implements ConnectionPool.Pooled {
        final String name;
        boolean usable = true;
        boolean closed;
        Runnable onClose = () -> {};
        private long idleSince;

        FakeConnection(String name) {
            this.name = name;
        }

        @Override
        public boolean isUsable() {
            return usable && !closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                onClose.run();
            }
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
        public String toString() {
            return name;
        }
    }
}
