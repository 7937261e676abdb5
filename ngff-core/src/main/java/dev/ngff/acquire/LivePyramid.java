package dev.ngff.acquire;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.write.ArrayWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lower levels of an acquisition, made as planes arrive. Level {@code k} is made from groups of
 * level {@code k-1}'s planes: the planes whose outer coordinates divide to the same level-{@code k}
 * plane. A group is reduced once all its planes are in (a group of one plane, where no outer axis is
 * reduced, at once, without a copy), exactly as {@link dev.ngff.pyramid.PyramidWriter} reduces that box
 * of the level above, so a live pyramid equals the one made afterwards from level 0. Groups waiting
 * for planes are held in memory: at most the planes of the level above that one group spans, for the
 * groups open at once (bounded by the image's outer extents, not by the acquisition's length).
 *
 * <p>Thread-safe: planes may arrive from several threads in any order.
 */
final class LivePyramid {
    private static final int SPARE_PLANES = 4;
    private final PyramidPlan plan;
    private final Downsampling method;
    private final DataType type;
    private final int outerRank;
    /** Level shapes; along axis 0 the bound (or a huge extent when unbounded, until {@link #finish}). */
    private final List<long[]> shapes;
    private final List<ArrayWriter> writers;
    private final boolean unbounded;
    /** Open groups per level (index k: the groups that make level k; index 0 unused). */
    private final List<ConcurrentHashMap<GroupKey, Group>> open = new ArrayList<>();
    /**
     * Reduced planes of each level, kept for reuse (a few per level, one per writer thread at most in use):
     * a plane per frame and level was most of what the acquisition allocated besides encoded chunks.
     */
    private final List<ArrayBlockingQueue<NdBuffer>> planes = new ArrayList<>();

    LivePyramid(PyramidPlan plan, Downsampling method, DataType type, int outerRank, List<long[]> shapes,
                List<ArrayWriter> writers, boolean unbounded) {
        this.plan = plan;
        this.method = method;
        this.type = type;
        this.outerRank = outerRank;
        this.shapes = List.copyOf(shapes);
        this.writers = List.copyOf(writers);
        this.unbounded = unbounded;
        for (int k = 0; k < plan.levels(); k++) {
            open.add(new ConcurrentHashMap<>());
            planes.add(new ArrayBlockingQueue<>(SPARE_PLANES));
        }
    }

    int levels() {
        return plan.levels();
    }

    /** Bytes held by open groups (for metrics). */
    long heldBytes() {
        long n = 0;
        for (var m : open) {
            for (Group g : m.values()) {
                n += g.block.elementCount() * type.byteSize();
            }
        }
        return n;
    }

    /**
     * Takes the plane of level {@code k-1} at outer coordinates {@code outer} (shape: 1 on every outer axis,
     * then level {@code k-1}'s frame extents) towards level {@code k}; may reduce and write planes of level
     * {@code k} and below. The plane is not kept after the call returns.
     */
    void accept(int k, long[] outer, NdBuffer plane) throws IOException {
        if (k >= plan.levels()) {
            return;
        }
        int[] f = plan.factor(k);
        long[] above = shapes.get(k - 1);
        long[] g = new long[outerRank];
        long[] start = new long[outerRank];
        long[] extent = new long[outerRank];
        long expected = 1;
        for (int d = 0; d < outerRank; d++) {
            g[d] = outer[d] / f[d];
            start[d] = g[d] * f[d];
            extent[d] = Math.min(f[d], above[d] - start[d]);
            expected *= extent[d];
        }
        if (expected == 1) {
            reduceAndPass(k, g, start, plane, above);
            return;
        }
        GroupKey key = new GroupKey(g);
        long planes = expected;
        Group group = open.get(k).computeIfAbsent(key, x -> new Group(allocateBlock(extent, above), planes));
        boolean complete;
        synchronized (group) {
            long[] at = new long[plane.rank()];
            for (int d = 0; d < outerRank; d++) {
                at[d] = outer[d] - start[d];
            }
            NdBuffer.copy(plane, new long[plane.rank()], group.block, at, plane.shape());
            group.received++;
            complete = group.received == group.expected;
        }
        if (complete) {
            open.get(k).remove(key);
            reduceAndPass(k, g, start, group.block, above);
        }
    }

