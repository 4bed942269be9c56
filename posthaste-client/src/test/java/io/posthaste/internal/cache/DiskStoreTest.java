package io.posthaste.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStoreTest {

    @TempDir
    Path directory;

    private static StoredResponse filledWith(byte fill, int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, fill);
        return new StoredResponse(
                "http://example.test/r",
                200,
                "OK",
                "HTTP/1.1",
                List.of("X-Fill", Byte.toString(fill), "Content-Length", Integer.toString(length)),
                Map.of(),
                1,
                2,
                body);
    }

    @Test
    void concurrentWritersAndReadersOfOneKeyAlwaysSeeOneWholeEntry() {
        DiskStore store = DiskStore.open(directory, 1 << 22);
        store.put(filledWith((byte) 'z', 10));
        ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte fill = (byte) ('a' + t);
                work.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < 200; i++) {
                                store.put(filledWith(fill, 1000 + 997 * ((i + fill) % 50)));
                            }
                        },
                        threads));
                work.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < 400; i++) {
                                StoredResponse read = store.get("http://example.test/r");
                                if (read == null || !whole(read)) {
                                    torn.add(
                                            read == null
                                                    ? "nothing"
                                                    : read.headers().toString());
                                }
                            }
                        },
                        threads));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } finally {
            threads.shutdownNow();
        }

        assertThat(torn).isEmpty();
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.get("http://example.test/r")).matches(DiskStoreTest::whole);
    }

    private static boolean whole(StoredResponse read) {
        byte fill = Byte.parseByte(read.header("X-Fill"));
        int length = Integer.parseInt(read.header("Content-Length"));
        if (read.body().length != length) {
            return false;
        }
        for (byte b : read.body()) {
            if (b != fill) {
                return false;
            }
        }
        return true;
    }
}
