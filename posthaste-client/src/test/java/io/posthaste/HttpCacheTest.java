package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions of {@link HttpCache}, one RFC 9111 / RFC 5861 rule per test, against a
 * {@link TestServer} whose request count shows what reached the network. Time is a
 * {@link CacheTestClock}, so freshness is exact and no test sleeps.
 */
class HttpCacheTest {

    @TempDir
    Path directory;

    final CacheTestClock clock = new CacheTestClock();
    TestServer server;
    HttpCache cache;
    ClientSession session;
    String url;

    @BeforeEach
    void start() {
        server = TestServer.start();
        cache = HttpCache.onDisk(directory, 1 << 20, clock, ForkJoinPool.commonPool());
        session = ClientSession.builder()
                .addInterceptor(cache)
                .raiseForStatus(false)
                .build();
        url = server.url("/resource");
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    private void serve(String body, String... headers) {
        serve(200, body, headers);
    }

    private void serve(int status, String body, String... headers) {
        MockResponse.Builder response = MockResponse.builder().status(status).body(body);
        for (int i = 0; i < headers.length; i += 2) {
            response.header(headers[i], headers[i + 1]);
        }
        server.enqueue(response.build());
    }

    private Response get() {
        return session.get(url).send();
    }

    private static String httpDate(long epochMillis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    @Test
    void aFreshResponseIsAnsweredFromTheStoreWithItsAgeAndNoRequest() {
        serve("v1", "Cache-Control", "max-age=60");
        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.MISS);

        clock.advanceSeconds(59);
        Response hit = get();

        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.text()).isEqualTo("v1");
        assertThat(hit.headers().get("Age")).isEqualTo("59");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aSessionWithoutACacheReportsEveryResponseUncached() {
        try (ClientSession plain = ClientSession.create()) {
            serve("v1", "Cache-Control", "max-age=60");
            assertThat(plain.get(url).send().cacheStatus()).isEqualTo(CacheStatus.UNCACHED);
        }
    }

    @Test
    void maxAgeSetsTheLifetimeAndSharedMaxAgeIsIgnoredByAPrivateCache() {
        serve("v1", "Cache-Control", "s-maxage=600, max-age=10");
        get();
        clock.advanceSeconds(11);
        serve("v2");

        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void withoutMaxAgeExpiresMinusDateIsTheLifetime() {
        long now = clock.millis();
        serve("v1", "Date", httpDate(now), "Expires", httpDate(now + 30_000));
        get();

        clock.advanceSeconds(29);
        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.HIT);
        clock.advanceSeconds(2);
        serve("v2");
        assertThat(get().text()).isEqualTo("v2");
    }

    @Test
    void anInvalidExpiresIsAlreadyStale() {
        serve("v1", "Expires", "0", "ETag", "\"a\"");
        get();
        serve("v2");

        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void a200WithOnlyLastModifiedIsFreshForATenthOfItsAgeThenRevalidatedWithIfModifiedSince() {
        String lastModified = httpDate(clock.millis() - 100_000);
        serve("v1", "Last-Modified", lastModified);
        get();
        server.takeRequest();

        clock.advanceSeconds(9);
        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.HIT);
        clock.advanceSeconds(2);
        serve(304, "");
        Response revalidated = get();

        assertThat(revalidated.cacheStatus()).isEqualTo(CacheStatus.REVALIDATED);
        assertThat(revalidated.text()).isEqualTo("v1");
        assertThat(server.takeRequest().header("If-Modified-Since")).isEqualTo(lastModified);
    }

    @Test
    void aStaleEntryIsRevalidatedWithItsETagAndThe304sHeadersReplaceTheStoredOnes() {
        serve("v1", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "X-Version", "1", "Content-Type", "text/plain");
        get();
        server.takeRequest();
        clock.advanceSeconds(20);
        serve(304, "", "Cache-Control", "max-age=100", "X-Version", "2", "Content-Length", "0");

        Response revalidated = get();

        assertThat(revalidated.cacheStatus()).isEqualTo(CacheStatus.REVALIDATED);
        assertThat(revalidated.status()).isEqualTo(200);
        assertThat(revalidated.text()).isEqualTo("v1");
        assertThat(revalidated.headers().get("X-Version")).isEqualTo("2");
        assertThat(revalidated.headers().get("Content-Type")).isEqualTo("text/plain");
        assertThat(revalidated.headers().get("Content-Length")).isEqualTo("2");
        assertThat(server.takeRequest().header("If-None-Match")).isEqualTo("\"v1\"");

        clock.advanceSeconds(99);
        Response refreshed = get();
        assertThat(refreshed.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(refreshed.headers().get("X-Version")).isEqualTo("2");
    }

    @Test
    void aChangedResourceAnswersTheRevalidationAndReplacesTheEntry() {
        serve("v1", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
        get();
        clock.advanceSeconds(20);
        serve("v2", "Cache-Control", "max-age=10", "ETag", "\"v2\"");

        Response changed = get();
        Response next = get();

        assertThat(changed.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(changed.text()).isEqualTo("v2");
        assertThat(next.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(next.text()).isEqualTo("v2");
    }

    @Test
    void aRequestWhoseVaryFieldsDifferGoesToTheNetworkAndItsAnswerReplacesTheEntry() {
        serve("english", "Cache-Control", "max-age=60", "Vary", "Accept-Language");
        serve("french", "Cache-Control", "max-age=60", "Vary", "Accept-Language");
        session.get(url).header("Accept-Language", "en").send();

        Response french = session.get(url).header("Accept-Language", "fr").send();
        Response frenchAgain = session.get(url).header("Accept-Language", "fr").send();

        assertThat(french.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(frenchAgain.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(frenchAgain.text()).isEqualTo("french");
    }

    @Test
    void varyStarIsNeverStored() {
        serve("v1", "Cache-Control", "max-age=60", "Vary", "*");
        serve("v2", "Cache-Control", "max-age=60", "Vary", "*");
        get();

        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void noStoreOnTheResponseOrTheRequestKeepsNothing() {
        serve("v1", "Cache-Control", "no-store, max-age=60");
        serve("v2", "Cache-Control", "max-age=60");
        serve("v3", "Cache-Control", "max-age=60");
        get();
        session.get(url).header("Cache-Control", "no-store").send();

        assertThat(get().text()).isEqualTo("v3");
        assertThat(cache.entryCount()).isEqualTo(1);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void noCacheOnTheResponseMeansEveryUseIsRevalidated() {
        serve("v1", "Cache-Control", "no-cache", "ETag", "\"v1\"");
        serve(304, "");
        get();

        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.REVALIDATED);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void noCacheOrMaxAgeZeroOnTheRequestRevalidatesAFreshEntry() {
        serve("v1", "Cache-Control", "max-age=600", "ETag", "\"v1\"");
        serve(304, "");
        serve(304, "");
        serve(304, "");
        get();

        assertThat(session.get(url).header("Cache-Control", "no-cache").send().cacheStatus())
                .isEqualTo(CacheStatus.REVALIDATED);
        assertThat(session.get(url).header("Pragma", "no-cache").send().cacheStatus())
                .isEqualTo(CacheStatus.REVALIDATED);
        clock.advanceSeconds(5);
        assertThat(session.get(url).header("Cache-Control", "max-age=0").send().cacheStatus())
                .isEqualTo(CacheStatus.REVALIDATED);
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void onlyIfCachedIsA504WhenNothingUsableIsStoredAndAHitOtherwise() {
        Response nothing =
                session.get(url).header("Cache-Control", "only-if-cached").send();
        assertThat(nothing.status()).isEqualTo(504);
        assertThat(server.requestCount()).isZero();
        try (ClientSession raising =
                ClientSession.builder().addInterceptor(cache).build()) {
            assertThatThrownBy(() -> raising.get(url)
                            .header("Cache-Control", "only-if-cached")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(504));
        }

        serve("v1", "Cache-Control", "max-age=60");
        get();
        Response hit =
                session.get(url).header("Cache-Control", "only-if-cached").send();
        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        clock.advanceSeconds(61);
        assertThat(session.get(url)
                        .header("Cache-Control", "only-if-cached")
                        .send()
                        .status())
                .isEqualTo(504);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void maxStaleOnTheRequestAcceptsAStaleEntryUnlessItMustBeRevalidated() {
        serve("v1", "Cache-Control", "max-age=10");
        get();
        clock.advanceSeconds(30);

        Response stale =
                session.get(url).header("Cache-Control", "max-stale=60").send();
        assertThat(stale.cacheStatus()).isEqualTo(CacheStatus.STALE);

        url = server.url("/strict");
        serve("s1", "Cache-Control", "max-age=10, must-revalidate");
        serve("s2");
        get();
        clock.advanceSeconds(30);
        assertThat(session.get(url).header("Cache-Control", "max-stale").send().text())
                .isEqualTo("s2");
    }

    @Test
    void staleIfErrorAnswersAServerErrorOrAnUnreachableServerWithinItsWindow() {
        serve("v1", "Cache-Control", "max-age=10, stale-if-error=60");
        get();
        clock.advanceSeconds(30);
        serve(503, "down");

        Response onError = get();
        assertThat(onError.cacheStatus()).isEqualTo(CacheStatus.STALE);
        assertThat(onError.text()).isEqualTo("v1");

        server.close();
        assertThat(get().cacheStatus()).isEqualTo(CacheStatus.STALE);
        clock.advanceSeconds(60);
        assertThatThrownBy(this::get).isInstanceOf(ClientConnectionException.class);
    }

    @Test
    void mustRevalidateForbidsStaleIfError() {
        serve("v1", "Cache-Control", "max-age=10, must-revalidate, stale-if-error=600");
        get();
        clock.advanceSeconds(30);
        serve(500, "broken");

        Response error = get();

        assertThat(error.status()).isEqualTo(500);
        assertThat(error.cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void successfulUnsafeMethodsInvalidateTheirUrlAndSameOriginLocations() {
        String item = server.url("/items/7");
        try (TestServer other = TestServer.start()) {
            String foreign = other.url("/items/7");
            for (String target : new String[] {url, item, foreign}) {
                (target.equals(foreign) ? other : server)
                        .enqueue(MockResponse.builder()
                                .header("Cache-Control", "max-age=600")
                                .body("cached")
                                .build());
                session.get(target).send();
            }
            serve(500, "failed");
            session.delete(url).send();
            assertThat(get().cacheStatus())
                    .as("a failed DELETE invalidates nothing")
                    .isEqualTo(CacheStatus.HIT);

            for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
                serve(201, "", "Location", "/items/7", "Content-Location", foreign);
                session.request(method, url).send();
                assertThat(cache.entryCount()).as(method).isEqualTo(1);
                assertThat(session.get(foreign).send().cacheStatus()).isEqualTo(CacheStatus.HIT);
                for (String target : new String[] {url, item}) {
                    serve("fresh", "Cache-Control", "max-age=600");
                    assertThat(session.get(target).send().cacheStatus())
                            .as(method + " " + target)
                            .isEqualTo(CacheStatus.MISS);
                }
            }
        }
    }

    @Test
    void aHeadIsAnsweredFromAFreshGetEntryWithoutItsBody() {
        serve("v1", "Cache-Control", "max-age=60", "X-Version", "1");
        get();

        Response head = session.head(url).send();

        assertThat(head.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(head.headers().get("X-Version")).isEqualTo("1");
        assertThat(head.bodyLength()).isZero();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void streamedCallsAndOtherMethodsPassThroughUncachedAndKeepNothing() throws IOException {
        for (int i = 0; i < 2; i++) {
            serve("v1", "Cache-Control", "max-age=60");
            try (StreamingResponse streamed = session.get(url).stream();
                    InputStream in = streamed.body()) {
                assertThat(in.readAllBytes()).hasSize(2);
            }
        }
        serve("v1", "Cache-Control", "max-age=60");
        Response options = session.request("OPTIONS", url).send();

        assertThat(options.cacheStatus()).isEqualTo(CacheStatus.UNCACHED);
        assertThat(cache.entryCount()).isZero();
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void aRequestWithItsOwnValidatorsOrRangeIsPassedThrough() {
        serve("v1", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
        get();
        serve(304, "");
        serve(206, "v", "Content-Range", "bytes 0-0/2");

        Response conditional =
                session.get(url).header("If-None-Match", "\"v1\"").send();
        Response range = session.get(url).header("Range", "bytes=0-0").send();

        assertThat(conditional.status()).isEqualTo(304);
        assertThat(conditional.cacheStatus()).isEqualTo(CacheStatus.UNCACHED);
        assertThat(range.status()).isEqualTo(206);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void anAnswerToAnAuthorizedRequestIsStoredOnlyIfTheServerAllowsIt() {
        serve("private", "Cache-Control", "max-age=60");
        serve("again", "Cache-Control", "public, max-age=60");
        serve("unused");
        session.get(url).bearerAuth("token").send();
        assertThat(cache.entryCount()).isZero();

        session.get(url).bearerAuth("token").send();
        assertThat(session.get(url).bearerAuth("token").send().cacheStatus()).isEqualTo(CacheStatus.HIT);
    }

    @Test
    void anAnswerWithoutLifetimeOrValidatorIsNotWorthStoring() {
        serve("v1");
        serve(500, "error", "Cache-Control", "max-age=60");
        get();
        get();

        assertThat(cache.entryCount()).isZero();
    }

    @Test
    void aHitStillDecodesJson() {
        serve("{\"id\":7}", "Cache-Control", "max-age=60", "Content-Type", "application/json");
        get();

        Response hit = get();

        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.json().get("id").asInt()).isEqualTo(7);
        RecordedRequest only = server.takeRequest();
        assertThat(only.path()).isEqualTo("/resource");
    }
}
