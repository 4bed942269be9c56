package io.posthaste.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientConnectionException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.CookieJar;
import io.posthaste.InvalidRequestException;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.RetryPolicy;
import io.posthaste.TooManyRedirectsException;
import io.posthaste.internal.exchange.BodyPolicy;
import io.posthaste.internal.exchange.Completion;
import io.posthaste.internal.exchange.Deadline;
import io.posthaste.internal.exchange.Exchanger;
import io.posthaste.internal.session.SessionConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Each built-in step of the chain alone, against a fake of everything below it ({@link FakeNext}):
 * what it passes on, how often it proceeds, and what it makes of the answer.
 */
class ChainStepsTest {

    private static final ClientSession SESSION = FakeNext.SESSION;
    private static final SessionConfig CONFIG = FakeNext.config(SESSION);

    @AfterAll
    static void closeSession() {
        SESSION.close();
    }

    private static Request get(String url) {
        return SESSION.get(url).build();
    }

    private static Throwable failureOf(CompletableFuture<Response> result) {
        Throwable failure = result.handle((r, e) -> e).join();
        assertThat(failure).as("the step failed").isNotNull();
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Test
    void raiseForStatusTurnsAFinalErrorIntoAnExceptionOnlyWhenTheRequestAsks() {
        FakeNext next = new FakeNext().answer(422, "bad").answer(422, "bad").answer(200, "ok");
        assertThat(failureOf(next.run(RaiseForStatus.INSTANCE, get("http://example.test/a"))))
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(422));
        Request relaxed =
                SESSION.get("http://example.test/a").raiseForStatus(false).build();
        assertThat(next.run(RaiseForStatus.INSTANCE, relaxed).join().status()).isEqualTo(422);
        assertThat(next.run(RaiseForStatus.INSTANCE, get("http://example.test/a"))
                        .join()
                        .status())
                .isEqualTo(200);
    }

    @Test
    void redirectsProceedOncePerHopAndKeepTheHopsAsHistory() {
        FakeNext next = new FakeNext()
                .answer(302, "", "Location", "/b")
                .answer(303, "", "Location", "http://example.test/c")
                .answer(200, "done");
        Request post =
                SESSION.post("http://example.test/a").json(Map.of("k", "v")).build();
        Response last = next.run(new Redirects(CONFIG), post).join();
        assertThat(last.text()).isEqualTo("done");
        assertThat(last.history()).extracting(Response::status).containsExactly(302, 303);
        assertThat(next.seen)
                .extracting(r -> r.method() + " " + r.url().getPath())
                .containsExactly("POST /a", "GET /b", "GET /c");
        assertThat(next.seen.get(1).body())
                .as("a 302 after POST becomes a GET without a body")
                .isEmpty();
    }

    @Test
    void aRedirectToAnotherOriginDropsCredentialsOnTheWay() {
        FakeNext next = new FakeNext()
                .answer(307, "", "Location", "http://elsewhere.test/b")
                .answer(200, "ok");
        Request request = SESSION.get("http://example.test/a")
                .header("Authorization", "Bearer s3cret")
                .header("Cookie", "id=1")
                .build();
        next.run(new Redirects(CONFIG), request).join();
        assertThat(next.seen.get(1).headers().get("Authorization")).isNull();
        assertThat(next.seen.get(1).headers().get("Cookie")).isNull();
    }

    @Test
    void aRequestThatDoesNotFollowRedirectsGetsTheRedirectItself() {
        FakeNext next = new FakeNext().answer(302, "", "Location", "/b");
        Request request =
                SESSION.get("http://example.test/a").followRedirects(false).build();
        assertThat(next.run(new Redirects(CONFIG), request).join().status()).isEqualTo(302);
        assertThat(next.seen).hasSize(1);
    }

