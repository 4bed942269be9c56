package io.posthaste;

/**
 * Every {@link CallerDrivenIoTest} again on the NIO transport, the one a JVM without Netty's
 * native libraries gets (Windows, or the natives excluded): {@code send()} still does its I/O on
 * the calling thread there.
 */
class CallerDrivenIoOnNioTest extends CallerDrivenIoTest {

    @Override
    boolean nativeTransport() {
        return false;
    }
}
