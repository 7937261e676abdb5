package dev.ngff.convert;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.CodecText;
import dev.ngff.convert.internal.ArrayLayout;
import dev.ngff.convert.internal.MemoryBudget;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.store.Key;
import dev.ngff.store.ListableStore;
import dev.ngff.write.BlockJournal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Copies the elements of one array into another of the same shape and data type, block by block:
 * each block is whole target chunks (shards) aligned to the target grid, read from the source and
 * written to the target, with at most {@code workers} blocks in flight (fewer when large blocks
 * would not fit the heap). Each finished block is recorded in a {@link BlockJournal}; blocks the
 * journal verifies are skipped (a resumed copy). When the block grid is much larger than what the
 * source stores (a sparse array of shape [2^62, 2^62, 2^62]), the blocks come from a listing of the
 * source's stored chunks instead of the grid.
 */
public final class ArrayCopier {
    /** The block size to aim for. */
    public static final long BLOCK_BYTES = 64L << 20;
    /** The largest unit aligned to both chunk grids that is used rather than the target chunk alone. */
    public static final long MAX_ALIGNED_UNIT_BYTES = 256L << 20;
    /** Block grids up to this many blocks are visited; larger ones are copied from a listing when the source can list. */
    public static final long MAX_VISITED_BLOCKS = 1L << 16;

    private ArrayCopier() {
    }

    /** What one array's copy did. */
    public record Outcome(long blocks, long skipped, boolean cancelled) {
    }

    /**
     * Copies every element of {@code src} into {@code dst}; {@code progress} hears of each block's
     * bytes. Stops submitting blocks once {@code cancelled} says so (the blocks in flight finish).
     *
     * @param blockBytes the block size to aim for ({@link #BLOCK_BYTES} by default)
     * @param unit       the journal's name for this array
     */
    public static Outcome copy(ZarrArray src, ZarrArray dst, int workers, long blockBytes, java.util.function.LongConsumer progress, BlockJournal journal, String unit,
                        BooleanSupplier cancelled) throws IOException {
        Blocks blocks = blocks(src, dst, blockBytes);
        long count = blocks.count();
        int es = Sizes.elementBytes(src.dataType());
        AtomicLong skipped = new AtomicLong();
        long submitted = 0;
        try (ChunkTasks runner = new ChunkTasks(MemoryBudget.workers(workers, blocks.plan().blockBytes(es)))) {
            for (long i = 0; i < count; i++) {
                if (cancelled.getAsBoolean()) {
                    break;
                }
                long index = i;
                boolean started = runner.submit(() -> {
                    long bytes = copyBlock(src, dst, blocks, index, journal, unit);
                    if (bytes < 0) {
                        skipped.incrementAndGet();
                        progress.accept(Sizes.product(es, elements(blocks.extent(blocks.offset(index)))));
                    } else {
                        progress.accept(bytes);
                    }
                });
                if (!started) {
                    break;
                }
                submitted++;
            }
            runner.await();
        }
        return new Outcome(count, skipped.get(), submitted < count);
    }

    /**
     * The blocks of a copy: whole target chunks (shards) aligned to the target grid, numbered in C order over
     * the block grid, or (for a grid far larger than what a listable source stores) the blocks that hold a
     * stored source chunk, in C order. The numbers are the copy's journal blocks: the same source, target
     * layout and {@code blockBytes} give the same numbering on every machine. Immutable.
     *
     * @param plan   the block grid
     * @param stored the offsets of the blocks to visit when they come from a listing, else null
     */
    public record Blocks(BlockPlan plan, List<long[]> stored) {
        public Blocks {
            stored = stored == null ? null : List.copyOf(stored);
        }

        /** How many blocks there are. */
        public long count() {
            return stored != null ? stored.size() : plan.count();
        }

        /** The offset of block {@code index}. */
        public long[] offset(long index) {
            return stored != null ? stored.get(Math.toIntExact(index)).clone() : plan.offset(index);
        }

        /** The extent of the block at {@code offset}, clipped to the array. */
        public long[] extent(long[] offset) {
            return plan.extent(offset);
        }
    }

    /**
     * The blocks in which {@code src} is copied into {@code dst}.
     *
     * @throws dev.ngff.error.StoreException the grid has at least 2^63 blocks and the source cannot list its chunks
     */
    public static Blocks blocks(ZarrArray src, ZarrArray dst, long blockBytes) throws IOException {
        long[] shape = src.shape();
        int es = Sizes.elementBytes(src.dataType());
        long[] sourceChunks = sourceReadUnit(src);
        long[] alignedUnit = BlockPlan.alignedUnit(shape, dst.chunkShape(), sourceChunks, es, MAX_ALIGNED_UNIT_BYTES);
        BlockPlan plan = BlockPlan.of(shape, alignedUnit, es, blockBytes);
        Optional<List<long[]>> sparse = Optional.empty();
        if (plan.count() > MAX_VISITED_BLOCKS) {
            BlockPlan unitPlan = BlockPlan.of(shape, dst.chunkShape(), es, 0); // one target chunk per block
            sparse = storedBlocks(src, unitPlan);
            if (sparse.isPresent()) {
                plan = unitPlan;
            }
        }
        if (sparse.isEmpty() && plan.count() == Long.MAX_VALUE) {
            throw new dev.ngff.error.StoreException(src.store().describe() + " array '" + (src.path().isRoot() ? "/" : src.path().path()) + "' of shape "
                    + CodecText.shape(shape) + " has at least 2^63 blocks to visit, and its store cannot list the chunks "
                    + "it holds; copy it from a store that can list (a directory, a zip, S3)");
        }
        return new Blocks(plan, sparse.orElse(null));
    }

