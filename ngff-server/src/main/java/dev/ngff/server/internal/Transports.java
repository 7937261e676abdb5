package dev.ngff.server.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The event-loop transport: epoll where its native library loads (Linux, with the optional
 * netty-transport-native-epoll jar present), NIO otherwise. Set the system property
 * {@code ngff.serve.transport=nio} to force NIO.
 */
public final class Transports {
    private Transports() {
    }

    /** True if the epoll transport is used. */
    public static boolean epoll() {
        if ("nio".equals(System.getProperty("ngff.serve.transport"))) {
            return false;
        }
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional jar is absent
        }
    }

    static IoHandlerFactory ioHandlerFactory(boolean epoll) {
        return epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * Level-triggered epoll: a connection whose request arrived in one read is not read again until it
     * says more (edge-triggered reads on until the socket is empty, one more system call per request).
     */
    static void tune(io.netty.bootstrap.ServerBootstrap b, boolean epoll) {
        if (epoll) {
            b.childOption(io.netty.channel.epoll.EpollChannelOption.EPOLL_MODE, io.netty.channel.epoll.EpollMode.LEVEL_TRIGGERED);
        }
    }

    static Class<? extends ServerChannel> serverChannel(boolean epoll) {
        return epoll ? io.netty.channel.epoll.EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
