package io.posthaste.examples;

import io.posthaste.ClientSession;
import io.posthaste.Response;
import java.nio.ByteBuffer;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The README's reactive streaming example as compiled code: a download read as a Reactor
 * {@code Flux} and an upload taken from one, each adapted in one line from and to
 * {@code java.util.concurrent.Flow}. It lives with the tests because Reactor is a test dependency
 * of this module only; the lines between the {@code snippet} markers are the README's, word for
 * word ({@code ReactiveStreamingExampleTest} checks it).
 */
final class ReactiveStreamingExample {

    private ReactiveStreamingExample() {
    }

    /** What the example did: the bytes it downloaded, and the upload's response. */
    record Outcome(long downloaded, Response uploaded) {
    }

    /** Counts the bytes of {@code downloadUrl}'s body, then uploads 1 MiB to {@code uploadUrl}. */
    static Outcome run(ClientSession session, String downloadUrl, String uploadUrl) {
        // snippet: reactive
        Flux<ByteBuffer> body = Mono.fromFuture(session.get(downloadUrl).streamAsync())
                .flatMapMany(response -> JdkFlowAdapter.flowPublisherToFlux(response.publisher()));
        long downloaded = body.map(ByteBuffer::remaining).reduce(0L, (sum, n) -> sum + n).block();

        Flux<ByteBuffer> chunks = Flux.range(0, 64).map(i -> ByteBuffer.wrap(new byte[16 * 1024]));
        Response uploaded = session.post(uploadUrl)
                .body(JdkFlowAdapter.publisherToFlowPublisher(chunks), "application/octet-stream")
                .send();
        // end snippet
        return new Outcome(downloaded, uploaded);
    }
}
