package dev.ngff.cli;

import dev.ngff.convert.BlockPlan;
import dev.ngff.convert.internal.Sizes;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * {@code --verify}: reads each written array and its source block by block (whole target chunks or shards, one
 * block of each side in memory at a time) and compares the CRC-32C of every block. The first block that differs,
 * or that cannot be read, ends the check with one line naming the target, the array and the block's box.
 */
final class LevelVerifier {
    private LevelVerifier() {
    }

    /** One array to check: {@code path} in the target against {@code source}. */
    record Check(Key path, LevelSource source) {
    }

    /** What a finished check found: the arrays, blocks and bytes compared and a digest over all block CRCs. */
    record Outcome(int arrays, long blocks, long bytes, long digest) {
    }

    /**
     * Compares every array of {@code checks}.
     *
     * @param blockBytes the block size to aim for (at least one target chunk or shard is read at a time)
     * @throws CorruptDataException at the first block whose values differ from the source's or do not decode
     */
    static Outcome verify(ReadableStore target, List<Check> checks, long blockBytes, ExecutionContext ctx)
            throws IOException {
        long blocks = 0;
        long bytes = 0;
        CRC32C all = new CRC32C();
        for (Check c : checks) {
            ZarrArray out = Zarr.openArray(target, c.path(), ctx);
            LevelSource src = c.source();
            if (!Arrays.equals(out.shape(), src.shape()) || out.dataType() != src.dataType()) {
                throw new CorruptDataException(target.describe() + " '" + c.path().path() + "': shape "
                        + Arrays.toString(out.shape()) + " " + out.dataType().name()
                        + ", the source has " + Arrays.toString(src.shape()) + " "
                        + src.dataType().name());
            }
            int es = Sizes.elementBytes(src.dataType());
            BlockPlan plan = BlockPlan.of(out.shape(), out.chunkShape(), es, blockBytes);
            for (long b = 0; b < plan.count(); b++) {
                long[] offset = plan.offset(b);
                long[] extent = plan.extent(offset);
                long expected = crc(src.read(offset, extent));
                long got;
                try {
                    got = crc(out.read(offset, extent));
                } catch (IOException e) {
                    got = ~expected; // narrowed down below to the chunk that fails
                }
                if (got != expected) {
                    // the first target chunk (shard) of the block that differs, so the message names one object
                    BlockPlan units = BlockPlan.of(extent, out.chunkShape(), es, 0);
                    for (long u = 0; u < units.count(); u++) {
                        long[] uo = units.offset(u);
                        long[] at = new long[uo.length];
                        long[] coords = new long[uo.length];
                        for (int d = 0; d < at.length; d++) {
                            at[d] = offset[d] + uo[d];
                            coords[d] = at[d] / out.chunkShape()[d];
                        }
                        long[] ue = units.extent(uo);
                        String where = target.describe() + " '" + c.path().path() + "' block " + box(at, ue)
                                + " (object '" + out.chunkKey(coords).path() + "')";
                        long want = crc(src.read(at, ue));
                        long have;
                        try {
                            have = crc(out.read(at, ue));
                        } catch (IOException e) {
                            throw new CorruptDataException(where + " cannot be read: " + Failures.message(e), e);
                        }
                        if (have != want) {
                            throw new CorruptDataException(where + " differs from the source (crc32c " + hex(have)
                                    + ", the source's " + hex(want) + ")");
                        }
                    }
                    throw new CorruptDataException(target.describe() + " '" + c.path().path() + "' block "
                            + box(offset, extent) + " differs from the source, but none of its objects does when read "
                            + "alone: the target or the source changed while it was verified");
                }
                all.update(ByteBuffer.allocate(8).putLong(got).flip());
                blocks++;
                bytes += NdBuffer.elementCount(extent) * es;
            }
        }
        return new Outcome(checks.size(), blocks, bytes, all.getValue());
    }

    private static long crc(NdBuffer data) {
        CRC32C crc = new CRC32C();
        if (data.isVariableLength()) { // strings and bytes: each element's length, then its bytes
            for (long i = 0; i < data.elementCount(); i++) {
                byte[] e = data.elementBytes(i);
                crc.update(ByteBuffer.allocate(4).putInt(e.length).flip());
                crc.update(e);
            }
            return crc.getValue();
        }
        MemorySegment s = data.segment();
        byte[] buf = new byte[1 << 16];
        for (long at = 0; at < s.byteSize(); at += buf.length) {
            int n = (int) Math.min(buf.length, s.byteSize() - at);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, at, buf, 0, n);
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    static String hex(long crc) {
        return String.format("%08x", crc);
    }

    private static String box(long[] offset, long[] extent) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < offset.length; d++) {
            sb.append(d > 0 ? ", " : "").append(offset[d]).append(':').append(offset[d] + extent[d]);
        }
        return sb.append(']').toString();
    }
}
