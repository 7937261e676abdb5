package dev.ngff.n5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.tiff.FileImage;
import dev.ngff.tiff.PeerScripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * N5 written by tensorstore's N5 driver (raw, gzip, zlib, zstd, blosc with lz4 and zstd, xz, bzip2 over seven
 * types, partial edge blocks, unwritten blocks) reads as tensorstore reads it; an N5-viewer multiscale group
 * maps to levels, axes and scales; lz4 blocks as n5-java writes them (lz4-java's LZ4Block stream) decode; bad
 * block headers fail with one line naming the block file.
 */
class N5PeerTest {
    @TempDir
    Path dir;

    @Test
    void tensorstoreN5ReadsAsTensorstoreReadsIt() throws Exception {
        Path data = PeerScripts.run("N5 PEER TEST", "n5_peer.py", dir, "tensorstore, numpy");
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (JsonNode e : new ObjectMapper().readTree(data.resolve("manifest.json").toFile())) {
            try {
                N5Dataset d = N5Dataset.open(data.resolve(e.get("path").asText()));
                NdBuffer all = d.read(new long[d.shape().length], d.shape());
                byte[] want = Files.readAllBytes(data.resolve(e.get("bin").asText()));
                if (!java.util.Arrays.equals(all.segment().toArray(ValueLayout.JAVA_BYTE), want)) {
                    failures.add(e.get("path").asText() + ": differs from tensorstore's read");
                }
                compared++;
            } catch (Exception ex) {
                failures.add(e.get("path").asText() + ": " + ex);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(compared).isEqualTo(58);

        FileImage img = N5Images.of(data.resolve("viewer.n5/setup"));
        assertThat(img.axes().stream().map(Axis::name).toList()).containsExactly("z", "y", "x");
        assertThat(img.axes().stream().map(Axis::unit).toList()).containsOnly("micrometer");
        assertThat(img.scale()).containsExactly(2.0, 0.25, 0.5);
        assertThat(img.levels()).hasSize(2);
        assertThat(img.levelScale(1)).containsExactly(4.0, 0.5, 1.0);
        for (int k = 0; k < 2; k++) {
            LevelSource s = img.levels().get(k);
            assertThat(s.read(new long[3], s.shape()).segment().toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(Files.readAllBytes(data.resolve("viewer-s" + k + ".bin")));
        }
    }

    /** A one-block N5 dataset of the given attributes and raw block file bytes. */
    private Path dataset(String name, String attributes, byte[] block) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d.resolve("0/0"));
        Files.writeString(d.resolve("attributes.json"), attributes);
        Files.write(d.resolve("0/0/0"), block);
        return d;
    }

    private static byte[] header(int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.putShort((short) 0).putShort((short) dims.length);
        for (int v : dims) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void lz4BlocksAsN5JavaWritesThem() throws Exception {
        // n5-java's Lz4Compression wraps the block in lz4-java's LZ4BlockOutputStream
        ByteBuffer values = ByteBuffer.allocate(2 * 3 * 4 * 2); // big-endian uint16, x fastest
        for (int i = 0; i < 24; i++) {
            values.putShort((short) (i * 1000));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header(4, 3, 2));
        try (net.jpountz.lz4.LZ4BlockOutputStream lz = new net.jpountz.lz4.LZ4BlockOutputStream(out, 1 << 16)) {
            lz.write(values.array());
        }
        Path d = dataset("lz4", "{\"dimensions\":[4,3,2],\"blockSize\":[4,3,2],\"dataType\":\"uint16\","
                + "\"compression\":{\"type\":\"lz4\",\"blockSize\":65536}}", out.toByteArray());
        N5Dataset ds = N5Dataset.open(d);
        assertThat(ds.shape()).containsExactly(2, 3, 4);
        NdBuffer all = ds.read(new long[3], ds.shape());
        for (int i = 0; i < 24; i++) {
            assertThat(all.getAsLong(i)).isEqualTo((i * 1000) & 0xffff);
        }
    }

    @Test
    void badBlockHeadersFailWithOneLine() throws Exception {
        String attrs = "{\"dimensions\":[4,3,2],\"blockSize\":[4,3,2],\"dataType\":\"uint8\",\"compression\":{\"type\":\"raw\"}}";
        Path big = dataset("big", attrs, header(4, 3, 1 << 30)); // a header asking for a gigantic block
        assertThatThrownBy(() -> N5Dataset.open(big).read(new long[3], new long[] {2, 3, 4}))
                .isInstanceOf(CorruptDataException.class)
                .hasMessage(big.resolve("0/0/0") + ": block header size 1073741824 in dimension 2 (at byte 12) is "
                        + "outside 1..2");
        Path cut = dataset("cut", attrs, java.util.Arrays.copyOf(header(4, 3, 2), 20)); // 4 bytes of 24
        assertThatThrownBy(() -> N5Dataset.open(cut).read(new long[3], new long[] {2, 3, 4}))
                .isInstanceOf(CorruptDataException.class).hasMessageNotContaining("\n")
                .hasMessageStartingWith(cut.resolve("0/0/0").toString());
        Path rank = dataset("rank", attrs, header(4, 3));
        assertThatThrownBy(() -> N5Dataset.open(rank).read(new long[3], new long[] {2, 3, 4}))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("names 2 dimensions");
    }
}
