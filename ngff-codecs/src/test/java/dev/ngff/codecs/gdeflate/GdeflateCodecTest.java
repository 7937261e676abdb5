package dev.ngff.codecs.gdeflate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * zarrs.gdeflate: zarrs' stored chunks decode and our encoding of their content equals them byte for byte;
 * multi-page framing; hostile frames (short headers, lengths past the bound or the data, page counts that do
 * not match, trailing bytes, corrupt pages) are {@link CorruptDataException}s naming the codec, page and byte;
 * configuration is checked. Skips loudly without the native library, and fails under CI.
 */
class GdeflateCodecTest {
    private static final String SNAPSHOTS = "zarrs/snapshots/supported/regular";

    static void needsLibrary() {
        dev.ngff.testing.Requirements.require("GDEFLATE TESTS", GdeflateCodec.isAvailable() ? null
                : GdeflateCodec.unavailabilityCause().orElse("?") + " (the ngff-codecs build needs cargo; scripts/rust-pco.sh installs it)");
    }

    @BeforeAll
    static void beforeAll() {
        needsLibrary();
    }

    private static ChunkSpec spec(long n) {
        return new ChunkSpec(new long[] {n}, DataType.UINT8, FillValue.zero(DataType.UINT8));
    }

    /** Every chunk file of zarrs' gdeflate snapshot arrays. */
    private static List<Path> zarrsChunks() throws Exception {
        Path root = Fixtures.path(SNAPSHOTS);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().contains("/b2b/zarrs.gdeflate"))
                    .filter(p -> !p.getFileName().toString().equals("zarr.json"))
                    .sorted().toList();
        }
    }

    @Test
    void zarrsChunksDecodeAndReencodeToTheSameBytes() throws Exception {
        List<Path> chunks = zarrsChunks();
        assertThat(chunks).as("zarrs gdeflate chunks under " + SNAPSHOTS).hasSizeGreaterThan(38);
        GdeflateCodec codec = new GdeflateCodec(5); // the snapshot arrays' configured level
        for (Path chunk : chunks) {
            byte[] stored = Files.readAllBytes(chunk);
            long decodedSize = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            Bytes decoded = codec.decode(Bytes.wrap(stored), spec(decodedSize), decodedSize);
            assertThat(decoded.size()).as(chunk.toString()).isEqualTo(decodedSize);
            MemorySegment into = Arena.ofAuto().allocate(decodedSize);
            codec.decodeInto(Bytes.wrap(stored), spec(decodedSize), into);
            assertThat(Bytes.wrap(into).toArray()).as(chunk.toString()).isEqualTo(decoded.toArray());
            assertThat(codec.encode(decoded, spec(decodedSize)).toArray()).as("re-encoding " + chunk).isEqualTo(stored);
        }
    }

    @Test
    void largeInputsAreFramedAsPagesOf64KiB() throws Exception {
        byte[] data = new byte[3 * GdeflateCodec.PAGE_SIZE + 1234];
        new Random(7).nextBytes(data);
        for (int i = 0; i < data.length; i += 3) {
            data[i] = 0; // compressible, yet not trivially
        }
        GdeflateCodec codec = new GdeflateCodec(9);
        byte[] enc = codec.encode(Bytes.wrap(data), spec(data.length)).toArray();
        ByteBuffer b = ByteBuffer.wrap(enc).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(0)).isEqualTo(data.length);
        assertThat(b.getLong(8)).isEqualTo(4);
        long sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += b.getLong(16 + 8 * i);
        }
        assertThat(16 + 32 + sum).isEqualTo(enc.length);
        assertThat(codec.decode(Bytes.wrap(enc), spec(data.length), data.length).toArray()).isEqualTo(data);
    }

    private static byte[] valid(int n) throws Exception {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 7 % 251);
        }
        return new GdeflateCodec(5).encode(Bytes.wrap(data), spec(n)).toArray();
    }

    private static void rejects(byte[] frame, long bound, String... parts) throws Exception {
        GdeflateCodec codec = new GdeflateCodec(5);
        var thrown = assertThatThrownBy(() -> codec.decode(Bytes.wrap(frame), spec(bound), bound))
                .isInstanceOf(CorruptDataException.class).hasMessageStartingWith("zarrs.gdeflate: ");
        for (String p : parts) {
            thrown.hasMessageContaining(p);
        }
    }

    @Test
    void hostileFramesAreRejectedBeforeAllocation() throws Exception {
        int n = 2 * GdeflateCodec.PAGE_SIZE + 10;
        byte[] ok = valid(n);
        rejects(new byte[15], n, "shorter than the 16-byte header");

        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        rejects(huge, n, "at byte 0", "decoded bytes");
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L); // 2^64 - 1 unsigned
        rejects(huge, n, "18446744073709551615");

        byte[] pages = ok.clone();
        ByteBuffer.wrap(pages).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 2);
        rejects(pages, n, "at byte 8", "2 pages", "expected 3");
        ByteBuffer.wrap(pages).order(ByteOrder.LITTLE_ENDIAN).putLong(8, Long.MAX_VALUE);
        rejects(pages, n, "pages");

        // a huge claimed length with a matching huge page count still fails on the bytes present
        byte[] claim = new byte[16];
        ByteBuffer.wrap(claim).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 30).putLong(8, (1L << 30) / 65536);
        rejects(claim, 1L << 31, "16384 page sizes need");

        byte[] pageSize = ok.clone();
        ByteBuffer.wrap(pageSize).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 1L << 50);
        rejects(pageSize, n, "page 1 size at byte 24");

        byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 3);
        rejects(trailing, n, "3 bytes after the last page");

        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 1);
        rejects(truncated, n, "page 2 size at byte 32");

        byte[] corrupt = ok.clone();
        int firstPage = 16 + 24;
        for (int i = firstPage; i < firstPage + 16; i++) {
            corrupt[i] = (byte) 0xFF;
        }
        rejects(corrupt, n, "page 0", "at byte 40");

        GdeflateCodec codec = new GdeflateCodec(5);
        MemorySegment small = MemorySegment.ofArray(new byte[n - 1]);
        assertThatThrownBy(() -> codec.decodeInto(Bytes.wrap(ok), spec(n), small))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("zarrs.gdeflate");
    }

    /** Any overwritten word or random frame is rejected or decodes within the bound; the property prints its seed. */
    @Test
    void mangledFramesAreRejectedOrBounded() {
        Properties.forAll(300, g -> {
            int n = g.intIn(0, 200_000);
            int word = g.intIn(0, 40);
            long value = g.anyLong();
            long seed = g.anyLong();
            byte[] f = valid(n);
            Random r = new Random(seed);
            if (r.nextBoolean()) {
                int at = Math.min(8 * word, f.length - 8);
                ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
            } else {
                f[r.nextInt(f.length)] ^= (byte) (1 + r.nextInt(255));
            }
            GdeflateCodec codec = new GdeflateCodec(5);
            try {
                assertThat(codec.decode(Bytes.wrap(f), spec(n), n).size()).isLessThanOrEqualTo(n);
            } catch (CorruptDataException expected) {
                assertThat(expected.getMessage()).startsWith("zarrs.gdeflate: ");
            }
        });
    }

    @Test
    void configurationIsChecked() throws Exception {
        CodecRegistry registry = CodecRegistry.standard();
        assertThat(registry.supports("zarrs.gdeflate")).isTrue();
        ObjectNode level = JsonNodeFactory.instance.objectNode().put("level", 12);
        assertThat(registry.create(new CodecSpec("zarrs.gdeflate", level))).isEqualTo(new GdeflateCodec(12));
        assertThat(new GdeflateCodec(3).spec().configuration().toString()).isEqualTo("{\"level\":3}");
        for (ObjectNode bad : List.of(JsonNodeFactory.instance.objectNode().put("level", 13),
                JsonNodeFactory.instance.objectNode().put("level", -1),
                JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode().put("level", 5).put("page_size", 4))) {
            assertThatThrownBy(() -> registry.create(new CodecSpec("zarrs.gdeflate", bad)))
                    .as(bad.toString()).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("zarrs.gdeflate");
        }
    }
}
