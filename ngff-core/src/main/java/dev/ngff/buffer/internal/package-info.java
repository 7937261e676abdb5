/** Internals of buffer allocation: large zero-reading memory from anonymous mappings (Linux). Not exported. */
package dev.ngff.buffer.internal;
