package dev.ngff.cli;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic fluorescence microscopy volume of {@code uint16}: a dark background with a smooth
 * gradient (about 100 to 200), Gaussian blobs (cells, nuclei) of random size and brightness (up to
 * about 4000) and shot noise whose spread grows with the square root of the signal. Every voxel is a
 * pure function of the seed and its coordinates, so any block can be rendered alone, in any order, on
 * any thread, with the same result. Rank 2 (y, x) or 3 (z, y, x). Immutable and thread-safe.
 */
final class SampleVolume {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long REFERENCE_VOXELS = 64L * 512 * 512;
    private static final int REFERENCE_BLOBS = 300;
    private static final double SQRT3 = Math.sqrt(3);

    /** A blob: centre, standard deviations per axis, peak brightness above the background, and drift per timepoint. */
    private record Blob(double z, double y, double x, double sz, double sy, double sx, double amplitude,
                        double vy, double vx) {
        Blob at(long t) {
            return new Blob(z, y + vy * t, x + vx * t, sz, sy, sx, amplitude, vy, vx);
        }

        int zFrom() {
            return (int) Math.floor(z - 3 * sz);
        }

        int zTo() {
            return (int) Math.ceil(z + 3 * sz);
        }
    }

    private final long depth;
    private final long height;
    private final long width;
    private final long seed;
    private final List<Blob> blobs;

    private SampleVolume(long[] shape, long seed, List<Blob> blobs) {
        this.depth = shape.length == 3 ? shape[0] : 1;
        this.height = shape[shape.length - 2];
        this.width = shape[shape.length - 1];
        this.seed = seed;
        this.blobs = blobs;
    }

