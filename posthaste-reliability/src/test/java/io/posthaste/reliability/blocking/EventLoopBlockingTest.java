package io.posthaste.reliability.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.ServiceLoader;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * No blocking call ever runs on one of the client's I/O threads ({@code posthaste-io-*}):
 * BlockHound instruments the JDK's blocking methods (sleeping, waiting, file and socket I/O) and
 * records every call made on an event loop while the client does its whole range of work — plain
 * and TLS requests, file uploads, compressed answers, redirects, cookies, name look-ups, streamed
 * reads, async calls. A blocking call there would stall every connection on that loop.
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
                .allowBlockingCallsInside("io.posthaste.internal.netty.ResponseBodyStream", "offer")
                .allowBlockingCallsInside("io.posthaste.internal.netty.ResponseBodyStream", "end")
                .allowBlockingCallsInside("io.posthaste.internal.netty.ResponseBodyStream", "fail")
                // Record rather than throw, so one run lists every offence with its stack.
                .blockingMethodCallback(method -> {
                    String thread = Thread.currentThread().getName();
                    if (thread.startsWith("posthaste-io")) {
                        BLOCKING_CALLS.add(thread + ": " + method + "\n" + stack());
                    }
                })
                .install();
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
            }).get();
        } finally {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertThat(BLOCKING_CALLS).anySatisfy(call -> assertThat(call).startsWith("posthaste-io-probe")
                .contains("sleep"));
        BLOCKING_CALLS.removeIf(call -> call.startsWith("posthaste-io-probe"));
    }

    @Test
    void theClientNeverBlocksAnIoThread() throws Exception {
        Path file = Files.write(dir.resolve("upload.bin"), new byte[3 << 20]);
        try (TestServer plain = TestServer.start();
                TestServer tls = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder().trustManager(tls.trustManager())
                        .resolver(host -> List.of(InetAddress.getLoopbackAddress())).build()) {
            String byName = "http://posthaste.test:" + plain.port();
            assertThat(session.get(byName + "/get").send().status()).isEqualTo(200);
            assertThat(session.post(plain.url("/post")).json(Map.of("k", "v")).send().status()).isEqualTo(200);
            assertThat(session.post(plain.url("/post")).files(Map.of("f", file)).send().status()).isEqualTo(200);
            assertThat(session.post(tls.url("/post")).files(Map.of("f", file)).send().status()).isEqualTo(200);
            assertThat(session.get(tls.url("/get")).send().status()).isEqualTo(200);
            plain.enqueue(MockResponse.builder().header("Content-Encoding", "gzip")
                    .body(gzip(new byte[1 << 20])).build());
            assertThat(session.get(plain.url("/gz")).send().bytes()).hasSize(1 << 20);
            assertThat(session.get(plain.url("/redirect/3")).send().history()).hasSize(3);
            session.get(byName + "/cookies/set?a=1").send();
            assertThat(session.get(byName + "/cookies").send().text()).contains("\"a\"");
            plain.enqueue(MockResponse.builder().body(new byte[2_000_000]).chunked(65_536).build());
            try (StreamingResponse stream = session.get(plain.url("/big")).stream();
                    InputStream body = stream.body()) {
                assertThat(body.readAllBytes()).hasSize(2_000_000);
            }
            CompletableFuture<Response> async = session.get(tls.url("/delay/0")).sendAsync();
            assertThat(async.join().status()).isEqualTo(200);
        }
        assertThat(BLOCKING_CALLS).as("blocking calls on posthaste-io threads").isEmpty();
    }
}
