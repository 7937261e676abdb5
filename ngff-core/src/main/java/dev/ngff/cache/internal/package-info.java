/** Internals of the chunk cache: one lock-guarded LRU segment. Not exported. */
package dev.ngff.cache.internal;
