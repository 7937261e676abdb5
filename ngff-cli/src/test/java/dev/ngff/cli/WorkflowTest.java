package dev.ngff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** sample -> info -> copy (v3 to v2, to sharded v3 with gzip, back to v2) -> export, all in-process. */
class WorkflowTest {
    @TempDir
    Path dir;

    private ExecutionContext ctx;

    @BeforeEach
    void context() {
        ctx = ExecutionContext.create();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void sampleInfoCopyExport() throws IOException {
        Path sample = dir.resolve("sample.zarr");
        Cli.Result r = Cli.run("sample", sample, "--plain", "--shape", "16,96,80", "--chunks", "8,32,32", "--seed", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).matches("wrote 240\\.0 KiB \\(uncompressed\\) in \\d+\\.\\d\\d s: \\d+\\.\\d MiB/s, "
                + "18 chunks, \\d+\\.\\d KiB stored, 20 cells, seed 5\\R");
        ZarrArray src = open(sample);
        NdBuffer data = src.read();
        assertThat(src.metadata().attributes().path("generator").asText()).isEqualTo("ngff sample");
        assertThat(src.metadata().attributes().path("seed").asLong()).isEqualTo(5);

        Cli.Result info = Cli.run("info", sample);
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("/ (array, zarr v3)", "shape         16x96x80", "dtype         uint16",
                "chunks        8x32x32", "dimensions    z, y, x", "stored        18 of 18 chunks",
                "uncompressed  240.0 KiB", "attributes    generator, seed", "codecs        bytes(endian=little), ");
        assertThat(info.out()).doesNotContain("shards");

        JsonNode json = new ObjectMapper().readTree(Cli.run("info", "--json", sample).out());
        JsonNode node = json.get("nodes").get(0);
        assertThat(node.get("path").asText()).isEqualTo("/");
        assertThat(node.get("node_type").asText()).isEqualTo("array");
        assertThat(node.get("chunk_shape").toString()).isEqualTo("[8,32,32]");
        assertThat(node.get("shard_shape").isNull()).isTrue();
        assertThat(node.get("stored_chunks").asLong()).isEqualTo(18);
        assertThat(node.get("stored_bytes").asLong()).isPositive();
        assertThat(node.get("uncompressed_bytes").asLong()).isEqualTo(16 * 96 * 80 * 2);
        assertThat(node.get("compression_ratio").asDouble()).isGreaterThan(1.0);
        assertThat(node.get("attributes").get("seed").asLong()).isEqualTo(5);

        // v3 -> v2, keeping chunks and codecs
        Path v2 = dir.resolve("v2.zarr");
        Cli.Result c1 = Cli.run("copy", sample, v2, "--zarr-format", "2");
        assertThat(c1.code()).as(c1.err()).isZero();
        assertThat(c1.out()).matches("copied 240\\.0 KiB \\(uncompressed\\) in .* s: .* MiB/s, 18 chunks, .* stored\\R");
        assertThat(v2.resolve(".zarray")).exists();
        assertThat(v2.resolve("0.0.0")).exists();
        ZarrArray a2 = open(v2);
        assertThat(a2.zarrFormat()).isEqualTo(2);
        assertThat(a2.chunkShape()).containsExactly(8, 32, 32);
        assertThat(a2.attributes()).isEqualTo(src.attributes());
        assertThat(a2.read().contentEquals(data)).isTrue();

        // v3 -> sharded v3 with gzip, other inner chunks
        Path sharded = dir.resolve("sharded.zarr");
        Cli.Result c2 = Cli.run("copy", sample, sharded, "--chunks", "4,32,40", "--shards", "8,96,80",
                "--codec", "gzip", "--workers", "3");
        assertThat(c2.code()).as(c2.err()).isZero();
        assertThat(c2.out()).contains(", 2 chunks, ");
        ZarrArray a3 = open(sharded);
        assertThat(a3.chunkShape()).containsExactly(8, 96, 80);
        CodecSpec sharding = a3.metadata().codecs().getFirst();
        assertThat(sharding.name()).isEqualTo("sharding_indexed");
        assertThat(sharding.get("chunk_shape").toString()).isEqualTo("[4,32,40]");
        assertThat(sharding.get("codecs").get(1).get("name").asText()).isEqualTo("gzip");
        assertThat(sharding.get("index_codecs").toString()).contains("crc32c");
        assertThat(a3.read().contentEquals(data)).isTrue();
        assertThat(Cli.run("info", sharded).out()).contains("chunks        4x32x40", "shards        8x96x80",
                "stored        2 of 2 shards", "sharding_indexed(chunk_shape=4x32x40, codecs=[bytes(endian=little), gzip(level=5)]");

        // sharded v3 -> v2: sharding is dropped, the inner chunks become the chunks
        Path unsharded = dir.resolve("unsharded.zarr");
        assertThat(Cli.run("copy", sharded, unsharded, "--zarr-format", "2", "--codec", "none").code()).isZero();
        ZarrArray a4 = open(unsharded);
        assertThat(a4.chunkShape()).containsExactly(4, 32, 40);
        assertThat(a4.metadata().codecs()).extracting(CodecSpec::name).containsExactly("bytes");
        assertThat(a4.read().contentEquals(data)).isTrue();

        // export everything: header and bytes exactly
        Path npy = dir.resolve("all.npy");
        Cli.Result e1 = Cli.run("export", sharded, npy);
        assertThat(e1.code()).as(e1.err()).isZero();
        assertThat(e1.out()).startsWith("exported 16x96x80 <u2 (240.0 KiB) to ");
        assertNpy(npy, "(16, 96, 80)", data);

        // a region, streamed in slabs much smaller than the region
        Path part = dir.resolve("part.npy");
        Cli.Result e2 = Cli.run("export", sample, part, "--region", "2:5,10,-20:", "--slab-bytes", "30");
        assertThat(e2.code()).as(e2.err()).isZero();
        assertNpy(part, "(3, 1, 20)", data.copyRegion(new long[] {2, 10, 60}, new long[] {3, 1, 20}));

        // the whole array in slabs of a few rows of one plane
        Path slabs = dir.resolve("slabs.npy");
        assertThat(Cli.run("export", v2, slabs, "--slab-bytes", "700").code()).isZero();
        assertThat(Files.readAllBytes(slabs)).isEqualTo(Files.readAllBytes(npy));
    }

    @Test
    void sampleWritesExactlyTheRenderedVolume() throws IOException {
        Path s = dir.resolve("v2-2d.zarr");
        Cli.Result r = Cli.run("sample", s, "--plain", "--shape", "70,90", "--chunks", "32,32", "--zarr-format", "2",
                "--codec", "none", "--seed", "11", "--workers", "2");
        assertThat(r.code()).as(r.err()).isZero();
        ZarrArray a = open(s);
        assertThat(a.zarrFormat()).isEqualTo(2);
        assertThat(a.metadata().codecs()).extracting(CodecSpec::name).containsExactly("bytes");
        NdBuffer expected = NdBuffer.allocate(a.dataType(), 70, 90);
        SampleVolume.of(new long[] {70, 90}, 11).render(new long[2], expected);
        assertThat(a.read().contentEquals(expected)).isTrue();
        assertThat(Cli.run("info", s).out()).contains("(array, zarr v2)", "dtype         uint16 (<u2)", "stored        9 of 9 chunks");
    }

    @Test
    void shardedSample() throws IOException {
        Path s = dir.resolve("sharded-sample.zarr");
        Cli.Result r = Cli.run("sample", s, "--plain", "--shape", "8,64,64", "--chunks", "4,16,16", "--shards", "8,32,64",
                "--codec", "zstd:5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(", 2 chunks, ");
        ZarrArray a = open(s);
        assertThat(a.chunkShape()).containsExactly(8, 32, 64);
        NdBuffer expected = NdBuffer.allocate(a.dataType(), 8, 64, 64);
        SampleVolume.of(new long[] {8, 64, 64}, 1).render(new long[3], expected);
        assertThat(a.read().contentEquals(expected)).isTrue();
    }

    @Test
    void progressBarWhenAsked() {
        Path sample = dir.resolve("p.zarr");
        Cli.Result r = Cli.run("sample", sample, "--plain", "--shape", "4,64,64", "--progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("sample").contains("100%");
    }

    private ZarrArray open(Path p) throws IOException {
        return Zarr.openArray(FileSystemStore.open(p), Key.ROOT, ctx);
    }

    /** Checks the file is a .npy v1.0 of uint16 with the given shape tuple and exactly the buffer's bytes. */
    static void assertNpy(Path file, String shapeTuple, NdBuffer expected) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(all, 8)).isEqualTo(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
        assertThat((10 + headerLen) % 64).isZero();
        String header = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
        assertThat(header).matches("\\{'descr': '<u2', 'fortran_order': False, 'shape': "
                + java.util.regex.Pattern.quote(shapeTuple) + ", \\} *\\n");
        byte[] data = Arrays.copyOfRange(all, 10 + headerLen, all.length);
        assertThat(data).isEqualTo(expected.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
}
