package io.posthaste;

import io.posthaste.internal.session.ReadPacing;

/**
 * {@link Http2HostileServerTest} on the paced path: the connection holds its next read after every
 * read that leaves a stream waiting, as a busy one does in a trickle of small reads. An attack
 * must end the same way, within the same bound, with reads held around it.
 */
class Http2HostileServerOnPacedReadsTest extends Http2HostileServerTest {

    @Override
    ClientSession.Builder http2(ClientSession.Builder builder) {
        return super.http2(builder).http2ReadPacing(ReadPacing.EVERY_READ);
    }
}
