package dev.ngff.write;

import dev.ngff.store.ObjectUpload;

import java.util.Arrays;

/**
 * A shard on its way to the store as one streamed upload: its inner chunks go into the upload in C
 * order as soon as they and all before them are complete, and the index follows them at the end.
 * {@link #cursor}, {@link #offset} and {@link #entries} are guarded by the pending shard's lock (they
 * advance when units are handed over); the upload itself and {@link #held} are used only by the
 * shard's chain of background tasks, one at a time and in order.
 */
final class ShardStream {
    final ObjectUpload upload;
    /** Per inner chunk in C order its offset and length in the shard, -1 and -1 while not stored. */
    final long[] entries;
    /** The next inner chunk (linear index) to hand to the upload; every one before it has been handed over. */
    int cursor;
    /** Bytes handed over so far: the offset of the next stored inner chunk. */
    long offset;
    /** Bytes the upload holds that count against the writer's budget (read by eviction without the lock). */
    volatile long held;
    /** Set when an append failed: the upload is aborted and the shard is not written. */
    volatile boolean failed;

    ShardStream(ObjectUpload upload, int units) {
        this.upload = upload;
        this.entries = new long[2 * units];
        Arrays.fill(entries, -1L);
    }
}
