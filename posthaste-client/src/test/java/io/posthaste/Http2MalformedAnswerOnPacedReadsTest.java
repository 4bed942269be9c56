package io.posthaste;

import io.posthaste.internal.session.ReadPacing;

/**
 * {@link Http2MalformedAnswerTest} on the paced path: the connection holds its next read after
 * every read that leaves a stream waiting, as a busy one does in a trickle of small reads. Each
 * malformed answer must fail its call the same way, as promptly.
 */
class Http2MalformedAnswerOnPacedReadsTest extends Http2MalformedAnswerTest {

    @Override
    ClientSession.Builder http2(ClientSession.Builder builder) {
        return super.http2(builder).http2ReadPacing(ReadPacing.EVERY_READ);
    }
}
