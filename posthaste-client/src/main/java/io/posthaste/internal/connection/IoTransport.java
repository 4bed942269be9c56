package io.posthaste.internal.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import java.util.function.BooleanSupplier;

/**
 * The socket transports a session can run on, best first: epoll on Linux and kqueue on macOS
 * where their native library loads (from the platform's {@code netty-transport-native-*} jar),
 * NIO on the JDK's selectors everywhere else. Each makes the I/O handlers of the session's event
 * loops, and of the loops that callers drive themselves ({@link CallerLoop}), and the socket
 * channels for them.
 */
enum IoTransport {
    EPOLL,
    KQUEUE,
    NIO;

    /**
     * Returns the best transport whose native library loads here, or NIO if none does or
     * {@code nativeAllowed} is false. Netty's {@code -Dio.netty.transport.noNative=true} makes
     * every native library count as not loading.
     */
    static IoTransport pick(boolean nativeAllowed) {
        if (nativeAllowed && loads(Epoll::isAvailable)) {
            return EPOLL;
        }
        if (nativeAllowed && loads(KQueue::isAvailable)) {
            return KQUEUE;
        }
        return NIO;
    }

    /**
     * Returns what {@code available} says, or false if the transport's classes are missing: an
     * application that ships to Linux only may exclude netty-transport-classes-kqueue with the
     * macOS natives.
     */
    private static boolean loads(BooleanSupplier available) {
        try {
            return available.getAsBoolean();
        } catch (LinkageError classesExcluded) {
            return false;
        }
    }

    /** Returns whether this is a native transport (one whose channels are {@code UnixChannel}s). */
    boolean isNative() {
        return this != NIO;
    }

    /**
     * Returns whether a connection on this transport can ask the kernel whether the server has
     * closed it, before the loop reads the close ({@code TCP_INFO}; see
     * {@code Http1Connection#peerHasClosed}): epoll only.
     */
    boolean tellsPeerClose() {
        return this == EPOLL;
    }

    /** Returns a factory of this transport's I/O handlers, one per event loop. */
    IoHandlerFactory handlerFactory() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case KQUEUE -> KQueueIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /**
     * Returns a factory of I/O handlers for a loop that its caller drives itself: on NIO, one that
     * keeps the caller's interrupt for it to see ({@link InterruptKeepingIoHandler}).
     */
    IoHandlerFactory callerLoopHandlerFactory() {
        IoHandlerFactory handlers = handlerFactory();
        return this == NIO ? executor -> new InterruptKeepingIoHandler(handlers.newHandler(executor)) : handlers;
    }

    /**
     * Returns what makes this transport's Unix domain socket channels: NIO's wraps the JDK's
     * {@code UnixDomainSocketAddress} channels (Java 16+).
     */
    ChannelFactory<Channel> domainChannelFactory() {
        return switch (this) {
            case EPOLL -> EpollDomainSocketChannel::new;
            case KQUEUE -> KQueueDomainSocketChannel::new;
            case NIO -> NioDomainSocketChannel::new;
        };
    }

    /** Returns the class of this transport's UDP channels (for QUIC). */
    Class<? extends DatagramChannel> datagramChannelType() {
        return switch (this) {
            case EPOLL -> EpollDatagramChannel.class;
            case KQUEUE -> KQueueDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /** Returns what makes this transport's TCP channels. */
    ChannelFactory<SocketChannel> channelFactory() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel::new;
            case KQUEUE -> KQueueSocketChannel::new;
            case NIO -> ClosableNioSocketChannel::new;
        };
    }
}