    @Test
    void tooManyOrUnfollowableRedirectsFailTheStepWithoutAnotherHop() {
        FakeNext loop = new FakeNext();
        for (int i = 0; i <= CONFIG.maxRedirects(); i++) {
            loop.answer(302, "", "Location", "/again");
        }
        assertThat(failureOf(loop.run(new Redirects(CONFIG), get("http://example.test/a"))))
                .isInstanceOf(TooManyRedirectsException.class);
        assertThat(loop.seen).hasSize(CONFIG.maxRedirects() + 1);

        FakeNext bad = new FakeNext().answer(301, "", "Location", "ftp://example.test/file");
        assertThat(failureOf(bad.run(new Redirects(CONFIG), get("http://example.test/a"))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(bad.seen).hasSize(1);
    }

    @Test
    void cookiesGoIntoEachRequestAndSetCookieIntoTheJar() {
        CookieJar jar = CookieJar.inMemoryAllowingIpHosts();
        Cookies step = new Cookies(jar);
        FakeNext next =
                new FakeNext().answer(200, "", "Set-Cookie", "id=42; Path=/").answer(200, "");
        next.run(step, get("http://127.0.0.1:1/login")).join();
        assertThat(next.seen.get(0).headers().get("Cookie")).isNull();
        next.run(
                        step,
                        SESSION.get("http://127.0.0.1:1/me")
                                .header("Cookie", "own=1")
                                .build())
                .join();
        assertThat(next.seen.get(1).headers().get("Cookie")).isEqualTo("own=1; id=42");
    }

    @Test
    void aJarThatThrowsFailsTheStepAndNeverTheCallbackThread() {
        RuntimeException broken = new IllegalStateException("jar broken");
        CookieJar failingLoad = new CookieJar() {
            @Override
            public void save(URI url, List<String> setCookieHeaders) {}

            @Override
            public List<io.posthaste.Cookie> load(URI url) {
                throw broken;
            }

            @Override
            public void clear() {}

            @Override
            public List<io.posthaste.Cookie> all() {
                return List.of();
            }
        };
        FakeNext untouched = new FakeNext();
        assertThat(failureOf(untouched.run(new Cookies(failingLoad), get("http://example.test/a"))))
                .isSameAs(broken);
        assertThat(untouched.seen).as("nothing was sent").isEmpty();

        CookieJar failingSave = new CookieJar() {
            @Override
            public void save(URI url, List<String> setCookieHeaders) {
                throw broken;
            }

            @Override
            public List<io.posthaste.Cookie> load(URI url) {
                return List.of();
            }

            @Override
            public void clear() {}

            @Override
            public List<io.posthaste.Cookie> all() {
                return List.of();
            }
        };
        FakeNext next = new FakeNext().answer(200, "", "Set-Cookie", "a=b");
        assertThat(failureOf(next.run(new Cookies(failingSave), get("http://example.test/a"))))
                .isSameAs(broken);
    }

    @Test
    void retriesSendAgainWhatThePolicyAllowsAndCarryTheEarlierAttempts() {
        RetryPolicy policy = RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(1))
                .build();
        FakeNext next = new FakeNext()
                .answer(503, "busy")
                .fail(new ClientConnectionException("GET x: refused", null, false, false))
                .answer(200, "ok");
        Request request =
                SESSION.get("http://example.test/a").retryPolicy(policy).build();
        assertThat(next.run(new Retries(null), request).join().text()).isEqualTo("ok");
        assertThat(next.seen).hasSize(3);

        FakeNext post = new FakeNext().answer(503, "busy");
        Request once = SESSION.post("http://example.test/a")
                .json(List.of(1))
                .retryPolicy(policy)
                .build();
        assertThat(post.run(new Retries(null), once).join().status())
                .as("a POST is not sent again unless the policy says so")
                .isEqualTo(503);
        assertThat(post.seen).hasSize(1);
    }

    @Test
    void aRetryWhoseWaitWouldEndAfterTheDeadlineIsNotMade() {
        AtomicLong now = new AtomicLong();
        Deadline deadline = Deadline.after(Optional.of(Duration.ofMillis(100)), now::get);
        RetryPolicy policy = RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(60))
                .jitter(0)
                .build();
        FakeNext next = new FakeNext()
                .beforeEach(() -> now.addAndGet(Duration.ofMillis(50).toNanos()))
                .answer(503, "busy")
                .answer(200, "ok"); // each attempt takes 50 ms
        Request request =
                SESSION.get("http://example.test/a").retryPolicy(policy).build();
        assertThat(next.run(new Retries(null), request, new Call.CallState(false, deadline))
                        .join()
                        .status())
                .as("50 ms used, a 60 ms wait would end past the 100 ms deadline")
                .isEqualTo(503);
        assertThat(next.seen).hasSize(1);
    }

