package io.posthaste.internal.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Inbox}: bounded by bytes (reading pauses, then resumes), ordered, and losing no message. */
class InboxTest {

    private final AtomicInteger resumed = new AtomicInteger();
    private final Inbox inbox = new Inbox(Runnable::run, 1000, resumed::incrementAndGet);

    private static WebSocket.Message binary(int size) {
        return WebSocket.Message.binary(new byte[size]);
    }

    @Test
    void readingPausesOnceMoreThanTheLimitIsKeptAndResumesBelowHalfOfIt() {
        assertThat(inbox.offer(binary(600))).isFalse();
        assertThat(inbox.offer(binary(600))).as("over 1000 bytes kept: pause").isTrue();
        // The loop reads what it already had; the inbox asks once.
        assertThat(inbox.offer(binary(600))).isFalse();
        assertThat(inbox.queuedBytes()).isEqualTo(1800);
        inbox.next(false).join();
        inbox.next(false).join();
        assertThat(resumed).as("600 bytes kept: not yet under half").hasValue(0);
        inbox.next(false).join();
        assertThat(resumed).hasValue(1);
        assertThat(inbox.offer(binary(600))).isFalse();
    }

    @Test
    void waitingReceiversAreServedFirstComeFirstServed() {
        CompletableFuture<WebSocket.Message> first = inbox.next(true);
        CompletableFuture<WebSocket.Message> second = inbox.next(false);
        inbox.offer(WebSocket.Message.text("a"));
        inbox.offer(WebSocket.Message.text("b"));
        assertThat(first.join().text()).isEqualTo("a");
        assertThat(second.join().text()).isEqualTo("b");
        assertThat(inbox.queuedBytes()).isZero();
    }

    @Test
    void theCloseReachesEveryWaitingReceiverAndEveryLaterOne() {
        CompletableFuture<WebSocket.Message> first = inbox.next(true);
        CompletableFuture<WebSocket.Message> second = inbox.next(true);
        WebSocket.Message close = WebSocket.Message.close(1000, "");
        inbox.offer(close);
        assertThat(first.join()).isEqualTo(close);
        assertThat(second.join()).isEqualTo(close);
        assertThat(inbox.next(false).join()).isEqualTo(close);
        assertThat(inbox.offer(WebSocket.Message.text("too late"))).isFalse();
        assertThat(inbox.next(false).join()).isEqualTo(close);
    }

    @Test
    void messagesKeptBeforeTheCloseComeFirst() {
        inbox.offer(WebSocket.Message.text("last words"));
        inbox.offer(WebSocket.Message.close(1001, "going"));
        assertThat(inbox.next(false).join().text()).isEqualTo("last words");
        assertThat(inbox.next(false).join().closeCode()).isEqualTo(1001);
        assertThat(inbox.next(false).join().closeCode()).isEqualTo(1001);
    }

    @Test
    void aCancelledReceiverLosesNoMessageAndOneAlreadyServedCannotBeCancelled() {
        CompletableFuture<WebSocket.Message> cancelled = inbox.next(true);
        assertThat(cancelled.cancel(false)).isTrue();
        inbox.offer(WebSocket.Message.text("for the next"));
        assertThat(inbox.next(false).join().text()).isEqualTo("for the next");

        CompletableFuture<WebSocket.Message> served = inbox.next(true);
        inbox.offer(WebSocket.Message.text("mine"));
        assertThat(served.cancel(false)).isFalse();
        assertThat(served.join().text()).isEqualTo("mine");
    }
}
