package dev.ngff.convert;

import dev.ngff.convert.internal.Sizes;
import java.util.Arrays;

/**
 * Splits an array into blocks made of whole units (target chunks or shards) aligned to the unit grid,
 * so that each block is written without read-modify-write. Small units are grouped into slabs of about
 * {@code targetBytes}: the innermost dimensions grow first, so a block is contiguous in C order.
 * Immutable.
 */
public final class BlockPlan {
    private final long[] shape;
    private final long[] block;
    private final long[] grid;
    private final long count;

    private BlockPlan(long[] shape, long[] block) {
        this.shape = shape.clone();
        this.block = block.clone();
        this.grid = new long[shape.length];
        long n = 1;
        for (int d = 0; d < shape.length; d++) {
            grid[d] = ceilDiv(shape[d], block[d]);
            n = Sizes.product(n, grid[d]); // saturates: a sparse huge grid is copied by listing, not by count
        }
        this.count = n;
    }

    /**
     * A plan for an array of {@code shape} written in units of {@code unit} elements.
     *
     * @param elementSize bytes per element
     * @param targetBytes the block size to aim for; a single unit may be larger
     */
    public static BlockPlan of(long[] shape, long[] unit, int elementSize, long targetBytes) {
        int rank = shape.length;
        long[] block = unit.clone();
        for (int d = rank - 1; d >= 0; d--) {
            long cap = Math.max(unit[d], ceilDiv(shape[d], unit[d]) * unit[d]);
            long bytes = elementSize;
            for (int k = 0; k < rank; k++) {
                bytes = saturatingMultiply(bytes, Math.max(1, Math.min(block[k], shape[k])));
            }
            long factor = Math.max(1, targetBytes / bytes);
            long grown = Math.min(cap, saturatingMultiply(unit[d], factor));
            block[d] = grown;
            if (grown < cap) {
                break;
            }
        }
        return new BlockPlan(shape, block);
    }

    /**
     * The unit to copy in when source and target grids differ: the per-dimension least common multiple
     * of both chunk shapes (so no source chunk is decoded twice), when that stays within
     * {@code maxBytes}; otherwise the target unit.
     */
    public static long[] alignedUnit(long[] shape, long[] target, long[] source, int elementSize, long maxBytes) {
        long[] lcm = new long[target.length];
        long bytes = elementSize;
        for (int d = 0; d < target.length; d++) {
            long cap = Math.max(target[d], ceilDiv(shape[d], target[d]) * target[d]);
            long l = target[d] / gcd(target[d], source[d]) * source[d];
            lcm[d] = Math.min(l, cap);
            if (lcm[d] % target[d] != 0) {
                return target.clone();
            }
            bytes = saturatingMultiply(bytes, Math.max(1, Math.min(lcm[d], shape[d])));
        }
        return bytes <= maxBytes ? lcm : target.clone();
    }

    /** The number of blocks, {@code Long.MAX_VALUE} when there are at least that many. */
    public long count() {
        return count;
    }

    /** Bytes of one whole block (edge blocks may be smaller). */
    public long blockBytes(int elementSize) {
        long n = elementSize;
        for (int d = 0; d < shape.length; d++) {
            n = Sizes.product(n, Math.min(block[d], Math.max(shape[d], 1)));
        }
        return n;
    }

    public long[] blockShape() {
        return block.clone();
    }

    /** The grid of blocks: how many along each dimension. */
    public long[] grid() {
        return grid.clone();
    }

    /** The offset of block {@code index} (C order over the block grid). */
    public long[] offset(long index) {
        long[] off = new long[shape.length];
        long rest = index;
        for (int d = shape.length - 1; d >= 0; d--) {
            off[d] = (rest % grid[d]) * block[d];
            rest /= grid[d];
        }
        return off;
    }

    /** The extent of the block at {@code offset}, clipped to the array. */
    public long[] extent(long[] offset) {
        long[] e = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            e[d] = Math.min(block[d], shape[d] - offset[d]);
        }
        return e;
    }

    public static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }

    private static long gcd(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return x;
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return "BlockPlan[shape=" + Arrays.toString(shape) + ", block=" + Arrays.toString(block) + ", count=" + count + "]";
    }
}
