package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.ChunkKeyEncoding;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Arrays whose chunk grid is far larger than what they store: listing instead of visiting the grid. */
class HugeGridTest {
    private final ExecutionContext ctx = ExecutionContext.create();
    private final MemoryStore store = new MemoryStore("mem");

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void shrinkingAHugeSparseGridDeletesTheStoredChunksOutside() throws Exception {
        long big = 1L << 62;
        ZarrArray a = Zarr.createArray(store, Key.of("a"), ArrayMetadata.builder(DataType.UINT8, big, big, big)
                .chunks(4, 4, 4).build(), ctx);
        NdBuffer ones = NdBuffer.filled(DataType.UINT8, new long[]{4, 4, 4}, new byte[]{1});
        for (long at : new long[]{0, 1L << 40, big - 4}) {
            a.write(new long[]{at, at, at}, ones);
        }
        ZarrArray small = a.resize(1L << 41, 1L << 41, 1L << 41); // finishes at once: 3 keys listed, not 2^180 visited
        assertThat(store.list(Key.of("a"))).extracting(Key::path)
                .containsExactlyInAnyOrder("a/zarr.json", "a/c/0/0/0", "a/c/274877906944/274877906944/274877906944");
        assertThat(small.read(new long[]{1L << 40, 1L << 40, 1L << 40}, new long[]{4, 4, 4}).contentEquals(ones)).isTrue();
    }

    @Test
    void chunkKeysDecodeBackToCoordinates() {
        ChunkKeyEncoding slash = ChunkKeyEncoding.DEFAULT_SLASH;
        assertThat(slash.decode(slash.encode(new long[]{3, 0, Long.MAX_VALUE}), 3)).get()
                .isEqualTo(new long[]{3, 0, Long.MAX_VALUE});
        assertThat(slash.decode("c/1/2", 3)).isEmpty();
        assertThat(slash.decode("c/1/02", 2)).isEmpty();
        assertThat(slash.decode("zarr.json", 2)).isEmpty();
        assertThat(slash.decode("c", 0)).get().isEqualTo(new long[0]);
        assertThat(ChunkKeyEncoding.V2_DOT.decode("4.5", 2)).get().isEqualTo(new long[]{4, 5});
        assertThat(ChunkKeyEncoding.V2_DOT.decode(".zarray", 2)).isEmpty();
        assertThat(ChunkKeyEncoding.V2_DOT.decode("99999999999999999999.1", 2)).isEmpty();
    }
}
