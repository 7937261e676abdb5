package dev.ngff.conformance;

import dev.ngff.array.Zarr;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

import static dev.ngff.conformance.FixtureSupport.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hand-made broken stores (written fresh into a temporary directory): each must fail with the right
 * {@link NgffException} subtype, and the message must name the key or the JSON pointer at fault.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private void file(String key, byte[] content) throws IOException {
        Path p = dir.resolve(key);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    private void file(String key, String content) throws IOException {
        file(key, content.getBytes(StandardCharsets.UTF_8));
    }

    private static String arrayJson(String shape, String chunks, String dataType, String codecs, String extra) {
        return """
                {"zarr_format": 3, "node_type": "array", "shape": %s, "data_type": "%s",
                 "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": %s}},
                 "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                 "fill_value": 0, "codecs": %s %s}
                """.formatted(shape, dataType, chunks, codecs, extra);
    }

    /** Opens the array at the temp root and reads it whole; returns what was thrown. */
    private Throwable openAndRead() {
        return catchThrowable(() -> Zarr.openArray(FileSystemStore.open(dir), Key.ROOT, ctx()).read());
    }

    private Throwable open() {
        return catchThrowable(() -> Zarr.open(FileSystemStore.open(dir), Key.ROOT, ctx()));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
            g.write(data);
        }
        return bos.toByteArray();
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    // ---- chunk data ----------------------------------------------------------------------------------

    @Test
    void truncatedGzipChunk() throws IOException {
        file("zarr.json", arrayJson("[64]", "[64]", "uint8", "[{\"name\": \"bytes\"}, {\"name\": \"gzip\", \"configuration\": {\"level\": 5}}]", ""));
        byte[] gz = gzip(counting(64));
        file("c/0", Arrays.copyOf(gz, gz.length / 2));
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).as("names the chunk key").contains("c/0");
    }

    @Test
    void gzipChunkWithTrailingGarbageOrWrongSize() throws IOException {
        file("zarr.json", arrayJson("[64]", "[64]", "uint8", "[{\"name\": \"bytes\"}, {\"name\": \"gzip\"}]", ""));
        file("c/0", gzip(counting(60))); // decodes fine, but to 60 bytes instead of 64
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0");
    }

    @Test
    void rawChunkOfWrongLength() throws IOException {
        file("zarr.json", arrayJson("[8]", "[8]", "int32", "[{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}]", ""));
        file("c/0", new byte[30]); // 8 x int32 needs 32
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0").containsAnyOf("30", "32");
    }

    @Test
    void v2RawChunkOfWrongLength() throws IOException {
        file(".zarray", """
                {"zarr_format": 2, "shape": [10], "chunks": [10], "dtype": "<u2", "compressor": null,
                 "fill_value": 0, "order": "C", "filters": null}""");
        file("0", new byte[21]);
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("'0'");
    }

    @Test
    void crc32cMismatch() throws IOException {
        file("zarr.json", arrayJson("[16]", "[16]", "uint8", "[{\"name\": \"bytes\"}, {\"name\": \"crc32c\"}]", ""));
        byte[] data = counting(16);
        CRC32C crc = new CRC32C();
        crc.update(data);
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.put(data).putInt((int) crc.getValue() ^ 1);
        file("c/0", b.array());
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0").containsIgnoringCase("crc32c");
    }

    // ---- sharding ------------------------------------------------------------------------------------

    private static final String SHARDED_NO_CRC = "[{\"name\": \"sharding_indexed\", \"configuration\": {"
            + "\"chunk_shape\": [2], \"codecs\": [{\"name\": \"bytes\"}],"
            + " \"index_codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}],"
            + " \"index_location\": \"end\"}}]";

    /** A 4-element uint8 shard of two inner chunks of 2, index (no checksum) at the end. */
    private byte[] shard(long off0, long len0, long off1, long len1) {
        ByteBuffer b = ByteBuffer.allocate(4 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {1, 2, 3, 4});
        b.putLong(off0).putLong(len0).putLong(off1).putLong(len1);
        return b.array();
    }

    @Test
    void validHandMadeShardReads() throws IOException {
        // sanity check for the two broken variants below
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", SHARDED_NO_CRC, ""));
        file("c/0", shard(0, 2, 2, 2));
        Throwable t = catchThrowable(() -> {
            var a = Zarr.openArray(FileSystemStore.open(dir), Key.ROOT, ctx()).read();
            assertThat(FixtureSupport.longs(a)).containsExactly(1, 2, 3, 4);
        });
        assertThat(t).isNull();
    }

    @Test
    void shardIndexPointsPastTheEnd() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", SHARDED_NO_CRC, ""));
        file("c/0", shard(0, 2, 1000, 2));
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0");
    }

    @Test
    void shardIndexClaims2To63Bytes() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", SHARDED_NO_CRC, ""));
        file("c/0", shard(0, 2, 2, Long.MIN_VALUE)); // nbytes = 2^63 as uint64
        Throwable t = openAndRead();
        assertThat(t).as("a hostile shard index must be reported, not allocated").isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0");
    }

    @Test
    void shardIndexOffsetNear2To64() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", SHARDED_NO_CRC, ""));
        file("c/0", shard(-2L /* 2^64 - 2 */, 4, 2, 2)); // offset + nbytes overflows
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0");
    }

    @Test
    void shardShorterThanItsIndex() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", SHARDED_NO_CRC, ""));
        file("c/0", new byte[] {1, 2, 3});
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(CorruptDataException.class);
        assertThat(t.getMessage()).contains("c/0");
    }

    // ---- metadata ------------------------------------------------------------------------------------

    @Test
    void malformedZarrJson() throws IOException {
        file("zarr.json", "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [1");
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains("zarr.json");
    }

    @Test
    void unknownCodec() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "uint8", "[{\"name\": \"bytes\"}, {\"name\": \"frobnicate\"}]", ""));
        Throwable t = open();
        assertThat(t).isInstanceOf(UnsupportedExtensionException.class);
        assertThat(t.getMessage()).contains("frobnicate");
    }

    @Test
    void unknownDataType() throws IOException {
        file("zarr.json", arrayJson("[4]", "[4]", "quaternion128", "[{\"name\": \"bytes\"}]", ""));
        Throwable t = open();
        assertThat(t).isInstanceOf(UnsupportedExtensionException.class);
        assertThat(t.getMessage()).contains("quaternion128").contains("/data_type").contains("zarr.json");
    }

    @Test
    void dimensionNamesOfWrongLength() throws IOException {
        file("zarr.json", arrayJson("[4, 4]", "[2, 2]", "uint8", "[{\"name\": \"bytes\"}]",
                ", \"dimension_names\": [\"y\", \"x\", \"z\"]"));
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains("/dimension_names").contains("zarr.json");
    }

    @Test
    void negativeShape() throws IOException {
        file("zarr.json", arrayJson("[4, -1]", "[2, 2]", "uint8", "[{\"name\": \"bytes\"}]", ""));
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains("/shape/1").contains("zarr.json");
    }

    @Test
    void zeroChunkShape() throws IOException {
        file("zarr.json", arrayJson("[4]", "[0]", "uint8", "[{\"name\": \"bytes\"}]", ""));
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains("/chunk_grid/configuration/chunk_shape/0");
    }

    @Test
    void hugeChunkShapeIsRejectedBeforeAllocating() throws IOException {
        file("zarr.json", arrayJson("[9007199254740992]", "[9007199254740992]", "float64", "[{\"name\": \"bytes\"}]", ""));
        file("c/0", new byte[8]);
        Throwable t = openAndRead();
        assertThat(t).isInstanceOf(NgffException.class);
        assertThat(t).isInstanceOfAny(InvalidMetadataException.class, CorruptDataException.class);
        assertThat(t.getMessage()).contains("zarr.json");
    }

    @Test
    void wrongZarrFormat() throws IOException {
        file("zarr.json", "{\"zarr_format\": 4, \"node_type\": \"group\"}");
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains("/zarr_format").contains("zarr.json");
    }

    @Test
    void malformedV2Zarray() throws IOException {
        file(".zarray", "{\"zarr_format\": 2, \"shape\": [10], \"chunks\": [\"a\"], \"dtype\": \"<u2\"}");
        Throwable t = open();
        assertThat(t).isInstanceOf(InvalidMetadataException.class);
        assertThat(t.getMessage()).contains(".zarray").contains("/chunks/0");
    }

    @Test
    void v2UnknownCompressor() throws IOException {
        file(".zarray", """
                {"zarr_format": 2, "shape": [10], "chunks": [10], "dtype": "<u2",
                 "compressor": {"id": "frobnicate"}, "fill_value": 0, "order": "C", "filters": null}""");
        Throwable t = open();
        assertThat(t).isInstanceOf(UnsupportedExtensionException.class);
        assertThat(t.getMessage()).contains("frobnicate");
    }
}
