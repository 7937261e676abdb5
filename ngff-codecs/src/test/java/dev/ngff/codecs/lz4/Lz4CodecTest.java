package dev.ngff.codecs.lz4;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** numcodecs' lz4: the codec contract, the size-prefix layout, hostile prefixes and configuration checks. */
class Lz4CodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new Lz4Codec("numcodecs.lz4", 1), new Lz4Codec("numcodecs.lz4", 10));
    }

    private static final Lz4Codec LZ4 = new Lz4Codec("numcodecs.lz4", 1);

    @Test
    void layoutIsASizePrefixAndARawBlock() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 10_000, 1);
        byte[] enc = LZ4.encode(Bytes.wrap(data), specFor(data.length)).toArray();
        assertThat(ByteBuffer.wrap(enc).order(ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(10_000);
        byte[] back = LZ4Factory.safeInstance().safeDecompressor().decompress(enc, 4, enc.length - 4, 10_000);
        assertThat(back).as("the pure-Java lz4 decoder reads the block").isEqualTo(data);
    }

    @Test
    void hostileSizePrefixIsRejectedBeforeAllocating() {
        byte[] enc = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 0x10, 0x41};
        assertThatThrownBy(() -> LZ4.decode(Bytes.wrap(enc), specFor(100), 100))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("2147483647");
        assertThatThrownBy(() -> LZ4.decode(Bytes.wrap(new byte[] {5, 0, 0, 0}), specFor(5), 5))
                .isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> LZ4.decode(Bytes.wrap(new byte[] {5, 0}), specFor(5), 5))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("truncated");
    }

    @Test
    void configuration() throws Exception {
        CodecRegistry r = CodecRegistry.standard();
        CodecSpec s = new CodecSpec("numcodecs.lz4", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"acceleration\": 3}", "t"));
        assertThat(r.create(s)).isEqualTo(new Lz4Codec("numcodecs.lz4", 3));
        assertThat(r.create(s).spec()).isEqualTo(s);
        assertThat(((Lz4Codec) r.create(CodecSpec.of("numcodecs.lz4"))).acceleration()).isEqualTo(1);
        CodecSpec bad = new CodecSpec("numcodecs.lz4", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"accel\": 3}", "t"));
        assertThatThrownBy(() -> r.create(bad)).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("accel");
    }
}
