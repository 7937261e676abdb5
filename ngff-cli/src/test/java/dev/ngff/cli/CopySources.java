package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small hierarchies for the crash and concurrency tests: a root group, a uint16 array, a nested group with a uint8 mask. */
final class CopySources {
    /** Target options that make many small blocks of whole shards (so a kill lands between blocks). */
    static final String[] OPTIONS = {"--chunks", "4,16,16", "--shards", "8,32,32", "--block-bytes", "16384", "--workers", "2"};

    private CopySources() {
    }

    /** Writes the hierarchy at {@code dir}; {@code seed} picks the values, {@code depth} the first extent. */
    static void hierarchy(Path dir, long seed, int depth, int size) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore s = FileSystemStore.open(dir)) {
            ZarrArray raw = Zarr.newArray(s, Key.of("raw"), ArrayMetadata.builder(DataType.UINT16, depth, size, size)
                    .chunks(8, 32, 32).codecs(Codecs.bytes("little"), Codecs.gzip(1)).build(), ctx);
            NdBuffer data = NdBuffer.allocate(DataType.UINT16, raw.shape());
            for (long i = 0; i < data.elementCount(); i++) {
                data.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) (r.nextInt(64) * (i % 7)));
            }
            raw.write(data);
            raw.publish();
            ZarrArray mask = Zarr.newArray(s, Key.of("labels/mask"), ArrayMetadata.builder(DataType.UINT8, depth, size, size)
                    .chunks(8, 64, 64).build(), ctx);
            NdBuffer m = NdBuffer.allocate(DataType.UINT8, mask.shape());
            for (long i = 0; i < m.elementCount(); i++) {
                m.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (r.nextInt(3) == 0 ? 0 : r.nextInt(4)));
            }
            mask.write(m);
            mask.publish();
            var attrs = Json.object();
            attrs.put("seed", seed);
            Zarr.createGroup(s, Key.of("labels"), GroupMetadata.of(3, Json.object()), ctx);
            Zarr.createGroup(s, Key.ROOT, GroupMetadata.of(3, attrs), ctx);
        }
    }
}
