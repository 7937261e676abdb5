package dev.ngff.bench.array;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.bench.Layout;
import dev.ngff.bench.TempDirs;
import dev.ngff.bench.Volumes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A cube array of one layout written to a scratch directory with the noisy volume, for the macro
 * benchmarks: edge {@link #EDGE} (32 MiB of uint16), chunks (or shards) of {@link #CHUNK}, inner chunks
 * of {@link #INNER} - the zarr_benchmarks proportions (1024/256/64) scaled down by four.
 */
final class ArrayFixture implements AutoCloseable {
    static final long EDGE = 256;
    static final long CHUNK = 128;
    static final long INNER = 32;

    final Path dir;
    final ExecutionContext ctx;
    final FileSystemStore store;
    final ZarrArray array;
    final NdBuffer expected;

    private ArrayFixture(Path dir, ExecutionContext ctx, FileSystemStore store, ZarrArray array, NdBuffer expected) {
        this.dir = dir;
        this.ctx = ctx;
        this.store = store;
        this.array = array;
        this.expected = expected;
    }

    /** Writes the array and re-opens it, as a reader would. */
    static ArrayFixture create(Layout layout) throws IOException {
        Path dir = TempDirs.create("ngff-bench-array");
        ExecutionContext ctx = ExecutionContext.create();
        FileSystemStore store = FileSystemStore.open(dir);
        NdBuffer data = Volumes.NOISY.block(EDGE, EDGE, EDGE);
        Zarr.createArray(store, Key.ROOT, layout.metadata(EDGE, CHUNK, INNER), ctx).write(data);
        ZarrArray array = Zarr.openArray(store, Key.ROOT, ctx);
        if (!array.read().contentEquals(data)) {
            throw new IllegalStateException(layout + " fixture does not read back what was written");
        }
        return new ArrayFixture(dir, ctx, store, array, data);
    }

    @Override
    public void close() throws IOException {
        store.close();
        ctx.close();
        TempDirs.delete(dir);
    }
}
