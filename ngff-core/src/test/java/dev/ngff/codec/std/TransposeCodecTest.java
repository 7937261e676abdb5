package dev.ngff.codec.std;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code transpose}: a known 2x3x4 permutation, the inverse law and the composition law over random cases. */
class TransposeCodecTest {

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    @Test
    void knownPermutationOf2x3x4() throws Exception {
        NdBuffer a = TestArrays.arangeInt32(2, 3, 4); // a[i][j][k] = 12 i + 4 j + k
        TransposeCodec t = new TransposeCodec(new int[] {2, 0, 1});
        ChunkSpec s = spec(DataType.INT32, 2, 3, 4);
        assertThat(t.encodedSpec(s).shape()).containsExactly(4, 2, 3);
        NdBuffer e = t.encode(a, s);
        assertThat(e.shape()).containsExactly(4, 2, 3);
        // encoded dimension i is decoded dimension order[i]: e[k][i][j] = a[i][j][k]
        int[] expected = new int[24];
        int n = 0;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    expected[n++] = 12 * i + 4 * j + k;
                }
            }
        }
        int[] actual = new int[24];
        for (int x = 0; x < 24; x++) {
            actual[x] = (int) e.getAsLong(x);
        }
        assertThat(actual).containsExactly(expected);
        assertThat(t.decode(e, s).contentEquals(a)).isTrue();
    }

    @Test
    void invalidOrdersAreRejected() {
        for (int[] bad : new int[][] {{0, 0}, {1, 2}, {-1, 0}, {0, 1, 3}}) {
            assertThatThrownBy(() -> new TransposeCodec(bad)).as(Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permutation");
        }
        TransposeCodec t = new TransposeCodec(new int[] {1, 0});
        assertThatThrownBy(() -> t.encodedSpec(spec(DataType.INT8, 2, 3, 4))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A random chunk and permutation. */
    record Case(DataType type, long[] shape, int[] order, int[] second, long seed) {
        @Override
        public String toString() {
            return type + " " + Arrays.toString(shape) + " order " + Arrays.toString(order) + " then "
                    + Arrays.toString(second) + " seed " + seed;
        }
    }

    static Case cases(Gen g) {
        List<DataType> types = List.of(DataType.BOOL, DataType.INT16, DataType.FLOAT32, DataType.UINT64,
                DataType.COMPLEX128, DataType.rawBits(24));
        int rank = g.intIn(0, 5);
        long[] shape = g.longs(rank, 0, 6);
        long seed = g.anyLong();
        Random r = new Random(seed);
        return new Case(types.get(r.nextInt(types.size())), shape, permutation(rank, r), permutation(rank, r), seed);
    }

    private static int[] permutation(int rank, Random r) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            p.add(i);
        }
        Collections.shuffle(p, r);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void decodeInvertsEncode() {
        Properties.forAll(100, g -> {
            Case c = cases(g);
            NdBuffer a = TestArrays.random(c.type(), c.shape(), c.seed());
            TransposeCodec t = new TransposeCodec(c.order());
            ChunkSpec s = spec(c.type(), c.shape());
            NdBuffer e = t.encode(a, s);
            assertThat(e.shape()).as("%s", c).isEqualTo(t.encodedSpec(s).shape());
            assertThat(t.decode(e, s).contentEquals(a)).as("%s", c).isTrue();
        });
    }

    @Test
    void twoTransposesAreTheComposedTranspose() {
        Properties.forAll(100, g -> {
            Case c = cases(g);
            NdBuffer a = TestArrays.random(c.type(), c.shape(), c.seed());
            int[] p = c.order();
            int[] q = c.second();
            int[] composed = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                composed[i] = p[q[i]]; // out dim i = mid dim q[i] = in dim p[q[i]]
            }
            ChunkSpec s = spec(c.type(), c.shape());
            TransposeCodec tp = new TransposeCodec(p);
            NdBuffer twice = new TransposeCodec(q).encode(tp.encode(a, s), tp.encodedSpec(s));
            NdBuffer once = new TransposeCodec(composed).encode(a, s);
            assertThat(twice.contentEquals(once)).as("%s", c).isTrue();
        });
    }
}
