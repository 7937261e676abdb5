/**
 * {@code ngff serve}: a read-only HTTP server on Netty that serves Zarr and OME-Zarr stores (directories,
 * zip files, S3 prefixes) to viewers, with ranges, validators, CORS and bounded memory.
 */
module dev.ngff.server {
    requires transitive dev.ngff.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires java.management;
    requires jdk.management;
    requires static io.netty.transport.classes.epoll;
    requires static io.netty.transport.classes.io_uring;

    exports dev.ngff.server;
}
