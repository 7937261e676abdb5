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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code zarrs.squeeze}: the contract, the shapes zarrs gives, and what it refuses. */
class SqueezeCodecTest extends ArrayToArrayCodecContract {

    @Override
    protected ArrayToArrayCodec codec() throws Exception {
        return (ArrayToArrayCodec) CodecRegistry.standard().create(CodecSpec.of("zarrs.squeeze"));
    }

    private static ChunkSpec spec(long... shape) {
        return new ChunkSpec(shape, DataType.INT32, FillValue.zero(DataType.INT32));
    }

    @Test
    void dropsEveryExtentOfOne() {
        SqueezeCodec s = new SqueezeCodec();
        assertThat(s.encodedSpec(spec(1, 4, 1, 6)).shape()).containsExactly(4, 6);
        assertThat(s.encodedSpec(spec(4, 6)).shape()).containsExactly(4, 6);
        assertThat(s.encodedSpec(spec(1, 1, 1)).shape()).containsExactly(1);
        assertThat(s.encodedSpec(spec()).shape()).containsExactly(1);
    }

    @Test
    void valuesKeepTheirOrder() throws Exception {
        NdBuffer a = TestArrays.arangeInt32(1, 3, 1, 2);
        NdBuffer e = new SqueezeCodec().encode(a, spec(1, 3, 1, 2));
        assertThat(e.shape()).containsExactly(3, 2);
        assertThat(e.getInt(2, 1)).isEqualTo(5);
        assertThat(new SqueezeCodec().decode(e, spec(1, 3, 1, 2)).contentEquals(a)).isTrue();
    }

    @Test
    void takesNoConfigurationAndRefusesWrongSizedChunks() {
        assertThatThrownBy(() -> CodecRegistry.standard().create(new CodecSpec("zarrs.squeeze",
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"axes\": [0]}", "test"))))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("axes");
        assertThatThrownBy(() -> new SqueezeCodec().decode(NdBuffer.allocate(DataType.INT32, 5), spec(1, 6)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("zarrs.squeeze");
    }
}