    /**
     * Copies block {@code index} of {@code blocks} unless {@code journal} verifies it under {@code unit}, and
     * records it there when written. Each of the block's target chunks (shards) is written whole, as one object
     * (atomically where the store writes atomically), with bytes that depend only on the source's elements: a
     * retried or duplicated copy of a block writes the same bytes. Thread-safe for distinct blocks.
     *
     * @return the uncompressed bytes written, or -1 when the journal verified the block (nothing was written)
     */
    public static long copyBlock(ZarrArray src, ZarrArray dst, Blocks blocks, long index, BlockJournal journal,
                                 String unit) throws IOException {
        if (journal.verified(unit, index)) {
            return -1;
        }
        long[] offset = blocks.offset(index);
        long[] extent = blocks.extent(offset);
        NdBuffer block = src.read(offset, extent);
        dst.write(offset, block);
        journal.record(unit, index, chunkKeys(dst, offset, extent));
        return block.isVariableLength() ? block.elementCount() * Sizes.elementBytes(src.dataType())
                : block.segment().byteSize();
    }

    /** The keys of the target chunks (shards) that make up the block at {@code offset}. */
    public static List<Key> chunkKeys(ZarrArray dst, long[] offset, long[] extent) {
        int rank = offset.length;
        long[] cs = dst.chunkShape();
        long[] lo = new long[rank];
        long[] hi = new long[rank];
        for (int d = 0; d < rank; d++) {
            if (extent[d] == 0) {
                return List.of();
            }
            lo[d] = offset[d] / cs[d];
            hi[d] = (offset[d] + extent[d] - 1) / cs[d];
        }
        List<Key> keys = new ArrayList<>();
        long[] c = lo.clone();
        while (true) {
            keys.add(dst.chunkKey(c));
            int d = rank - 1;
            while (d >= 0 && ++c[d] > hi[d]) {
                c[d] = lo[d];
                d--;
            }
            if (d < 0) {
                return keys;
            }
        }
    }

    /**
     * The blocks of {@code plan} (one target chunk each) that hold a stored source chunk, in C order,
     * from a listing of the source; empty when the source cannot list or stores so much that the grid
     * is the shorter way.
     */
    private static Optional<List<long[]>> storedBlocks(ZarrArray src, BlockPlan plan) throws IOException {
        if (!(src.store() instanceof ListableStore ls)) {
            return Optional.empty();
        }
        int rank = src.rank();
        long[] shape = src.shape();
        long[] chunk = src.chunkShape();
        long[] block = plan.blockShape();
        TreeSet<long[]> out = new TreeSet<>(Arrays::compare);
        for (Key k : ls.list(src.path())) {
            Optional<long[]> c = src.metadata().chunkKeyEncoding().decode(k.relativeTo(src.path()).path(), rank);
            if (c.isEmpty()) {
                continue;
            }
            long[] lo = new long[rank];
            long[] hi = new long[rank];
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                long first = Sizes.product(c.get()[d], chunk[d]);
                if (first >= shape[d]) {
                    inside = false; // a stored chunk outside the shape (left by a shrink) holds nothing to copy
                    break;
                }
                long last = Math.min(shape[d], first > Long.MAX_VALUE - chunk[d] ? Long.MAX_VALUE : first + chunk[d]) - 1;
                lo[d] = first / block[d];
                hi[d] = last / block[d];
            }
            if (!inside) {
                continue;
            }
            long[] b = lo.clone();
            while (true) {
                long[] offset = new long[rank];
                for (int d = 0; d < rank; d++) {
                    offset[d] = b[d] * block[d];
                }
                out.add(offset);
                if (out.size() >= plan.count()) {
                    return Optional.empty();
                }
                int d = rank - 1;
                while (d >= 0 && ++b[d] > hi[d]) {
                    b[d] = lo[d];
                    d--;
                }
                if (d < 0) {
                    break;
                }
            }
        }
        return Optional.of(new ArrayList<>(out));
    }

    private static long elements(long[] extent) {
        long n = 1;
        for (long e : extent) {
            n = Sizes.product(n, e);
        }
        return n;
    }

    /** The unit the source decodes: inner chunks of a sharded array, else its chunks. */
    private static long[] sourceReadUnit(ZarrArray src) {
        try {
            return ArrayLayout.of(src.metadata(), src.store().describe() + " '/" + src.path() + "'").chunkShape();
        } catch (InvalidMetadataException e) {
            return src.chunkShape();
        }
    }
}
