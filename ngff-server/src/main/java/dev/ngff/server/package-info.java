/**
 * A read-only HTTP server for viewers: {@link dev.ngff.server.NgffServer} serves one or more
 * {@link dev.ngff.server.Dataset}s, each a {@link dev.ngff.store.ReadableStore}, under
 * {@code /NAME/KEY}, as configured by {@link dev.ngff.server.ServerConfig}. See docs/serve.md for the
 * HTTP rules it follows.
 */
package dev.ngff.server;
