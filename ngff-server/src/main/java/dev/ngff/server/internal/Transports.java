package dev.ngff.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.Locale;

/**
 * The event-loop transport: io_uring where its native library loads and the kernel allows rings (Linux,
 * with the optional netty-transport-native-io_uring jar present), else epoll where that loads, else NIO.
 * The system property {@code ngff.serve.transport} ({@code io_uring}, {@code epoll} or {@code nio}) asks
 * for one; a native transport asked for but unavailable falls back down the same order. The optional
 * jars are touched only after their availability check succeeded, so a missing jar means "not available".
 */
public enum Transports {
    IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    private final String label;

    Transports(String label) {
        this.label = label;
    }

    /** The transport's name as printed: "io_uring", "epoll" or "nio". */
    public String label() {
        return label;
    }

    /** The transport to use now, following {@code ngff.serve.transport} and what loads. */
    public static Transports pick() {
        String asked = System.getProperty("ngff.serve.transport", "").toLowerCase(Locale.ROOT);
        if (asked.equals("nio")) {
            return NIO;
        }
        if (!asked.equals("epoll") && ioUringAvailable()) {
            return IO_URING;
        }
        return epollAvailable() ? EPOLL : NIO;
    }

    static boolean ioUringAvailable() {
        try {
            return io.netty.channel.uring.IoUring.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional jar is absent
        }
    }

    static boolean epollAvailable() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional jar is absent
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> io.netty.channel.uring.IoUringIoHandler.newFactory(
                    new io.netty.channel.uring.IoUringIoHandlerConfig().setRingSize(ringSize()));
            case EPOLL -> io.netty.channel.epoll.EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** Submission-queue entries per io_uring ring, unless {@code io.netty.iouring.ringSize} names another count. */
    static final int RING_SIZE = 1024;

    /**
     * Netty's default ring (128 entries) fills when an event loop has a few hundred connections with a read and a
     * write each in flight, and every full ring costs an extra {@code io_uring_enter}: at 256 connections of random
     * chunk GETs 1,024 entries served 6-16% more requests a second (ngff-bench/results/serve.md, 2026-12-07).
     */
    private static int ringSize() {
        return Integer.getInteger("io.netty.iouring.ringSize", RING_SIZE);
    }

    /**
     * Level-triggered epoll: a connection whose request arrived in one read is not read again until it
     * says more (edge-triggered reads on until the socket is empty, one more system call per request).
     */
    void tune(ServerBootstrap b) {
        if (this == EPOLL) {
            b.childOption(io.netty.channel.epoll.EpollChannelOption.EPOLL_MODE, io.netty.channel.epoll.EpollMode.LEVEL_TRIGGERED);
        }
    }

    Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> io.netty.channel.uring.IoUringServerSocketChannel.class;
            case EPOLL -> io.netty.channel.epoll.EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }
}
