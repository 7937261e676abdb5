package dev.ngff.cli;

/**
 * Caps how many blocks are in flight so that they fit the heap: each block in flight holds its
 * decoded data and, while it is encoded, about as much again, so {@code workers} blocks need roughly
 * {@code 3 * workers * blockBytes}.
 */
final class MemoryBudget {
    /** Copies of a block's bytes that one task may hold at its peak (decoded, encoded, merged). */
    private static final long COPIES_PER_BLOCK = 3;

    private MemoryBudget() {
    }

    /** The number of workers to use: at most {@code requested}, at least one. */
    static int workers(int requested, long blockBytes) {
        return workers(requested, blockBytes, Runtime.getRuntime().maxMemory());
    }

    static int workers(int requested, long blockBytes, long heapBytes) {
        long perWorker = Math.max(1, Sizes.product(blockBytes, COPIES_PER_BLOCK));
        long fit = (heapBytes / 2) / perWorker; // leave half of the heap to the library's own buffers
        return (int) Math.max(1, Math.min(requested, fit));
    }
}