    /**
     * At the end of an acquisition whose axis-0 extent at level 0 is {@code extent0}: reduces the groups
     * cut short along axis 0 over the planes present, level by level, so every level covers its extent.
     */
    void finish(long extent0) throws IOException {
        long extentAbove = extent0;
        for (int k = 1; k < plan.levels(); k++) {
            long[] above = shapes.get(k - 1).clone();
            above[0] = extentAbove;
            List<GroupKey> keys = new ArrayList<>(open.get(k).keySet());
            keys.sort(Comparator.comparing(GroupKey::coords, Arrays::compare));
            for (GroupKey key : keys) {
                Group group = open.get(k).remove(key);
                int[] f = plan.factor(k);
                long[] start = new long[outerRank];
                long present = 1;
                for (int d = 0; d < outerRank; d++) {
                    start[d] = key.coords()[d] * f[d];
                    present *= Math.min(f[d], above[d] - start[d]);
                }
                if (group.received != present) {
                    throw new IllegalStateException("level " + k + " group " + Arrays.toString(key.coords()) + " holds "
                            + group.received + " of the " + present + " planes present");
                }
                long[] box = group.block.shape();
                box[0] = above[0] - start[0];
                NdBuffer block = box[0] == group.block.shape(0) ? group.block : slice0(group.block, box);
                reduceAndPass(k, key.coords(), start, block, above);
            }
            extentAbove = (extentAbove + plan.factor(k)[0] - 1) / plan.factor(k)[0];
        }
    }

    private void reduceAndPass(int k, long[] g, long[] start, NdBuffer src, long[] above) throws IOException {
        long[] aboveShape = above;
        if (unbounded && above[0] > start[0] + src.shape(0)) {
            aboveShape = above.clone();
            aboveShape[0] = start[0] + src.shape(0); // only the planes present so far: a full group, or the end
        }
        long[] level = shapes.get(k);
        long[] dstShape = new long[level.length];
        long[] dstOffset = new long[level.length];
        long[] srcOffset = new long[level.length];
        for (int d = 0; d < level.length; d++) {
            if (d < outerRank) {
                dstShape[d] = 1;
                dstOffset[d] = g[d];
                srcOffset[d] = start[d];
            } else {
                dstShape[d] = level[d];
            }
        }
        // every element of dst is written below, and nothing keeps it once the calls return: reused
        NdBuffer spare = planes.get(k).poll();
        NdBuffer dst = spare != null ? spare : NdBuffer.allocate(type, dstShape);
        if (PlaneMean.applies(method, type, plan.factor(k), src)) {
            PlaneMean.halveU16(src, dst);
        } else {
            Downsampler.reduce(method, plan.factor(k), aboveShape, src, srcOffset, dst, dstOffset);
        }
        writers.get(k).write(dstOffset, dst);
        accept(k + 1, g, dst);
        planes.get(k).offer(dst);
    }

    private NdBuffer allocateBlock(long[] extent, long[] above) {
        long[] shape = above.clone();
        System.arraycopy(extent, 0, shape, 0, outerRank);
        return NdBuffer.allocate(type, shape);
    }

    /** The first {@code box[0]} indices along axis 0 of a block, copied. */
    private NdBuffer slice0(NdBuffer block, long[] box) {
        NdBuffer out = NdBuffer.allocate(type, box);
        NdBuffer.copy(block, new long[box.length], out, new long[box.length], box);
        return out;
    }

    private record GroupKey(long[] coords) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GroupKey k && Arrays.equals(coords, k.coords);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(coords);
        }
    }

    private static final class Group {
        final NdBuffer block;
        final long expected;
        long received;

        Group(NdBuffer block, long expected) {
            this.block = block;
            this.expected = expected;
        }
    }
}
