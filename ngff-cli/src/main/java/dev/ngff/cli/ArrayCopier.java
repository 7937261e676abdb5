package dev.ngff.cli;

import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ChunkTasks;

import java.io.IOException;

/**
 * Copies the elements of one array into another of the same shape and data type, block by block:
 * each block is whole target chunks (shards) aligned to the target grid, read from the source and
 * written to the target, with at most {@code workers} blocks in flight (fewer when large blocks
 * would not fit the heap).
 */
final class ArrayCopier {
    /** The block size to aim for. */
    static final long BLOCK_BYTES = 64L << 20;
    /** The largest unit aligned to both chunk grids that is used rather than the target chunk alone. */
    static final long MAX_ALIGNED_UNIT_BYTES = 256L << 20;

    private ArrayCopier() {
    }

    /** Copies every element of {@code src} into {@code dst}; {@code progress} hears of each block's bytes. */
    static void copy(ZarrArray src, ZarrArray dst, int workers, Progress progress) throws IOException {
        long[] shape = src.shape();
        int es = Sizes.elementBytes(src.dataType());
        long[] sourceChunks = sourceReadUnit(src);
        long[] unit = BlockPlan.alignedUnit(shape, dst.chunkShape(), sourceChunks, es, MAX_ALIGNED_UNIT_BYTES);
        BlockPlan plan = BlockPlan.of(shape, unit, es, BLOCK_BYTES);
        try (ChunkTasks runner = new ChunkTasks(MemoryBudget.workers(workers, plan.blockBytes(es)))) {
            for (long i = 0; i < plan.count(); i++) {
                long[] offset = plan.offset(i);
                long[] extent = plan.extent(offset);
                boolean started = runner.submit(() -> {
                    NdBuffer block = src.read(offset, extent);
                    dst.write(offset, block);
                    progress.step(block.isVariableLength() ? block.elementCount() * es : block.segment().byteSize());
                });
                if (!started) {
                    break;
                }
            }
            runner.await();
        }
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
