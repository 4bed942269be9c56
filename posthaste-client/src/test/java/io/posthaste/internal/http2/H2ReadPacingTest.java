package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.posthaste.internal.session.ReadPacing;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a busy HTTP/2 connection holds its next read, and when it never does, on the channel's
 * frozen clock: each test plays reads at chosen times and looks at the channel's auto-read.
 */
class H2ReadPacingTest {

    private static final ReadPacing POLICY = ReadPacing.DEFAULT;
    private static final int BUSY = POLICY.minStreams();
    private static final int SMALL = 200;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final H2ReadPacing pacing;

    H2ReadPacingTest() {
        channel.freezeTime();
        pacing = new H2ReadPacing(channel, POLICY);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A read of {@code bytes} that ends {@code afterMicros} after the previous one. */
    private void read(long afterMicros, int bytes, int streamsAwaiting) {
        channel.advanceTimeBy(afterMicros, TimeUnit.MICROSECONDS);
        channel.runScheduledPendingTasks();
        pacing.onRead(bytes);
        pacing.onReadComplete(streamsAwaiting);
    }

    private void advanceMicros(long micros) {
        channel.advanceTimeBy(micros, TimeUnit.MICROSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aSmallReadInATrickleOnABusyConnectionHoldsTheNextReadFor50Microseconds() {
        read(0, SMALL, BUSY);
        read(20, SMALL, BUSY);

        assertThat(pacing.isHolding()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
        advanceMicros(49);
        assertThat(channel.config().isAutoRead()).isFalse();
        advanceMicros(1);
        assertThat(pacing.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theReadAfterAHoldIsHeldAgainWhileTheTrickleLasts() {
        read(0, SMALL, BUSY);
        read(20, SMALL, BUSY);
        advanceMicros(50);

        read(10, SMALL * 5, BUSY);

        assertThat(pacing.isHolding()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
    }

    @Test
    void theFirstReadNeverHolds() {
        read(0, SMALL, BUSY);

        assertThat(pacing.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aReadThatBeganLongAfterTheLastEndedDoesNotHold() {
        read(0, SMALL, BUSY);
        read(TimeUnit.NANOSECONDS.toMicros(POLICY.busyGapNanos()), SMALL, BUSY);

        assertThat(pacing.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void fewerStreamsThanTheMinimumNeverHold() {
        read(0, SMALL, BUSY - 1);
        read(20, SMALL, BUSY - 1);
        read(20, SMALL, BUSY - 1);

        assertThat(pacing.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aLargeReadDoesNotHold() {
        read(0, SMALL, BUSY);
        read(20, POLICY.smallRead(), BUSY);

        assertThat(pacing.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aReadThatBroughtNothingChangesNothing() {
        read(0, SMALL, BUSY);
        read(20, 0, BUSY);

        assertThat(pacing.isHolding()).isFalse();
        // And it is no read for the gap either: the next small one is still in the trickle.
        read(20, SMALL, BUSY);
        assertThat(pacing.isHolding()).isTrue();
    }

    @Test
    void everyReadPacingHoldsAfterAnyReadThatLeavesAStreamWaiting() {
        H2ReadPacing eager = new H2ReadPacing(channel, ReadPacing.EVERY_READ);
        eager.onRead(SMALL);
        eager.onReadComplete(1);
        channel.advanceTimeBy(1, TimeUnit.SECONDS);

        eager.onRead(1 << 20);
        eager.onReadComplete(1);

        assertThat(eager.isHolding()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
    }

    @Test
    void aClosedChannelIsNeverHeld() {
        read(0, SMALL, BUSY);
        channel.close();

        read(20, SMALL, BUSY);

        assertThat(pacing.isHolding()).isFalse();
    }
}
