package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code numcodecs.lzma}: the codec contract for .xz with each check, .lzma, and raw LZMA1/LZMA2 chains. */
class LzmaCodecTest extends BytesToBytesCodecContract {

    static ArrayNode chain(String json) throws Exception {
        return (ArrayNode) Json.parse(json, "test");
    }

    @Override
    protected List<BytesToBytesCodec> codecs() throws Exception {
        return List.of(new LzmaCodec(1, -1, null, null),
                new LzmaCodec(1, 0, 1, null),
                new LzmaCodec(1, 10, 3, null),
                new LzmaCodec(2, -1, 1, null),
                new LzmaCodec(3, -1, null, chain("[{\"id\": 33, \"preset\": 1}]")),
                new LzmaCodec(3, -1, null, chain("[{\"id\": 3, \"dist\": 4}, {\"id\": 33, \"dict_size\": 65536, \"lc\": 2}]")),
                new LzmaCodec(3, -1, null, chain("[{\"id\": 4611686018427387905, \"preset\": 2}]")));
    }

    @Test
    void autoFormatDecodesXzAndAlone() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 10_000, 3);
        LzmaCodec auto = new LzmaCodec(0, -1, null, null);
        for (LzmaCodec writer : List.of(new LzmaCodec(1, -1, 2, null), new LzmaCodec(2, -1, 2, null))) {
            Bytes enc = writer.encode(Bytes.wrap(data), specFor(data.length));
            assertThat(auto.decode(enc, specFor(data.length), data.length).toArray()).as("%s", writer).isEqualTo(data);
        }
        assertThatThrownBy(() -> auto.encode(Bytes.wrap(data), specFor(data.length)))
                .isInstanceOf(UnsupportedExtensionException.class);
    }

    @Test
    void badConfigurationsAreRefused() throws Exception {
        CodecRegistry r = CodecRegistry.standard();
        for (String bad : new String[] {"{\"format\": 7}", "{\"check\": 3}", "{\"preset\": 12}",
                "{\"format\": 3}", "{\"format\": 3, \"filters\": [{\"id\": 3}]}", "{\"filters\": 5}",
                "{\"format\": 1, \"filters\": [{\"id\": 33, \"bogus\": 1}]}", "{\"format\": 2, \"check\": 1}",
                "{\"prest\": 1}"}) {
            assertThatThrownBy(() -> r.create(new CodecSpec("numcodecs.lzma",
                    (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(bad, "t"))))
                    .as(bad).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("numcodecs.lzma");
        }
        assertThatThrownBy(() -> r.create(new CodecSpec("numcodecs.lzma", (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.parse("{\"format\": 3, \"filters\": [{\"id\": 4}, {\"id\": 33}]}", "t"))))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("filter id 4");
    }
}
