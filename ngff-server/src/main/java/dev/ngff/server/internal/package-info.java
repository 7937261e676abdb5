/** The server's request handling, HTTP rules and object sources; not API. */
package dev.ngff.server.internal;