    @Test
    void digestAnswersAChallengeFromItsOwnOriginOnce() {
        Request request = SESSION.get("http://example.test/private")
                .digestAuth("user", "pass")
                .build();
        String challenge = "Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256";
        FakeNext next =
                new FakeNext().answer(401, "", "WWW-Authenticate", challenge).answer(200, "in");
        assertThat(next.run(DigestAuth.INSTANCE, request).join().text()).isEqualTo("in");
        assertThat(next.seen.get(0).headers().get("Authorization")).isNull();
        assertThat(next.seen.get(1).headers().get("Authorization")).startsWith("Digest username=\"user\"");

        FakeNext twice = new FakeNext()
                .answer(401, "", "WWW-Authenticate", challenge)
                .answer(401, "", "WWW-Authenticate", challenge);
        assertThat(twice.run(DigestAuth.INSTANCE, request).join().status())
                .as("a second challenge that is not stale is the answer")
                .isEqualTo(401);
        assertThat(twice.seen).hasSize(2);
    }

    @Test
    void howABodyIsHeldIsDecidedByTheStepsThatUseIt() {
        Call.CallState streamed = new Call.CallState(true, Deadline.NONE);
        Request plain = get("http://example.test/a");
        assertThat(streamed.holding(plain, 200, false)).isEqualTo(BodyPolicy.Holding.STREAM);
        assertThat(streamed.holding(plain, 302, true))
                .as("a redirect that will be followed")
                .isEqualTo(BodyPolicy.Holding.BUFFER_RAW);
        assertThat(streamed.holding(plain, 302, false))
                .as("no Location: nothing to follow")
                .isEqualTo(BodyPolicy.Holding.STREAM);
        Request staying =
                SESSION.get("http://example.test/a").followRedirects(false).build();
        assertThat(streamed.holding(staying, 302, true)).isEqualTo(BodyPolicy.Holding.STREAM);
        Request raising =
                SESSION.get("http://example.test/a").raiseForStatus(true).build();
        assertThat(streamed.holding(raising, 404, false))
                .as("the exception keeps the body")
                .isEqualTo(BodyPolicy.Holding.BUFFER);
        assertThat(streamed.holding(raising, 200, false)).isEqualTo(BodyPolicy.Holding.STREAM);
        assertThat(new Call.CallState(false, Deadline.NONE).holding(plain, 200, false))
                .as("send() buffers every body")
                .isEqualTo(BodyPolicy.Holding.BUFFER);
    }

    @Test
    void theExchangeStepHandsTheCallItsDeadlineAndAbortsWhenTheCallIsCancelled() {
        Deadline deadline = Deadline.after(Optional.of(Duration.ofSeconds(5)));
        CompletableFuture<Response> pending = new CompletableFuture<>();
        Exchanger exchanger = new RecordingExchanger(pending);
        Call.CallState state = new Call.CallState(true, deadline);
        ExchangeStep step = new ExchangeStep(exchanger);
        new InterceptorChain(List.of(step), 0, state).proceed(get("http://example.test/a"));
        RecordingExchanger recorded = (RecordingExchanger) exchanger;
        assertThat(recorded.deadline).isSameAs(deadline);
        assertThat(recorded.policy)
                .as("the call itself decides how bodies are held")
                .isSameAs(state);
        state.cancel();
        assertThat(pending).isCancelled();
        assertThat(failureOf(new InterceptorChain(List.of(step), 0, state).proceed(get("http://example.test/b"))))
                .as("nothing starts once the call is cancelled")
                .isInstanceOf(CancellationException.class);
        assertThat(recorded.exchanges).isEqualTo(1);
    }

    private static final class RecordingExchanger implements Exchanger {
        private final CompletableFuture<Response> result;
        Deadline deadline;
        BodyPolicy policy;
        int exchanges;

        RecordingExchanger(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        public CompletableFuture<Response> exchange(Request request, BodyPolicy policy, Deadline deadline) {
            this.exchanges++;
            this.policy = policy;
            this.deadline = deadline;
            return result;
        }

        @Override
        public void handOff(Completion<?> completion) {}

        @Override
        public boolean wakeVirtual(Completion<?> completion) {
            return false;
        }

        @Override
        public io.posthaste.PoolStats stats() {
            return new io.posthaste.PoolStats(0, 0, 0, 0);
        }

        @Override
        public java.util.Map<String, io.posthaste.PoolStats> statsByOrigin() {
            return java.util.Map.of();
        }

        @Override
        public void close() {}
    }
}
