package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.ZipStore;
import dev.ngff.testing.HugeZips;
import dev.ngff.testing.HugeZips.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Huge metadata documents and huge zip entries cost no more memory than the configured limits: a 1 GiB
 * {@code zarr.json} (stored or deflated in a zip, or a sparse file) is refused after reading at most the
 * limit, and a chunk entry that honestly holds 1 GiB is reported by its size without being read. Memory is
 * measured as the bytes the JVM's threads allocate meanwhile (what a bounded heap would have to hold), so
 * the check holds whatever heap the test JVM has.
 */
class MetadataSizeLimitTest {
    private static final String ARRAY = """
            {"zarr_format":3,"node_type":"array","shape":[4],"data_type":"uint8",
             "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}""";
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void aGigabyteZarrJsonInAZipIsRefusedWithinTheLimit() throws Exception {
        for (boolean deflated : new boolean[] {false, true}) {
            Path zip = HugeZips.write(dir.resolve("big-" + deflated + ".zip"),
                    deflated ? Entry.deflatedZeros("zarr.json", 1024) : Entry.storedZeros("zarr.json", 1024));
            try (ZipStore store = ZipStore.open(zip)) {
                assertThat(store.size(Key.of("zarr.json"))).hasValue(1024 * MIB);
                long allocated = allocatedBy(() -> assertThatThrownBy(() -> Zarr.open(store, Key.ROOT, ctx))
                        .isInstanceOf(InvalidMetadataException.class)
                        .hasMessage(store.describe() + " 'zarr.json': metadata document larger than the 64 MiB limit"
                                + " on metadata documents"));
                // the limit (64 MiB) and the reader's buffers; the whole document would be 1,024 MiB
                assertThat(allocated).as("bytes allocated, deflated=" + deflated).isLessThan(200 * MIB);
            }
        }
    }

    @Test
    void theLimitIsConfigurableAndAppliesToEveryStoreAndDocument() throws Exception {
        ExecutionContext small = ExecutionContext.create(ExecutionContext.Config.defaults().withMaxMetadataBytes(1000));
        MemoryStore mem = new MemoryStore("m");
        String padded = ARRAY + " ".repeat(1000);
        mem.write(Key.of("a/zarr.json"), Bytes.wrap(padded.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> Zarr.open(mem, Key.of("a"), small)).isInstanceOf(InvalidMetadataException.class)
                .hasMessage("memory:m 'a/zarr.json': metadata document larger than the 1000 bytes limit on metadata documents");
        assertThat(Zarr.open(mem, Key.of("a"), ctx)).isInstanceOf(ZarrArray.class);

        mem.write(Key.of("g/.zgroup"), Bytes.wrap("{\"zarr_format\":2}".getBytes(StandardCharsets.UTF_8)));
        mem.write(Key.of("g/.zattrs"), Bytes.wrap(("{\"k\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> Zarr.open(mem, Key.of("g"), small)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageStartingWith("memory:m 'g/.zattrs': metadata document larger than");
        mem.write(Key.of("g/.zattrs"), Bytes.wrap("{}".getBytes(StandardCharsets.UTF_8)));
        mem.write(Key.of("g/.zmetadata"), Bytes.wrap(("{\"metadata\":{},\"pad\":\"" + "x".repeat(2000) + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> Zarr.open(mem, Key.of("g"), small)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageStartingWith("memory:m 'g/.zmetadata': metadata document larger than");
        assertThatThrownBy(() -> ExecutionContext.Config.defaults().withMaxMetadataBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSparseGigabyteZarrJsonOnDiskIsRefusedWithinTheLimit() throws Exception {
        Path root = Files.createDirectories(dir.resolve("fs.zarr"));
        try (FileChannel ch = FileChannel.open(root.resolve("zarr.json"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), 1024 * MIB - 1);
        }
        ReadableStore store = FileSystemStore.open(root);
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> Zarr.open(store, Key.ROOT, ctx))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("'zarr.json': metadata document larger than the 64 MiB limit"));
        assertThat(allocated).isLessThan(200 * MIB);
    }

    @Test
    void aChunkEntryThatHoldsAGigabyteIsReportedWithoutBeingRead() throws Exception {
        Path zip = HugeZips.write(dir.resolve("chunk.zip"), Entry.small("zarr.json", ARRAY),
                Entry.deflatedZeros("c/0", 1024));
        try (ZipStore store = ZipStore.open(zip)) {
            ZarrArray a = Zarr.openArray(store, Key.ROOT, ctx);
            long allocated = allocatedBy(() -> {
                assertThat(store.size(Key.of("c/0"))).hasValue(1024 * MIB);
                assertThatThrownBy(a::read).isInstanceOf(CorruptDataException.class)
                        .hasMessageContaining("got 1073741824 bytes, expected 4");
            });
            assertThat(allocated).isLessThan(64 * MIB);
        }
    }

    /** Bytes allocated on the heap by all threads (chunk reads run on virtual threads) while {@code body} ran. */
    private static long allocatedBy(ThrowingRunnable body) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getTotalThreadAllocatedBytes();
        body.run();
        return threads.getTotalThreadAllocatedBytes() - before;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    static {
        // a JVM that cannot count allocations would make the memory checks meaningless
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot measure allocated bytes per thread");
        }
    }
}
