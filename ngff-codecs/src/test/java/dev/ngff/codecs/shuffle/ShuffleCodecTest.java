package dev.ngff.codecs.shuffle;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** numcodecs' shuffle filter: the codec contract and the layout on a small worked example. */
class ShuffleCodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new ShuffleCodec("numcodecs.shuffle", 4), new ShuffleCodec("numcodecs.shuffle", 3),
                new ShuffleCodec("numcodecs.shuffle", 1));
    }

    @Override
    protected boolean detectsEveryBitFlip() {
        return false;
    }

    @Test
    void layoutGroupsTheBytesOfEachPosition() throws Exception {
        byte[] in = {1, 2, 3, 4, 5, 6, 7};
        ChunkSpec spec = new ChunkSpec(new long[] {3}, DataType.UINT16, FillValue.zero(DataType.UINT16));
        byte[] out = new ShuffleCodec("numcodecs.shuffle", 2).encode(Bytes.wrap(in), spec).toArray();
        assertThat(out).as("the odd byte stays").containsExactly(1, 3, 5, 2, 4, 6, 7);
        assertThat(new ShuffleCodec("numcodecs.shuffle", 0).encode(Bytes.wrap(in), spec).toArray())
                .as("elementsize 0 copies, as numcodecs does").containsExactly(in);
        assertThatThrownBy(() -> new ShuffleCodec("numcodecs.shuffle", 2).decode(Bytes.wrap(in), spec, 6))
                .isInstanceOf(CorruptDataException.class);
    }
}
