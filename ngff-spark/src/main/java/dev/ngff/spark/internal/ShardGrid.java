package dev.ngff.spark.internal;

/** The grid of an array's stored chunks (shards when sharded), indexed in C order. Pure functions. */
public final class ShardGrid {
    private ShardGrid() {
    }

    /** How many shards cover {@code shape} in shards of {@code shard}, saturating at {@link Long#MAX_VALUE}. */
    public static long count(long[] shape, long[] shard) {
        long n = 1;
        for (int d = 0; d < shape.length; d++) {
            long g = shape[d] == 0 ? 0 : (shape[d] + shard[d] - 1) / shard[d];
            if (g == 0) {
                return 0;
            }
            n = n > Long.MAX_VALUE / g ? Long.MAX_VALUE : n * g;
        }
        return n;
    }

    /** The grid coordinates of shard {@code index}. */
    public static long[] coords(long[] shape, long[] shard, long index) {
        int rank = shape.length;
        long[] c = new long[rank];
        long rest = index;
        for (int d = rank - 1; d >= 0; d--) {
            long g = (shape[d] + shard[d] - 1) / shard[d];
            c[d] = rest % g;
            rest /= g;
        }
        return c;
    }
}
