package dev.ngff.convert.internal;

/**
 * Caps how many blocks are in flight so that they fit the heap: each block in flight holds its
 * decoded data and, while it is encoded, about as much again, so {@code workers} blocks need roughly
 * {@code 3 * workers * blockBytes}.
 */
public final class MemoryBudget {
    /** Copies of a block's bytes that one task may hold at its peak (decoded, encoded, merged). */
    public static final long COPIES_PER_BLOCK = 3;

    private MemoryBudget() {
    }

    /** The number of workers to use: at most {@code requested}, at least one. */
    public static int workers(int requested, long blockBytes) {
        return workers(requested, blockBytes, Runtime.getRuntime().maxMemory());
    }

    /** The smallest {@code --memory} accepted. */
    public static final long MINIMUM = 32L << 20;

    /**
     * A {@code --memory} value: bytes, or a number with k, m, g or t (powers of 1024; {@code 512m}, {@code 1.5g},
     * {@code 2GiB} and {@code 2GB} alike).
     *
     * @throws IllegalArgumentException not a size, or below {@link #MINIMUM}
     */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace("ib", "").replace("b", "");
        long unit = 1;
        if (!t.isEmpty()) {
            int shift = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            if (shift > 0) {
                unit = 1L << shift;
                t = t.substring(0, t.length() - 1).trim();
            }
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || v * unit >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is not a size (512m, 2g, 1073741824)");
        }
        long bytes = (long) (v * unit);
        if (bytes < MINIMUM) {
            throw new IllegalArgumentException(Sizes.bytes(bytes) + " is below the minimum of " + Sizes.bytes(MINIMUM));
        }
        return bytes;
    }

    /**
     * A pyramid pass's share of a budget: level-0 blocks in flight and the level writers' buffers together.
     *
     * @param blocksInFlight level-0 blocks read, decoded and reduced at once
     * @param writerBytes    the budget of the shard write buffers of all levels together
     */
    public record PassShare(int blocksInFlight, long writerBytes) {
    }

    /**
     * Shares {@code budget} between a pass's blocks in flight (each holds about {@value #COPIES_PER_BLOCK} copies of
     * a level-0 block: the box being filled, the compressed file run it is read from, the reduced levels) and the
     * writers' buffers (the rest, at least half of it).
     *
     * @param requested  blocks in flight wanted (the workers)
     * @param blockBytes bytes of one level-0 block ({@code PyramidWriter.levelZeroBlockShape})
     * @throws IllegalArgumentException when one block in flight and a writer buffer of as much do not fit
     */
    public static PassShare pass(long budget, int requested, long blockBytes) {
        long perBlock = Sizes.product(blockBytes, COPIES_PER_BLOCK);
        long minimum = Sizes.product(blockBytes, COPIES_PER_BLOCK + 1);
        if (budget < minimum) {
            throw new IllegalArgumentException(Sizes.bytes(budget) + " does not hold one level-0 block of "
                    + Sizes.bytes(blockBytes) + " in flight (" + COPIES_PER_BLOCK + " copies) and a write buffer of "
                    + "as much: give at least " + Sizes.bytes(minimum) + " or smaller --chunks/--shards");
        }
        int blocks = (int) Math.max(1, Math.min(requested, (budget / 2) / perBlock));
        return new PassShare(blocks, budget - blocks * perBlock);
    }

    public static int workers(int requested, long blockBytes, long heapBytes) {
        long perWorker = Math.max(1, Sizes.product(blockBytes, COPIES_PER_BLOCK));
        long fit = (heapBytes / 2) / perWorker; // leave half of the heap to the library's own buffers
        return (int) Math.max(1, Math.min(requested, fit));
    }
}
