package dev.ngff.cache;

/**
 * A snapshot of a {@link ChunkCache}'s counters since it was created. Counters are read one after
 * another while other threads may be using the cache, so they need not add up exactly.
 *
 * @param hits          lookups that found a usable entry
 * @param misses        lookups that found none (or only one older than the asking handle)
 * @param puts          entries admitted
 * @param rejected      entries not admitted: larger than a segment's budget, or read before a write
 *                      that invalidated their object
 * @param evictions     entries dropped to make room (not counting invalidations)
 * @param invalidations entries dropped because their object was written or deleted
 * @param entries       entries held now
 * @param bytes         bytes held now, by the cache's own weighing (see {@link ChunkCache})
 * @param maxBytes      the budget
 */
public record CacheStats(long hits, long misses, long puts, long rejected, long evictions, long invalidations,
                         long entries, long bytes, long maxBytes) {
}
