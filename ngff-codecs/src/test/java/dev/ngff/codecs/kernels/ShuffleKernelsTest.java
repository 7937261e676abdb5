package dev.ngff.codecs.kernels;

import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kernel implementation against a naive definition of the layout (written out bit by bit below) and
 * against each other, over random lengths, element sizes and offsets. Each property prints its seed.
 */
class ShuffleKernelsTest {

    /** One random case: content, element size, offsets inside larger arrays. */
    record Case(byte[] data, int typesize, int srcOff, int dstOff) {
        @Override
        public String toString() {
            return "Case[" + data.length + " bytes, typesize " + typesize + ", srcOff " + srcOff + ", dstOff " + dstOff + "]";
        }
    }

    /** Lengths short (3 in 5) or long; element sizes the common ones (5 in 7) or any of 1..40. */
    static Case cases(Gen g) {
        int n = g.weightedIndex(3, 2) == 0 ? g.intIn(0, 300) : g.intIn(300, 70_000);
        int typesize = g.weightedIndex(5, 2) == 0 ? g.oneOf(1, 2, 4, 8) : g.intIn(1, 40);
        return new Case(g.bytes(n, n), typesize, g.intIn(0, 9), g.intIn(0, 9));
    }

    static List<ShuffleKernels> implementations() {
        List<ShuffleKernels> all = new ArrayList<>();
        all.add(Kernels.scalar());
        if (Kernels.isVectorAvailable()) {
            all.add(Kernels.vector());
        } else if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("vector kernels unavailable under CI: " + Kernels.vectorUnavailabilityCause());
        } else {
            System.err.println("*** vector kernels not tested: " + Kernels.vectorUnavailabilityCause() + " ***");
        }
        if (NativeKernels.isAvailable()) {
            all.add(Kernels.nativeKernels());
            // every instruction set this CPU runs, not only the one the loader picked
            for (String isa : NativeKernels.supportedIsas()) {
                all.add(Kernels.nativeKernels(isa));
            }
        } else {
            // optional by design: a build without gcc, or another platform, runs the Java kernels
            System.err.println("*** native kernels not tested: " + NativeKernels.unavailabilityCause() + " ***");
        }
        return all;
    }

    static byte[] naiveShuffle(byte[] in, int ts) {
        int n = in.length / ts;
        byte[] out = in.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ts; j++) {
                out[j * n + i] = in[i * ts + j];
            }
        }
        return out;
    }

    static byte[] naiveBitshuffle(byte[] in, int ts) {
        int m = (in.length / ts) / 8 * 8;
        byte[] out = in.clone();
        java.util.Arrays.fill(out, 0, m * ts, (byte) 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ts; j++) {
                for (int k = 0; k < 8; k++) {
                    int bit = (in[i * ts + j] >>> k) & 1;
                    int at = (8 * j + k) * (m / 8) + i / 8;
                    out[at] |= (byte) (bit << (i % 8));
                }
            }
        }
        return out;
    }

    static byte[] naiveSwap(byte[] in, int ts) {
        byte[] out = in.clone();
        for (int i = 0; i + ts <= in.length; i += ts) {
            for (int j = 0; j < ts; j++) {
                out[i + j] = in[i + ts - 1 - j];
            }
        }
        return out;
    }

    private static byte[] run(Case c, int op, ShuffleKernels k, byte[] input) {
        int n = input.length;
        byte[] src = new byte[c.srcOff + n + 5];
        System.arraycopy(input, 0, src, c.srcOff, n);
        byte[] dst = new byte[c.dstOff + n + 5];
        java.util.Arrays.fill(dst, (byte) 0x5A);
        byte[] scratch = new byte[n + 3];
        switch (op) {
            case 0 -> k.shuffle(src, c.srcOff, dst, c.dstOff, n, c.typesize);
            case 1 -> k.unshuffle(src, c.srcOff, dst, c.dstOff, n, c.typesize);
            case 2 -> k.bitshuffle(src, c.srcOff, dst, c.dstOff, n, c.typesize, scratch);
            case 3 -> k.bitunshuffle(src, c.srcOff, dst, c.dstOff, n, c.typesize, scratch);
            case 5 -> ((VectorKernels) k).shuffleWide(src, c.srcOff, dst, c.dstOff, n, c.typesize);
            case 6 -> ((VectorKernels) k).unshuffleWide(src, c.srcOff, dst, c.dstOff, n, c.typesize);
            default -> k.byteSwap(src, c.srcOff, dst, c.dstOff, n, c.typesize);
        }
        for (int i = 0; i < c.dstOff; i++) {
            assertThat(dst[i]).as("%s wrote before its range, %s", k.name(), c).isEqualTo((byte) 0x5A);
        }
        for (int i = c.dstOff + n; i < dst.length; i++) {
            assertThat(dst[i]).as("%s wrote after its range, %s", k.name(), c).isEqualTo((byte) 0x5A);
        }
        return java.util.Arrays.copyOfRange(dst, c.dstOff, c.dstOff + n);
    }

    @Test
    void everyKernelMatchesTheDefinitionAndInvertsItself() {
        Properties.forAll(300, g -> {
            Case c = cases(g);
            byte[] shuffled = naiveShuffle(c.data, c.typesize);
            byte[] bits = naiveBitshuffle(c.data, c.typesize);
            byte[] swapped = naiveSwap(c.data, c.typesize);
            for (ShuffleKernels k : implementations()) {
                assertThat(run(c, 0, k, c.data)).as("%s shuffle %s", k.name(), c).isEqualTo(shuffled);
                assertThat(run(c, 1, k, shuffled)).as("%s unshuffle %s", k.name(), c).isEqualTo(c.data);
                assertThat(run(c, 2, k, c.data)).as("%s bitshuffle %s", k.name(), c).isEqualTo(bits);
                assertThat(run(c, 3, k, bits)).as("%s bitunshuffle %s", k.name(), c).isEqualTo(c.data);
                assertThat(run(c, 4, k, c.data)).as("%s byteSwap %s", k.name(), c).isEqualTo(swapped);
                if (k instanceof VectorKernels) {
                    assertThat(run(c, 5, k, c.data)).as("%s shuffleWide %s", k.name(), c).isEqualTo(shuffled);
                    assertThat(run(c, 6, k, shuffled)).as("%s unshuffleWide %s", k.name(), c).isEqualTo(c.data);
                }
            }
        });
    }

    /** Bit shuffles only, element sizes 1..16, lengths that span several of the C kernels' 16 KiB tiles. */
    static Case bitCases(Gen g) {
        int n = g.weightedIndex(2, 1) == 0 ? g.intIn(0, 2_000) : g.intIn(2_000, 400_000);
        return new Case(g.bytes(n, n), g.intIn(1, 16), g.intIn(0, 9), g.intIn(0, 9));
    }

    @Test
    void everyBitShuffleMatchesTheScalarReference() {
        Properties.forAll(150, g -> {
            Case c = bitCases(g);
            byte[] bits = run(c, 2, Kernels.scalar(), c.data);
            assertThat(bits).as("scalar bitshuffle %s", c).isEqualTo(naiveBitshuffle(c.data, c.typesize));
            for (ShuffleKernels k : implementations()) {
                assertThat(run(c, 2, k, c.data)).as("%s bitshuffle %s", k.name(), c).isEqualTo(bits);
                assertThat(run(c, 3, k, bits)).as("%s bitunshuffle %s", k.name(), c).isEqualTo(c.data);
            }
        });
    }

    @Test
    void wideElementsTakeTheUntiledPath() {
        // 8 elements of more than 2 KiB do not fit one C tile: the C code walks the planes instead
        for (int ts : new int[] {2047, 2048, 2049, 5000}) {
            Case c = new Case(new byte[ts * 17 + 3], ts, 1, 2);
            new Random(ts).nextBytes(c.data());
            byte[] bits = naiveBitshuffle(c.data(), ts);
            for (ShuffleKernels k : implementations()) {
                assertThat(run(c, 2, k, c.data())).as("%s bitshuffle %s", k.name(), c).isEqualTo(bits);
                assertThat(run(c, 3, k, bits)).as("%s bitunshuffle %s", k.name(), c).isEqualTo(c.data());
            }
        }
    }

    @Test
    void nativeVariantsCoverTheCpu() {
        if (!NativeKernels.isAvailable()) {
            assertThatThrownBy(() -> Kernels.nativeKernels("sse2")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(NativeKernels.unavailabilityCause());
            return;
        }
        List<String> isas = NativeKernels.supportedIsas();
        // x86-64 always has SSE2; the loader's pick is the widest set
        assertThat(isas).first().isEqualTo("sse2");
        assertThat(Kernels.nativeKernels().name()).isEqualTo("native-" + isas.getLast());
        assertThat(Kernels.nativeKernels(isas.getLast()).name()).isEqualTo("native-bits-" + isas.getLast());
        assertThatThrownBy(() -> Kernels.nativeKernels("neon")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neon");
    }

    @Test
    void bestIsNativeThenVectorThenScalar() {
        if (NativeKernels.isAvailable()) {
            assertThat(Kernels.best().name()).startsWith("native-");
        } else if (Kernels.isVectorAvailable()) {
            assertThat(Kernels.best().name()).startsWith("vector-");
            assertThat(Kernels.vectorUnavailabilityCause()).isNull();
        } else {
            assertThat(Kernels.best()).isSameAs(Kernels.scalar());
        }
        assertThat(Kernels.isVectorAvailable()).isEqualTo(Kernels.vectorUnavailabilityCause() == null);
    }

    @Test
    void nativeKernelsSayWhyTheyAreMissing() {
        assertThat(NativeKernels.isAvailable()).isEqualTo(NativeKernels.unavailabilityCause() == null);
        if (NativeKernels.isAvailable()) {
            assertThat(Kernels.nativeKernels().name()).startsWith("native-");
        } else {
            assertThatThrownBy(Kernels::nativeKernels).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(NativeKernels.unavailabilityCause());
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyWrite() {
        for (ShuffleKernels k : implementations()) {
            byte[] a = new byte[100];
            assertThatThrownBy(() -> k.shuffle(a, 0, new byte[50], 0, 100, 4)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.unshuffle(a, 60, new byte[100], 0, 50, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.shuffle(a, 0, new byte[100], 0, 100, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> k.bitshuffle(a, 0, new byte[100], 0, 100, 2, new byte[10]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
