package dev.ngff.pyramid;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.testing.PeerPython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link Downsampler} against an independent NumPy computation ({@code downsample_reference.py} in the test
 * resources, run with the peers' Python): random ranks, odd shapes, factors, data types, values and
 * methods, in one Python process per batch. Each case is also reduced again in random sub-boxes from the
 * smallest src the contract allows (plus random extra), which must agree bit for bit with the whole.
 *
 * <p>Seed: {@code -Dngff.downsample.seed=N} (printed on every run); cases: {@code -Dngff.downsample.cases=N}.
 * Integers, and every method but gaussian on floats, compare bit for bit (the generated floats keep sums
 * exact in double, so a mean is one rounding of the exact value on both sides); gaussian compares within a
 * few units in the last place of the type (floats) or 1 (integers), since the order of summation differs.
 */
class DownsamplerPropertyTest {

    private static final String[] TYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "uint64", "int4", "uint2", "float16", "bfloat16", "float32", "float64", "complex64", "complex128"};
    private static final String[] METHODS = {"mean", "mode", "min", "max", "nearest", "gaussian"};

    private record Case(int id, String dtype, DataType type, long[] shape, int[] factors, String method,
                        Downsampling downsampling, double[] sigma, double[] halfSize, NdBuffer input, NdBuffer output) {
    }

    @Test
    void matchesNumpyReference(@TempDir Path dir) throws Exception {
        Path python = PeerPython.require("DOWNSAMPLER NUMPY REFERENCE TEST");
        long seed = Long.getLong("ngff.downsample.seed", new Random().nextLong());
        int count = Integer.getInteger("ngff.downsample.cases", 600);
        System.out.println("DownsamplerPropertyTest seed=" + seed + " cases=" + count
                + " (rerun with -Dngff.downsample.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>();
        List<Map<String, Object>> manifest = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            Case c = generate(id, random);
            cases.add(c);
            checkSubBoxes(c, random, seed);
            Files.write(dir.resolve("in_" + id + ".bin"), c.input.segment().toArray(ValueLayout.JAVA_BYTE));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("dtype", c.dtype);
            m.put("shape", c.shape);
            m.put("factors", c.factors);
            m.put("method", c.method);
            m.put("sigma", c.sigma);
            m.put("halfSize", c.halfSize);
            manifest.add(m);
        }
        new ObjectMapper().writeValue(dir.resolve("cases.json").toFile(), manifest);
        Path script = dir.resolve("downsample_reference.py");
        try (InputStream in = DownsamplerPropertyTest.class.getResourceAsStream("downsample_reference.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(python.toString(), script.toString(), dir.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("the NumPy reference said: %s", said).isZero();
        int exact = 0;
        for (Case c : cases) {
            byte[] want = Files.readAllBytes(dir.resolve("out_" + c.id + ".bin"));
            NdBuffer expected = NdBuffer.wrap(c.type, c.output.shape(), MemorySegment.ofArray(want));
            exact += compare(c, expected, seed, "NumPy") ? 1 : 0;
        }
        System.out.println("DownsamplerPropertyTest: " + cases.size() + " cases agree with NumPy, " + exact + " bit for bit");
        int gaussians = 0;
        int sameAsDirect = 0;
        for (Case c : cases) {
            if (c.method.equals("gaussian") && c.shape.length > 0) {
                // the separable passes against the direct product of per-axis weights, the former implementation
                NdBuffer direct = NdBuffer.allocate(c.type, c.output.shape());
                long[] zero = new long[c.shape.length];
                Downsampler.reduce(c.downsampling, c.factors, c.shape, c.input, zero, direct, zero, false);
                gaussians++;
                sameAsDirect += compare(c, direct, seed, "the direct gaussian") ? 1 : 0;
            }
        }
        System.out.println("DownsamplerPropertyTest: " + gaussians + " gaussian cases agree with the direct form, "
                + sameAsDirect + " bit for bit");
    }

    private static Case generate(int id, Random random) {
        String dtype = TYPES[random.nextInt(TYPES.length)];
        DataType type = dataType(dtype);
        String method = METHODS[random.nextInt(METHODS.length)];
        if (dtype.startsWith("complex") && (method.equals("min") || method.equals("max"))) {
            method = "mean";
        }
        int rank = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(4);
        int maxExtent = switch (rank) {
            case 1 -> 40;
            case 2 -> 15;
            case 3 -> 9;
            default -> 6;
        };
        long[] shape = new long[rank];
        int[] factors = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + random.nextInt(maxExtent);
            factors[d] = 1 + random.nextInt(4);
        }
        double[] sigma = null;
        double[] halfSize = null;
        Downsampling ds = Downsampling.parse(method);
        if (method.equals("gaussian") && rank > 0) {
            if (random.nextBoolean()) {
                sigma = new double[rank];
                for (int d = 0; d < rank; d++) {
                    sigma[d] = random.nextInt(6) == 0 ? 0 : 0.25 * (1 + random.nextInt(8));
                }
            }
            if (random.nextBoolean()) {
                halfSize = new double[rank];
                for (int d = 0; d < rank; d++) {
                    halfSize[d] = 0.5 * random.nextInt(9);
                }
            }
            ds = new Downsampling.Gaussian(sigma, halfSize);
        }
        NdBuffer input = NdBuffer.allocate(type, shape);
        fill(input, dtype, method, random);
        long[] outShape = new long[rank];
        for (int d = 0; d < rank; d++) {
            outShape[d] = Math.ceilDiv(shape[d], factors[d]);
        }
        NdBuffer output = NdBuffer.allocate(type, outShape);
        Downsampler.reduce(ds, factors, shape, input, new long[rank], output, new long[rank]);
        return new Case(id, dtype, type, shape, factors, method, ds, sigma, halfSize, input, output);
    }

    static DataType dataType(String name) {
        return switch (name) {
            case "bool" -> DataType.BOOL;
            case "int8" -> DataType.INT8;
            case "int16" -> DataType.INT16;
            case "int32" -> DataType.INT32;
            case "int64" -> DataType.INT64;
            case "uint8" -> DataType.UINT8;
            case "uint16" -> DataType.UINT16;
            case "uint32" -> DataType.UINT32;
            case "uint64" -> DataType.UINT64;
            case "int4" -> DataType.INT4;
            case "uint2" -> DataType.UINT2;
            case "float16" -> DataType.FLOAT16;
            case "bfloat16" -> DataType.BFLOAT16;
            case "float32" -> DataType.FLOAT32;
            case "float64" -> DataType.FLOAT64;
            case "complex64" -> DataType.COMPLEX64;
            case "complex128" -> DataType.COMPLEX128;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Values: full-range integers (sums overflow 64 bits for int64/uint64), or a few small values so that
     * modes tie; floats whose sums stay exact in double, with NaN and infinities now and then (not for mode,
     * where NumPy's unique merges NaNs and signed zeros); gaussian on 64-bit integers within 2^40, so double
     * arithmetic on both sides stays exact enough to agree within 1.
     */
    private static void fill(NdBuffer b, String dtype, String method, Random random) {
        long n = b.elementCount();
        boolean fewValues = method.equals("mode") || random.nextInt(4) == 0;
        boolean specials = !method.equals("mode") && random.nextInt(3) == 0;
        DataType t = b.dataType();
        for (long i = 0; i < n; i++) {
            switch (t.kind()) {
                case BOOL -> b.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextBoolean() ? 1 : 0));
                case INT, UINT -> {
                    long v;
                    DataType.SubByte sb = t.subByte();
                    boolean signed = t.kind() == DataType.Kind.INT;
                    if (sb != null) {
                        v = sb.min(signed) + random.nextInt((int) (sb.max(signed) - sb.min(signed) + 1));
                    } else if (fewValues) {
                        long[] pool = {0, 1, 2, 3, -1, Long.MIN_VALUE, Long.MAX_VALUE};
                        v = pool[random.nextInt(fewValues && method.equals("mode") ? 4 : pool.length)];
                        if (random.nextInt(8) == 0) {
                            v = random.nextLong();
                        }
                    } else {
                        v = random.nextLong();
                    }
                    if (method.equals("gaussian") && t.byteSize() == 8) {
                        v = v >> 24; // |v| < 2^40 (uint64: below 2^40 after the mask below)
                        if (t.kind() == DataType.Kind.UINT) {
                            v &= (1L << 40) - 1;
                        }
                    }
                    b.setAsLong(i, v);
                }
                case FLOAT -> b.setAsDouble(i, floatValue(dtype, method, fewValues, specials, random));
                case COMPLEX -> b.setComplex(i, floatValue(dtype, method, fewValues, specials, random),
                        floatValue(dtype, method, fewValues, specials, random));
                default -> throw new IllegalStateException();
            }
        }
    }

    private static double floatValue(String dtype, String method, boolean fewValues, boolean specials, Random random) {
        if (method.equals("mode")) {
            double[] pool = {1.5, -2.25, 3.0, 0.5};
            return pool[random.nextInt(pool.length)];
        }
        if (specials && random.nextInt(12) == 0) {
            double[] pool = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            return pool[random.nextInt(pool.length)];
        }
        if (fewValues) {
            return 0.25 * (random.nextInt(9) - 4);
        }
        double v = (random.nextDouble() * 2 - 1) * 1000;
        if (Math.abs(v) < 1.0 / 1024) {
            v = 0;
        }
        if (dtype.equals("float64") || dtype.equals("complex128")) {
            return Math.rint(v * 1024) / 1024;
        }
        return v; // rounded to the type by the setter; |v| >= 2^-10 keeps sums of <= 256 values exact in double
    }

    /** Random sub-boxes of the output, each from a src no larger than the contract needs plus random extra. */
    private static void checkSubBoxes(Case c, Random random, long seed) {
        int rank = c.shape.length;
        if (rank == 0) {
            return;
        }
        int[] halo = c.downsampling.halo(c.factors);
        for (int trial = 0; trial < 3; trial++) {
            long[] outShape = c.output.shape();
            long[] dstOff = new long[rank];
            long[] dstShape = new long[rank];
            long[] srcOff = new long[rank];
            long[] srcShape = new long[rank];
            for (int d = 0; d < rank; d++) {
                dstOff[d] = random.nextLong(outShape[d]);
                dstShape[d] = 1 + random.nextLong(outShape[d] - dstOff[d]);
                long lo = Math.max(0, dstOff[d] * c.factors[d] - halo[d]);
                long hi = Math.min(c.shape[d], (dstOff[d] + dstShape[d]) * c.factors[d] + halo[d]);
                lo = Math.max(0, lo - (random.nextBoolean() ? 0 : random.nextInt(3)));
                hi = Math.min(c.shape[d], hi + (random.nextBoolean() ? 0 : random.nextInt(3)));
                srcOff[d] = lo;
                srcShape[d] = hi - lo;
            }
            NdBuffer src = c.input.copyRegion(srcOff, srcShape);
            NdBuffer dst = NdBuffer.allocate(c.type, dstShape);
            Downsampler.reduce(c.downsampling, c.factors, c.shape, src, srcOff, dst, dstOff);
            NdBuffer whole = c.output.copyRegion(dstOff, dstShape);
            if (!sameValues(whole, dst)) {
                fail(describe(c, seed) + ": the box at " + Arrays.toString(dstOff) + " of " + Arrays.toString(dstShape)
                        + " from src at " + Arrays.toString(srcOff) + " of " + Arrays.toString(srcShape)
                        + " differs from the same box of the whole reduction\n input " + dump(c.input)
                        + "\n whole " + dump(whole) + "\n box   " + dump(dst) + "\n whole bits " + hex(whole) + "\n box bits   " + hex(dst));
            }
        }
    }

    private static String describe(Case c, long seed) {
        return "case " + c.id + " (seed " + seed + "): " + c.method + " of " + c.dtype + " " + Arrays.toString(c.shape)
                + " by " + Arrays.toString(c.factors)
                + (c.sigma != null ? " sigma " + Arrays.toString(c.sigma) : "")
                + (c.halfSize != null ? " half-size " + Arrays.toString(c.halfSize) : "");
    }

    /** True when bit for bit equal (NaNs of any payload count as equal); fails beyond the tolerance. */
    private static boolean compare(Case c, NdBuffer expected, long seed, String who) {
        NdBuffer actual = c.output;
        if (actual.contentEquals(expected)) {
            return true;
        }
        boolean gaussian = c.method.equals("gaussian");
        long n = actual.elementCount();
        boolean exact = true;
        for (long i = 0; i < n; i++) {
            switch (c.type.kind()) {
                case BOOL, INT, UINT -> {
                    long a = actual.getAsLong(i);
                    long e = expected.getAsLong(i);
                    if (a != e) {
                        exact = false;
                        long diff = Math.abs(a - e);
                        if (!gaussian || diff > 1) {
                            fail(describe(c, seed) + ": element " + i + " is " + a + ", " + who + " says " + e
                                    + "\n input " + dump(c.input) + "\n ours  " + dump(actual) + "\n other " + dump(expected));
                        }
                    }
                }
                case FLOAT, COMPLEX -> {
                    double[] a = {actual.getAsDouble(i), c.type.kind() == DataType.Kind.COMPLEX ? actual.getImagAsDouble(i) : 0};
                    double[] e = {expected.getAsDouble(i), c.type.kind() == DataType.Kind.COMPLEX ? expected.getImagAsDouble(i) : 0};
                    for (int part = 0; part < 2; part++) {
                        if (Double.isNaN(a[part]) && Double.isNaN(e[part]) || Double.doubleToLongBits(a[part]) == Double.doubleToLongBits(e[part])) {
                            continue;
                        }
                        exact = false;
                        double magnitude = Math.max(Math.abs(a[part]), Math.abs(e[part]));
                        if (c.dtype.equals("float64") || c.dtype.equals("complex128")) {
                            magnitude = Math.max(magnitude, maxAbs(c.input)); // cancellation: relative to the inputs
                        }
                        double tol = 4 * ulp(c.dtype, magnitude);
                        if (!gaussian || !(Math.abs(a[part] - e[part]) <= tol)) {
                            fail(describe(c, seed) + ": element " + i + " is " + a[part] + ", " + who + " says " + e[part]
                                    + "\n input " + dump(c.input) + "\n ours  " + dump(actual) + "\n other " + dump(expected));
                        }
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return exact;
    }

    private static double ulp(String dtype, double magnitude) {
        double m = Math.max(magnitude, 1e-3);
        return switch (dtype) {
            case "float16" -> Math.ulp((float) m) * 8192.0;
            case "bfloat16" -> Math.ulp((float) m) * 65536.0;
            case "float32", "complex64" -> Math.ulp((float) m);
            default -> Math.ulp(m) * 16; // float64: weights and sums in another order
        };
    }

    private static double maxAbs(NdBuffer b) {
        double m = 0;
        for (long i = 0; i < b.elementCount(); i++) {
            double v = Math.abs(b.getAsDouble(i));
            if (Double.isFinite(v)) {
                m = Math.max(m, v);
            }
            if (b.dataType().kind() == DataType.Kind.COMPLEX && Double.isFinite(b.getImagAsDouble(i))) {
                m = Math.max(m, Math.abs(b.getImagAsDouble(i)));
            }
        }
        return m;
    }

    /**
     * Equal bit for bit, except that NaNs of any sign or payload are alike: the sign of the NaN that
     * {@code inf - inf} makes differs between the interpreter and compiled code.
     */
    private static boolean sameValues(NdBuffer a, NdBuffer b) {
        if (a.contentEquals(b)) {
            return true;
        }
        DataType.Kind k = a.dataType().kind();
        if (k != DataType.Kind.FLOAT && k != DataType.Kind.COMPLEX) {
            return false;
        }
        for (long i = 0; i < a.elementCount(); i++) {
            double[] x = {a.getAsDouble(i), k == DataType.Kind.COMPLEX ? a.getImagAsDouble(i) : 0};
            double[] y = {b.getAsDouble(i), k == DataType.Kind.COMPLEX ? b.getImagAsDouble(i) : 0};
            for (int p = 0; p < 2; p++) {
                if (!(Double.isNaN(x[p]) && Double.isNaN(y[p])) && Double.doubleToRawLongBits(x[p]) != Double.doubleToRawLongBits(y[p])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String hex(NdBuffer b) {
        return java.util.HexFormat.of().formatHex(b.segment().toArray(ValueLayout.JAVA_BYTE));
    }

    private static String dump(NdBuffer b) {
        long n = Math.min(b.elementCount(), 64);
        StringBuilder s = new StringBuilder("[");
        for (long i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append(b.dataType().isInteger() || b.dataType().kind() == DataType.Kind.BOOL
                    ? Long.toString(b.getAsLong(i)) : Double.toString(b.getAsDouble(i)));
        }
        return s.append(n < b.elementCount() ? ", ...]" : "]").toString();
    }
}
