package dev.ngff.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff convert --verify}: a clean conversion (directory and {@code .ozx}) verifies; a shard damaged after
 * the conversion is found by {@code --resume --verify} on the finished target, with one line naming the array and
 * the block, and exit code 1.
 */
class ConvertVerifyTest {
    private static final String RAW = "20x96x80,uint16";

    @TempDir
    static Path dir;
    static Path raw;

    @BeforeAll
    static void rawFile() throws Exception {
        long seed = 42;
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(20 * 96 * 80 * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putShort((short) r.nextInt());
        }
        raw = dir.resolve("stack.raw");
        Files.write(raw, b.array());
    }

    private static Cli.Result convert(Path out, String... more) {
        Object[] args = new Object[6 + more.length];
        args[0] = "convert";
        args[1] = raw;
        args[2] = out;
        args[3] = "--raw";
        args[4] = RAW;
        args[5] = "--verify";
        System.arraycopy(more, 0, args, 6, more.length);
        return Cli.run(args);
    }

    @Test
    void aCleanConversionVerifies() {
        Cli.Result r = convert(dir.resolve("clean.ome.zarr"), "--shards", "10,64,64", "--chunks", "5,32,32",
                "--levels", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("verified " + dir.resolve("clean.ome.zarr") + ": 1 arrays, ")
                .contains("equal to the source");
        Cli.Result again = convert(dir.resolve("clean.ome.zarr"), "--shards", "10,64,64", "--chunks", "5,32,32",
                "--levels", "2", "--resume");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("nothing to resume", "verified");
    }

    @Test
    void aDamagedShardIsNamed() throws Exception {
        Path out = dir.resolve("damaged.ome.zarr");
        String[] opts = {"--shards", "10,64,64", "--chunks", "5,32,32", "--codec", "none"};
        assertThat(convert(out, opts).code()).isZero();
        Path shard = out.resolve("0/c/1/1/0"); // z 10..20, y 64..96, x 0..64
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 3] ^= 0x5a;
        Files.write(shard, bytes);
        Cli.Result r = convert(out, append(opts, "--resume"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception")
                .contains(out + " '0' block [10:20, 64:96, 0:64] (object '0/c/1/1/0') differs from the source (crc32c ");
    }

    @Test
    void aDamagedCompressedShardIsNamed() throws Exception {
        Path out = dir.resolve("damaged-zstd.ome.zarr");
        String[] opts = {"--shards", "10,64,64", "--chunks", "5,32,32"};
        assertThat(convert(out, opts).code()).isZero();
        Path shard = out.resolve("0/c/0/0/1");
        byte[] bytes = Files.readAllBytes(shard);
        for (int i = 40; i < bytes.length - 200; i += 97) {
            bytes[i] ^= 0x33;
        }
        Files.write(shard, bytes);
        Cli.Result r = convert(out, append(opts, "--resume"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception")
                .contains(out + " '0' block [0:10, 0:64, 64:80] (object '0/c/0/0/1') cannot be read: ");
    }

    @Test
    void aSingleFileOmeZarrIsVerifiedAsPacked() throws Exception {
        Path ozx = dir.resolve("one.ozx");
        String[] opts = {"--shards", "10,64,64", "--chunks", "5,32,32", "--codec", "none"};
        Cli.Result r = convert(ozx, opts);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("verified " + ozx);
        byte[] zip = Files.readAllBytes(ozx);
        int at = indexOf(zip, "0/c/1/0/1".getBytes(StandardCharsets.US_ASCII));
        assertThat(at).isPositive();
        zip[at + 9 + 20 + 10] ^= 0x0f; // after the name and the ZIP64 extra field: the first inner chunk's 6th element
        Files.write(ozx, zip);
        Cli.Result bad = convert(ozx, append(opts, "--resume"));
        assertThat(bad.code()).as(bad.out()).isEqualTo(1);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("'0' block [10:20, 0:64, 64:80] (object '0/c/1/0/1') differs");
    }

    private static String[] append(String[] a, String s) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = s;
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
