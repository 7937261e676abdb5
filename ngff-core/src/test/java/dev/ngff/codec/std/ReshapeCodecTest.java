package dev.ngff.codec.std;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ArrayToArrayCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code reshape}: the contract for a flatten ({@code [-1]}) and for a merge of the two leading dimensions,
 * each form of the shape on known chunks, and every rule of the extension that a shape can break.
 */
class ReshapeCodecTest extends ArrayToArrayCodecContract {

    @Override
    protected ArrayToArrayCodec codec() throws Exception {
        return create("{\"shape\": [-1]}");
    }

    /** [[0, 1], -1]: the first two dimensions merged, the rest flattened; needs rank 2 and no empty leading extent. */
    @Nested
    class MergeContract extends ArrayToArrayCodecContract {
        @Override
        protected ArrayToArrayCodec codec() throws Exception {
            return create("{\"shape\": [[0, 1], -1]}");
        }

        @Override
        protected boolean supportsShape(long[] shape) {
            return shape.length >= 2 && shape[0] * shape[1] > 0;
        }
    }

    static ReshapeCodec create(String configuration) throws Exception {
        return (ReshapeCodec) CodecRegistry.standard().create(new CodecSpec("reshape",
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(configuration, "test")));
    }

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    private static long[] encodedShape(String configuration, long... decoded) throws Exception {
        return create(configuration).encodedSpec(spec(DataType.UINT8, decoded)).shape();
    }

    @Test
    void everyFormOfTheShape() throws Exception {
        assertThat(encodedShape("{\"shape\": [24]}", 4, 6)).containsExactly(24);
        assertThat(encodedShape("{\"shape\": [-1]}", 4, 6)).containsExactly(24);
        assertThat(encodedShape("{\"shape\": [2, 12]}", 4, 6)).containsExactly(2, 12);
        assertThat(encodedShape("{\"shape\": [-1, 3]}", 4, 6)).containsExactly(8, 3);
        assertThat(encodedShape("{\"shape\": [[0, 1], [2]]}", 2, 3, 4)).containsExactly(6, 4);
        assertThat(encodedShape("{\"shape\": [[0], [1, 2]]}", 2, 3, 4)).containsExactly(2, 12);
        // the extension's own example: chunk [100, 50, 64, 3] with [[0, 1], [2], 3]
        assertThat(encodedShape("{\"shape\": [[0, 1], [2], 3]}", 100, 50, 64, 3)).containsExactly(5000, 64, 3);
        // an empty list of input dimensions is an extent of 1
        assertThat(encodedShape("{\"shape\": [[], [0], [1]]}", 4, 6)).containsExactly(1, 4, 6);
    }

    @Test
    void elementsKeepTheirCOrder() throws Exception {
        NdBuffer a = TestArrays.arangeInt32(2, 3, 4);
        ReshapeCodec r = create("{\"shape\": [[0, 1], [2]]}");
        ChunkSpec s = spec(DataType.INT32, 2, 3, 4);
        NdBuffer e = r.encode(a, s);
        assertThat(e.shape()).containsExactly(6, 4);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(e.getInt(i, j)).isEqualTo(i * 4 + j);
            }
        }
        assertThat(r.decode(e, s).contentEquals(a)).isTrue();
    }

    @Test
    void variableLengthElementsMoveUnchanged() throws Exception {
        NdBuffer a = NdBuffer.ofStrings(new String[] {"a", "", "Grüße", "x", "\uD83D\uDE00", "z"}, 2, 3);
        ReshapeCodec r = create("{\"shape\": [3, 2]}");
        NdBuffer e = r.encode(a, spec(DataType.STRING, 2, 3));
        assertThat(e.shape()).containsExactly(3, 2);
        assertThat(e.toStrings()).containsExactly("a", "", "Grüße", "x", "\uD83D\uDE00", "z");
        assertThat(r.decode(e, spec(DataType.STRING, 2, 3)).getString(1, 1)).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void specRoundTripsThroughJson() throws Exception {
        ReshapeCodec r = create("{\"shape\": [[0, 1], -1, 3]}");
        assertThat(r.spec().configuration().toString()).isEqualTo("{\"shape\":[[0,1],-1,3]}");
        assertThat(create(r.spec().configuration().toString())).isEqualTo(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"shape\": 4}", "{\"shape\": []}", "{\"shape\": [0]}", "{\"shape\": [-2]}",
            "{\"shape\": [1.5]}", "{\"shape\": [\"4\"]}", "{\"shape\": [-1, -1]}", "{\"shape\": [[1], [0]]}",
            "{\"shape\": [[0, 0]]}", "{\"shape\": [[1, 0], 10]}", "{\"shape\": [[-1]]}", "{\"shape\": [24], \"order\": \"C\"}"})
    void invalidConfigurationsAreInvalidMetadata(String configuration) {
        assertThatThrownBy(() -> create(configuration)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("reshape");
    }

    @Test
    void shapesThatDoNotFitTheChunkAreRefusedWithTheChunkShape() {
        // element counts differ
        assertThatThrownBy(() -> encodedShape("{\"shape\": [25]}", 4, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("25 elements").hasMessageContaining("[4, 6]");
        // -1 cannot be resolved
        assertThatThrownBy(() -> encodedShape("{\"shape\": [-1, 5]}", 4, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        // an input dimension the chunk does not have
        assertThatThrownBy(() -> encodedShape("{\"shape\": [[0, 1, 2]]}", 4, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input dimension 2");
        // [[1], 4] on [4, 6]: the counts agree, but encoded dimension 0 would not be decoded dimension 1
        assertThatThrownBy(() -> encodedShape("{\"shape\": [[1], 4]}", 4, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line up");
    }

    @Test
    void aChunkOfTheWrongSizeIsCorrupt() throws Exception {
        ReshapeCodec r = create("{\"shape\": [-1]}");
        NdBuffer wrong = NdBuffer.allocate(DataType.UINT8, 23);
        assertThatThrownBy(() -> r.decode(wrong, spec(DataType.UINT8, 4, 6))).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("[23]").hasMessageContaining("[4, 6]");
    }

    @Test
    void encodingFixedSizeDataIsAViewNotACopy() throws Exception {
        NdBuffer a = TestArrays.arangeInt32(4, 6);
        NdBuffer e = create("{\"shape\": [-1]}").encode(a, spec(DataType.INT32, 4, 6));
        assertThat(e.segment().address()).isEqualTo(a.segment().address());
        assertThat(Arrays.equals(e.shape(), new long[] {24})).isTrue();
        assertThat(List.of(e.getInt(23))).containsExactly(23);
    }
}