    private SampleVolume(long[] shape, long seed) {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException("a sample volume has 2 or 3 dimensions, got " + Arrays.toString(shape));
        }
        this.depth = shape.length == 3 ? shape[0] : 1;
        this.height = shape[shape.length - 2];
        this.width = shape[shape.length - 1];
        this.seed = seed;
        this.blobs = makeBlobs();
    }

    /** The volume of the given shape ({@code [z, y, x]} or {@code [y, x]}) and seed. */
    static SampleVolume of(long[] shape, long seed) {
        return new SampleVolume(shape, seed);
    }

    /**
     * The same volume at timepoint {@code t}: every blob drifted by its own velocity (up to one pixel per
     * timepoint in y and x), fresh noise.
     */
    SampleVolume at(long t) {
        if (t == 0) {
            return this;
        }
        long[] shape = depth == 1 ? new long[] {height, width} : new long[] {depth, height, width};
        return new SampleVolume(shape, seed + 0x632BE59BD9B4E019L * t, blobs.stream().map(b -> b.at(t)).toList());
    }

    /** A box of a 2-d (y, x) or 3-d (z, y, x) volume: first index and extent per axis. */
    private record Box(long z0, long nz, int y0, int ny, int x0, int nx) {
        static Box of(long[] offset, long[] ext) {
            int r = ext.length;
            return new Box(r == 3 ? offset[0] : 0, r == 3 ? ext[0] : 1, Math.toIntExact(offset[r - 2]),
                    Math.toIntExact(ext[r - 2]), Math.toIntExact(offset[r - 1]), Math.toIntExact(ext[r - 1]));
        }
    }

    /** Number of blobs: about 300 in a 64x512x512 volume, the same density elsewhere (20 to 5000). */
    int blobCount() {
        return blobs.size();
    }

    private List<Blob> makeBlobs() {
        SplittableRandom rnd = new SplittableRandom(seed);
        double voxels = (double) depth * height * width;
        int n = (int) Math.max(20, Math.min(5000, Math.round(REFERENCE_BLOBS * voxels / REFERENCE_VOXELS)));
        List<Blob> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double sxy = 3 + 8 * rnd.nextDouble();
            double sz = depth == 1 ? 1 : Math.max(1, sxy * (0.3 + 0.3 * rnd.nextDouble()));
            double brightness = 300 * Math.pow(12, rnd.nextDouble()); // 300 .. 3600, most of them dim
            out.add(new Blob(rnd.nextDouble() * depth, rnd.nextDouble() * height, rnd.nextDouble() * width,
                    sz, sxy * (0.8 + 0.4 * rnd.nextDouble()), sxy * (0.8 + 0.4 * rnd.nextDouble()), brightness,
                    2 * rnd.nextDouble() - 1, 2 * rnd.nextDouble() - 1));
        }
        return List.copyOf(out);
    }

    /**
     * Renders the box at {@code offset} (same rank as the volume) into {@code dest}, a {@code uint16}
     * buffer whose shape is the box's extent.
     */
    void render(long[] offset, NdBuffer dest) {
        if (!dest.dataType().equals(DataType.UINT16)) {
            throw new IllegalArgumentException("sample volumes are uint16, got " + dest.dataType());
        }
        Box box = Box.of(offset, dest.shape());
        long z0 = box.z0();
        long nz = box.nz();
        int y0 = box.y0();
        int ny = box.ny();
        int x0 = box.x0();
        int nx = box.nx();
        float[] plane = new float[Math.multiplyExact(ny, nx)];
        float[] rowTerm = new float[ny];
        float[] colTerm = new float[nx];
        for (int y = 0; y < ny; y++) {
            double v = (y0 + y) / (double) Math.max(1, height - 1);
            rowTerm[y] = (float) (35 * v + 8 * Math.sin(2.1 * Math.PI * v));
        }
        for (int x = 0; x < nx; x++) {
            double u = (x0 + x) / (double) Math.max(1, width - 1);
            colTerm[x] = (float) (45 * u + 8 * Math.cos(1.7 * Math.PI * u));
        }
        MemorySegment out = dest.segment();
        for (long k = 0; k < nz; k++) {
            long z = z0 + k;
            float base = (float) (110 + 15 * z / (double) Math.max(1, depth - 1));
            for (int y = 0; y < ny; y++) {
                Arrays.fill(plane, y * nx, (y + 1) * nx, base + rowTerm[y]);
                for (int x = 0; x < nx; x++) {
                    plane[y * nx + x] += colTerm[x];
                }
            }
            for (Blob b : blobs) {
                if (z >= b.zFrom() && z <= b.zTo()) {
                    addBlob(b, z, y0, ny, x0, nx, plane);
                }
            }
            writeNoisy(plane, z, y0, ny, x0, nx, out, k * (long) ny * nx);
        }
    }

    /**
     * Renders the cell labels of the box into {@code dest}, a {@code uint32} buffer of the box's extent:
     * a voxel belongs to the blob (numbered from 1 in creation order) whose Gaussian profile is highest
     * there, when that profile is at least a quarter of its peak (inside about 1.67 standard deviations);
     * elsewhere 0, the background.
     */
    void renderLabels(long[] offset, NdBuffer dest) {
        if (!dest.dataType().equals(DataType.UINT32)) {
            throw new IllegalArgumentException("sample labels are uint32, got " + dest.dataType());
        }
        Box box = Box.of(offset, dest.shape());
        long z0 = box.z0();
        long nz = box.nz();
        int y0 = box.y0();
        int ny = box.ny();
        int x0 = box.x0();
        int nx = box.nx();
        float[] best = new float[Math.multiplyExact(ny, nx)];
        int[] label = new int[best.length];
        MemorySegment out = dest.segment();
        for (long k = 0; k < nz; k++) {
            long z = z0 + k;
            Arrays.fill(best, 0.25f);
            Arrays.fill(label, 0);
            for (int i = 0; i < blobs.size(); i++) {
                Blob b = blobs.get(i);
                if (z < b.zFrom() || z > b.zTo()) {
                    continue;
                }
                double dz = z - b.z();
                double gz = Math.exp(-dz * dz / (2 * b.sz() * b.sz()));
                int yFrom = Math.max(y0, (int) Math.floor(b.y() - 2 * b.sy()));
                int yTo = Math.min(y0 + ny - 1, (int) Math.ceil(b.y() + 2 * b.sy()));
                int xFrom = Math.max(x0, (int) Math.floor(b.x() - 2 * b.sx()));
                int xTo = Math.min(x0 + nx - 1, (int) Math.ceil(b.x() + 2 * b.sx()));
                for (int y = yFrom; y <= yTo; y++) {
                    double dy = y - b.y();
                    double gy = gz * Math.exp(-dy * dy / (2 * b.sy() * b.sy()));
                    for (int x = xFrom; x <= xTo; x++) {
                        double dx = x - b.x();
                        float g = (float) (gy * Math.exp(-dx * dx / (2 * b.sx() * b.sx())));
                        int at = (y - y0) * nx + (x - x0);
                        if (g > best[at]) {
                            best[at] = g;
                            label[at] = i + 1;
                        }
                    }
                }
            }
            long base = k * (long) ny * nx;
            for (int i = 0; i < label.length; i++) {
                out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), base + i, label[i]);
            }
        }
    }

    private static void addBlob(Blob b, long z, int y0, int ny, int x0, int nx, float[] plane) {
        double dz = z - b.z();
        double gz = b.amplitude() * Math.exp(-dz * dz / (2 * b.sz() * b.sz()));
        int yFrom = Math.max(y0, (int) Math.floor(b.y() - 3 * b.sy()));
        int yTo = Math.min(y0 + ny - 1, (int) Math.ceil(b.y() + 3 * b.sy()));
        int xFrom = Math.max(x0, (int) Math.floor(b.x() - 3 * b.sx()));
        int xTo = Math.min(x0 + nx - 1, (int) Math.ceil(b.x() + 3 * b.sx()));
        if (yFrom > yTo || xFrom > xTo || gz < 0.5) {
            return;
        }
        float[] gx = new float[xTo - xFrom + 1];
        for (int x = xFrom; x <= xTo; x++) {
            double dx = x - b.x();
            gx[x - xFrom] = (float) Math.exp(-dx * dx / (2 * b.sx() * b.sx()));
        }
        for (int y = yFrom; y <= yTo; y++) {
            double dy = y - b.y();
            float gy = (float) (gz * Math.exp(-dy * dy / (2 * b.sy() * b.sy())));
            int row = (y - y0) * nx - x0;
            for (int x = xFrom; x <= xTo; x++) {
                plane[row + x] += gy * gx[x - xFrom];
            }
        }
    }

    private void writeNoisy(float[] plane, long z, int y0, int ny, int x0, int nx, MemorySegment out, long at) {
        for (int y = 0; y < ny; y++) {
            long voxel = (z * height + y0 + y) * width + x0;
            for (int x = 0; x < nx; x++) {
                double mean = plane[y * nx + x];
                double v = mean + Math.sqrt(mean) * gaussian(seed, voxel + x);
                long q = Math.round(Math.clamp(v, 0, 65535));
                out.setAtIndex(U16, at + (long) y * nx + x, (short) q);
            }
        }
    }

    /** An approximately standard normal number from a hash of seed and voxel (sum of four uniforms). */
    static double gaussian(long seed, long voxel) {
        long h = mix(seed * 0x9E3779B97F4A7C15L + voxel);
        double sum = (h & 0xFFFF) + ((h >>> 16) & 0xFFFF) + ((h >>> 32) & 0xFFFF) + (h >>> 48);
        return (sum / 65536.0 - 2.0) * SQRT3;
    }

    /** The SplitMix64 finaliser. */
    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
