package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.error.CorruptDataException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code numcodecs.bz2}: the codec contract at several block sizes, and concatenated streams. */
class Bz2CodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new Bz2Codec(1), new Bz2Codec(9));
    }

    @Test
    void concatenatedStreamsDecodeToTheirConcatenation() throws Exception {
        Bz2Codec bz2 = new Bz2Codec(5);
        byte[] a = content(Content.TEXT_LIKE, 5000, 1);
        byte[] b = content(Content.RANDOM, 300, 2);
        Bytes both = Bytes.concat(bz2.encode(Bytes.wrap(a), specFor(a.length)), bz2.encode(Bytes.wrap(b), specFor(b.length)));
        byte[] expected = new byte[a.length + b.length];
        System.arraycopy(a, 0, expected, 0, a.length);
        System.arraycopy(b, 0, expected, a.length, b.length);
        assertThat(bz2.decode(both, specFor(expected.length), expected.length).toArray()).isEqualTo(expected);
    }

    @Test
    void levelsOutsideOneToNineAreRefused() {
        assertThatThrownBy(() -> new Bz2Codec(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bz2Codec(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bz2Codec(1).decode(Bytes.wrap(new byte[] {'B', 'Z'}), specFor(1), 1))
                .isInstanceOf(CorruptDataException.class);
    }
}
