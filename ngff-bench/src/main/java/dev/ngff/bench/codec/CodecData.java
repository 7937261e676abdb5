package dev.ngff.bench.codec;

import java.util.Random;

/**
 * The two uint16 chunks the codec benchmarks decode: a noisy microscope-like volume (a smooth background,
 * Gaussian blobs, shot-like noise; the character of {@code ngff sample}, whose generator is internal to
 * ngff-cli) and a smooth ramp. Deterministic for a seed.
 */
final class CodecData {
    private CodecData() {
    }

    /** {@code planes x 256 x 256} little-endian uint16 voxels. */
    static byte[] noisy(int planes, long seed) {
        Random r = new Random(seed);
        int ny = 256;
        int nx = 256;
        float[] v = new float[planes * ny * nx];
        for (int z = 0; z < planes; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    v[(z * ny + y) * nx + x] = 100 + 20 * (float) Math.sin((x + 2 * y + 3 * z) / 90.0);
                }
            }
        }
        for (int b = 0; b < 40 * planes / 16 + 5; b++) {
            float cz = r.nextFloat() * planes;
            float cy = r.nextFloat() * ny;
            float cx = r.nextFloat() * nx;
            float s = 3 + 6 * r.nextFloat();
            float amp = 500 + 3000 * r.nextFloat();
            for (int z = Math.max(0, (int) (cz - 3 * s)); z < Math.min(planes, cz + 3 * s); z++) {
                for (int y = Math.max(0, (int) (cy - 3 * s)); y < Math.min(ny, cy + 3 * s); y++) {
                    for (int x = Math.max(0, (int) (cx - 3 * s)); x < Math.min(nx, cx + 3 * s); x++) {
                        float d2 = ((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2 * s * s);
                        v[(z * ny + y) * nx + x] += amp * (float) Math.exp(-d2);
                    }
                }
            }
        }
        byte[] out = new byte[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            // shot noise: Gaussian with variance equal to the signal
            int s = (int) Math.max(0, Math.min(65535, v[i] + Math.sqrt(v[i]) * r.nextGaussian()));
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >>> 8);
        }
        return out;
    }

    /** A smooth ramp of the same size: voxel i holds (i / 7) mod 65536. */
    static byte[] ramp(int planes) {
        int n = planes * 256 * 256;
        byte[] out = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            int s = (i / 7) & 0xffff;
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >>> 8);
        }
        return out;
    }
}
