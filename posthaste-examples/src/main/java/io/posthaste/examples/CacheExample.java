package io.posthaste.examples;

import io.posthaste.CacheStatus;
import io.posthaste.ClientSession;
import io.posthaste.HttpCache;
import io.posthaste.Response;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's HTTP cache example as runnable code: the same URL fetched twice through an
 * {@link HttpCache} on disk, the second time from the store. Without arguments it runs against
 * the embedded {@link TestServer}, whose {@code /response-headers} route sets the
 * {@code Cache-Control} it is given:
 * {@snippet lang=shell :
 * java io.posthaste.examples.CacheExample                                       # embedded TestServer
 * java io.posthaste.examples.CacheExample 'https://httpbin.org/cache/60'
 * }
 */
public final class CacheExample {

    private CacheExample() {}

    /**
     * Fetches {@code url} twice through a cache in {@code directory} and returns how each answer
     * came: {@code [MISS, HIT]} for a URL whose answer is fresh for a while.
     */
    public static List<CacheStatus> fetchTwice(String url, Path directory) {
        HttpCache cache = HttpCache.onDisk(directory, 50L * 1024 * 1024); // 50 MiB, least recently used evicted
        try (ClientSession session =
                ClientSession.builder().addInterceptor(cache).build()) {
            Response first = session.get(url).send(); // from the network, stored
            Response second = session.get(url).send(); // from disk while fresh
            System.out.println(first.cacheStatus() + " then " + second.cacheStatus()); // MISS then HIT
            return List.of(first.cacheStatus(), second.cacheStatus());
        }
    }

    /** Runs the example against {@code args[0]}, or the embedded server when none is given. */
    public static void main(String[] args) throws IOException {
        Path directory = Files.createTempDirectory("posthaste-cache");
        try (TestServer server = args.length > 0 ? null : TestServer.start()) {
            String url = server != null ? server.url("/response-headers?Cache-Control=max-age%3D60") : args[0];
            fetchTwice(url, directory);
        }
    }
}
