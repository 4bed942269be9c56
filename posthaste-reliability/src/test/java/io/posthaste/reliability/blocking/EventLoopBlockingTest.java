package io.posthaste.reliability.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import io.posthaste.ClientSession;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.Interceptor;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * No blocking call ever runs on an event loop of the client: neither on the shared loops'
 * threads ({@code posthaste-io-*}), nor on a platform thread inside {@code send()} while it drives
 * its own loop. BlockHound instruments the JDK's blocking methods (sleeping, waiting, parking, file
 * and socket I/O) and records every call made on an event loop while the client does its whole
 * range of work — plain and TLS requests, file uploads, compressed answers, redirects, cookies,
 * name look-ups, streamed reads, async calls. A blocking call there would stall every connection
 * on that loop, or, on a caller's loop, the timeouts of that caller's own call.
 *
 * <p>A caller-driven thread is an event loop only part of the time: inside
 * {@code ManualIoEventLoop.run}, where it waits in {@code epoll_wait} (native, and the one wait it
 * is there for) and runs the handlers and tasks of its connections; outside, it is the caller's
 * own thread and may block as it likes. Netty marks the inside itself: while the loop runs, the
 * loop is the thread's {@link ThreadExecutorMap#currentExecutor() current executor}. So threads
 * that are not Netty's own are judged on every blocking call rather than once ({@code
 * addDynamicThreadPredicate}), and one counts as an event loop exactly while a
 * {@link ManualIoEventLoop} is its current executor. Naming or marking whole threads would not
 * do: the same thread that must not block in a handler blocks legitimately before and after.
 *
 * <p>BlockHound is installed for the rest of this JVM (it cannot be removed), which is why it
 * lives in this module, whose other tests are happy to be watched too. Needs
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods} on Java 13+ (set in this module's pom).
 */
class EventLoopBlockingTest {

    private static final List<String> BLOCKING_CALLS = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.Builder builder = BlockHound.builder();
        // Netty's own integration marks every Netty event-loop thread as non-blocking; a bare
        // builder loads no integration, so load them as BlockHound.install() would.
        ServiceLoader.load(BlockHoundIntegration.class).forEach(builder::with);
        builder
                // A streamed body's pieces pass from the loop to the reader under one short lock,
                // never held across I/O or a wait (the reader's wait releases it). When the reader
                // holds it for a copy, the loop parks for those microseconds: allowed inside these
                // three methods and nowhere else; anything else that parks a loop is recorded.
                .allowBlockingCallsInside("io.posthaste.internal.exchange.ResponseBodyStream", "offer")
                .allowBlockingCallsInside("io.posthaste.internal.exchange.ResponseBodyStream", "end")
                .allowBlockingCallsInside("io.posthaste.internal.exchange.ResponseBodyStream", "fail")
                // The pool has one lock, held for a few map operations and never across a call
                // out: a loop that finds it taken by another thread parks for those microseconds.
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "release")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "evict")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "acquire")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "pollIdle")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "capacityChanged")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "tryReserve")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "unreserve")
                .allowBlockingCallsInside("io.posthaste.internal.connection.ConnectionPool", "multiplexes")
                // Any thread may drive a loop of its own, so threads that are not Netty's are
                // asked on each blocking call whether they are driving one right now.
                .addDynamicThreadPredicate(thread -> !(thread instanceof FastThreadLocalThread))
                .nonBlockingThreadPredicate(current -> current.or(EventLoopBlockingTest::drivesACallerLoop))
                // Record rather than throw, so one run lists every offence with its stack.
                .blockingMethodCallback(method -> {
                    Thread thread = Thread.currentThread();
                    if (thread.getName().startsWith("posthaste-io")) {
                        BLOCKING_CALLS.add(thread.getName() + ": " + method + "\n" + stack());
                    } else if (drivesACallerLoop(thread)) {
                        BLOCKING_CALLS.add(thread.getName() + " (driving its own loop): " + method + "\n" + stack());
                    }
                })
                .install();
    }

    /** Whether {@code thread} is the current thread and is inside a caller-driven loop's run. */
    private static boolean drivesACallerLoop(Thread thread) {
        return thread == Thread.currentThread() && ThreadExecutorMap.currentExecutor() instanceof ManualIoEventLoop;
    }

    private static String stack() {
        StringBuilder trace = new StringBuilder();
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            trace.append("    at ").append(frame).append('\n');
        }
        return trace.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void aBlockingCallOnAnEventLoopIsCaught() throws Exception {
        // Proves the watch works, so that an empty list below means something: a Netty event loop
        // named like the client's, made to sleep.
        io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop(
                new io.netty.util.concurrent.DefaultThreadFactory("posthaste-io-probe"));
        try {
            loop.submit(() -> {
                        Thread.sleep(1);
                        return null;
                    })
                    .get();
        } finally {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertThat(BLOCKING_CALLS)
                .anySatisfy(call ->
                        assertThat(call).startsWith("posthaste-io-probe").contains("sleep"));
        BLOCKING_CALLS.removeIf(call -> call.startsWith("posthaste-io-probe"));
    }

    @Test
    void aBlockingCallWhileDrivingACallerLoopIsCaughtAndOneOutsideIsNot() throws Exception {
        // Proves the watch on caller-driven loops works: a network interceptor that sleeps runs on
        // the calling thread outside the loop for the first hop (allowed: the caller may block) and
        // inside it for the redirect's hop (the response that asked for it arrived there).
        Interceptor sleeping = (request, chain) -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return chain.proceed(request);
        };
        String caller = Thread.currentThread().getName();
        int before = BLOCKING_CALLS.size();
        try (TestServer server = TestServer.start();
                ClientSession session =
                        ClientSession.builder().addNetworkInterceptor(sleeping).build()) {
            assertThat(session.get(server.url("/redirect/1")).send().status()).isEqualTo(200);
        }
        List<String> caught = List.copyOf(BLOCKING_CALLS.subList(before, BLOCKING_CALLS.size()));
        BLOCKING_CALLS.removeAll(caught);
        assertThat(caught)
                .as("caught on the caller's loop, for the redirect's hop only")
                .singleElement()
                .satisfies(call -> assertThat(call)
                        .startsWith(caller + " (driving its own loop)")
                        .contains("sleep"));
    }

    @Test
    void theClientNeverBlocksAnIoThread() throws Exception {
        Path file = Files.write(dir.resolve("upload.bin"), new byte[3 << 20]);
        AtomicInteger onCallerLoop = new AtomicInteger();
        AtomicInteger onSharedLoop = new AtomicInteger();
        EventListener whereAnswersArrive = event -> {
            if (event.type() == Event.Type.RESPONSE_HEADERS_RECEIVED) {
                (drivesACallerLoop(Thread.currentThread()) ? onCallerLoop : onSharedLoop).incrementAndGet();
            }
        };
        try (TestServer plain = TestServer.start();
                TestServer tls = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(tls.trustManager())
                        .resolver(host -> List.of(InetAddress.getLoopbackAddress()))
                        .eventListener(whereAnswersArrive)
                        .build()) {
            String byName = "http://posthaste.test:" + plain.port();
            assertThat(session.get(byName + "/get").send().status()).isEqualTo(200);
            assertThat(session.post(plain.url("/post"))
                            .json(Map.of("k", "v"))
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(session.post(plain.url("/post"))
                            .files(Map.of("f", file))
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(session.post(tls.url("/post"))
                            .files(Map.of("f", file))
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(session.get(tls.url("/get")).send().status()).isEqualTo(200);
            plain.enqueue(MockResponse.builder()
                    .header("Content-Encoding", "gzip")
                    .body(gzip(new byte[1 << 20]))
                    .build());
            assertThat(session.get(plain.url("/gz")).send().bytes()).hasSize(1 << 20);
            assertThat(session.get(plain.url("/redirect/3")).send().history()).hasSize(3);
            session.get(byName + "/cookies/set?a=1").send();
            assertThat(session.get(byName + "/cookies").send().text()).contains("\"a\"");
            plain.enqueue(MockResponse.builder()
                    .body(new byte[2_000_000])
                    .chunked(65_536)
                    .build());
            try (StreamingResponse stream = session.get(plain.url("/big")).stream();
                    InputStream body = stream.body()) {
                assertThat(body.readAllBytes()).hasSize(2_000_000);
            }
            CompletableFuture<Response> async = session.get(tls.url("/delay/0")).sendAsync();
            assertThat(async.join().status()).isEqualTo(200);
            CompletableFuture<Response> asyncUpload =
                    session.post(plain.url("/post")).files(Map.of("f", file)).sendAsync();
            assertThat(asyncUpload.join().status()).isEqualTo(200);
        }
        // Both kinds of loop did the work above, so both were watched.
        assertThat(onCallerLoop.get())
                .as("answers read on this thread's own loop (send())")
                .isPositive();
        assertThat(onSharedLoop.get())
                .as("answers read on the shared loops (stream(), sendAsync())")
                .isPositive();
        assertThat(BLOCKING_CALLS).as("blocking calls on event loops").isEmpty();
    }
}
