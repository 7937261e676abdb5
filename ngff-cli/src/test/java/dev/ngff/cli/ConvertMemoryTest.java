package dev.ngff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff convert --memory}: a 256 MiB raw file into a sharded pyramid, verified against the source, in a JVM whose
 * heap (-Xmx128m) is half the file, with {@code --memory 64m} (the raw file's blocks are whole planes, so a level-0
 * block is 8 x 1024 x 1024 elements: 16 MiB, three copies of it in flight and a write buffer of as much).
 */
class ConvertMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aFileTwiceTheHeapConvertsWithinItsBudget() throws Exception {
        Path raw = dir.resolve("big.raw");
        int planes = 128;
        int h = 1024;
        int w = 1024;
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer plane = ByteBuffer.allocate(h * w * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int z = 0; z < planes; z++) {
                plane.clear();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        plane.putShort((short) ((x * 3 + y * 5 + z * 7) ^ (x * y >> 6)));
                    }
                }
                plane.flip();
                while (plane.hasRemaining()) {
                    ch.write(plane);
                }
            }
        }
        assertThat(Files.size(raw)).isEqualTo(256L << 20);
        Path out = dir.resolve("big.ome.zarr");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "convert", raw.toString(), out.toString(), "--raw", planes + "x" + h + "x" + w + ",uint16",
                "--chunks", "8,128,128", "--shards", "8,512,512", "--levels", "auto", "--memory", "64m", "--verify"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        System.out.println(text);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("verified " + out + ": 1 arrays");
        assertThat(out.resolve("3/zarr.json")).exists();
    }
}
