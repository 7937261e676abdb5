package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.Durability;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * A plane-by-plane sharded writer for the crash harness, run in its own JVM: appends {@code planes}
 * uint16 planes of {@code size x size} to a 3-D sharded array through {@link ZarrArray#write}, one plane
 * at a time, and publishes the grown extent after each shard-row of planes (the append protocol:
 * {@link ZarrArray#extendTo}, write, {@link ZarrArray#publish(Durability)} with {@code COMMIT}). Element values are
 * {@link #value}, so a reader can check any plane without the writer.
 *
 * <p>Arguments: directory, planes, size, shard depth.
 */
public final class PlaneWriterMain {
    private PlaneWriterMain() {
    }

    /** The value of element (z, y, x). */
    static short value(long z, long y, long x) {
        return (short) (z * 131 + y * 7 + x * 3 + (z * y) % 11);
    }

    /** The array's metadata: empty at first, shards of {@code depth x size x size}, inner chunks of one quarter plane. */
    static ArrayMetadata metadata(int size, int depth) {
        return ArrayMetadata.builder(DataType.UINT16, 0, size, size).chunks(depth, size, size)
                .codecs(Codecs.sharding(new long[]{1, size / 2, size / 2}, List.of(Codecs.bytes("little"), Codecs.gzip(1)),
                        Codecs.defaultShardIndexCodecs(), true))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int planes = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        int depth = Integer.parseInt(args[3]);
        try (ExecutionContext ctx = ExecutionContext.create();
             FileSystemStore store = FileSystemStore.open(dir)) {
            ZarrArray array = Zarr.newArray(store, Key.ROOT, metadata(size, depth), ctx).publish();
            for (int z0 = 0; z0 < planes; z0 += depth) {
                int rows = Math.min(depth, planes - z0);
                ZarrArray grown = array.extendTo(z0 + rows, size, size);
                for (int z = z0; z < z0 + rows; z++) {
                    grown.write(new long[]{z, 0, 0}, plane(z, size));
                }
                array = grown.publish(Durability.COMMIT); // data durable before the extent that claims it
            }
        }
        System.out.println("wrote " + planes + " planes");
    }

    static NdBuffer plane(long z, int size) {
        NdBuffer p = NdBuffer.allocate(DataType.UINT16, new long[]{1, size, size});
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                p.segment().setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), (long) y * size + x, value(z, y, x));
            }
        }
        return p;
    }
}
