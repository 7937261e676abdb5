/**
 * The chunk cache: one byte budget of decoded chunks, decoded inner chunks and shard indexes, shared by
 * every array handle of an {@link dev.ngff.exec.ExecutionContext} ({@link dev.ngff.cache.ChunkCache}),
 * with its keys ({@link dev.ngff.cache.CacheKey}) and counters ({@link dev.ngff.cache.CacheStats}).
 */
package dev.ngff.cache;
