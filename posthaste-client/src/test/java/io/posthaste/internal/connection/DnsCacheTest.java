package io.posthaste.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsCacheTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger lookups = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private InetAddress[] answer(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        if (host.equals("missing.invalid")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
    }

    @Test
    void concurrentLookupsOfOneHostShareOneQuery() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DnsCache cache = new DnsCache(
                host -> {
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return answer(host);
                },
                executor,
                TimeUnit.SECONDS.toNanos(10));
        List<CompletableFuture<InetAddress[]>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(cache.resolve("api.example"));
        }
        release.countDown();
        for (CompletableFuture<InetAddress[]> f : pending) {
            assertThat(f.get(5, TimeUnit.SECONDS)).hasSize(1);
        }
        assertThat(lookups.get()).isEqualTo(1);
    }

    @Test
    void answersAreReusedWithinTheTtlAndRefreshedAfter() throws Exception {
        DnsCache cache = new DnsCache(this::answer, executor, TimeUnit.MILLISECONDS.toNanos(100));
        cache.resolve("a.example").get(5, TimeUnit.SECONDS);
        cache.resolve("a.example").get(5, TimeUnit.SECONDS);
        assertThat(lookups.get()).isEqualTo(1);
        Thread.sleep(150);
        cache.resolve("a.example").get(5, TimeUnit.SECONDS);
        assertThat(lookups.get()).isEqualTo(2);
    }

    @Test
    void failuresAreNotCached() {
        DnsCache cache = new DnsCache(this::answer, executor, TimeUnit.SECONDS.toNanos(10));
        assertThatThrownBy(() -> cache.resolve("missing.invalid").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> cache.resolve("missing.invalid").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownHostException.class);
        assertThat(lookups.get()).isEqualTo(2);
    }

    @Test
    void theCacheIsBounded() throws Exception {
        DnsCache cache = new DnsCache(this::answer, executor, TimeUnit.SECONDS.toNanos(10));
        for (int i = 0; i < DnsCache.MAX_ENTRIES + 10; i++) {
            cache.resolve("h" + i + ".example").get(5, TimeUnit.SECONDS);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(DnsCache.MAX_ENTRIES);
    }
}
