package dev.ngff.write;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.IncompleteNodeException;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Readers refuse nodes below an incomplete marker, and new arrays appear only when published. */
class IncompleteMarkerTest {
    private final ExecutionContext ctx = ExecutionContext.create();
    private final MemoryStore store = new MemoryStore("mem");

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void openSaysIncompleteInsteadOfNotFoundOrFillValues() throws Exception {
        ZarrArray a = Zarr.newArray(store, Key.of("g/a"), ArrayMetadata.builder(DataType.UINT8, 4).chunks(2).build(), ctx);
        a.write(NdBuffer.wrap(DataType.UINT8, new long[]{4}, java.lang.foreign.MemorySegment.ofArray(new byte[]{1, 2, 3, 4})));
        assertThatThrownBy(() -> Zarr.open(store, Key.of("g/a"), ctx)).isInstanceOf(NodeNotFoundException.class);
        a.publish();
        IncompleteMarker m = new IncompleteMarker("copy", "src.zarr", Map.of("codec", "zstd"), Instant.parse("2026-01-01T00:00:00Z"),
                LockHolder.currentProcess("ngff copy src.zarr dst"), "ngff copy --resume src.zarr dst");
        m.write(store, Key.ROOT);
        assertThat(IncompleteMarker.read(store, Key.ROOT)).contains(m);
        for (String p : new String[]{"", "g", "g/a", "g/missing"}) {
            assertThatThrownBy(() -> Zarr.open(store, Key.of(p), ctx))
                    .isInstanceOf(IncompleteNodeException.class)
                    .hasMessageContaining("is incomplete")
                    .hasMessageContaining("src.zarr")
                    .hasMessageContaining("ngff copy --resume src.zarr dst")
                    .hasMessageNotContaining("\n");
        }
        IncompleteMarker.remove(store, Key.ROOT);
        Zarr.createGroup(store, Key.of("g"), GroupMetadata.of(3, dev.ngff.metadata.Json.object()), ctx);
        assertThat(((dev.ngff.array.ZarrGroup) Zarr.open(store, Key.of("g"), ctx)).open("a")).isInstanceOf(ZarrArray.class);
        m.write(store, Key.of("g/a"));
        assertThatThrownBy(() -> ((dev.ngff.array.ZarrGroup) Zarr.open(store, Key.of("g"), ctx)).open("a"))
                .isInstanceOf(IncompleteNodeException.class);
    }

    @Test
    void extendToPublishesTheNewExtentOnlyOnPublish() throws Exception {
        ZarrArray a = Zarr.newArray(store, Key.of("a"), ArrayMetadata.builder(DataType.UINT8, 0, 2).chunks(2, 2).build(), ctx).publish();
        ZarrArray grown = a.extendTo(2, 2);
        grown.write(NdBuffer.filled(DataType.UINT8, new long[]{2, 2}, new byte[]{7}));
        assertThat(Zarr.openArray(store, Key.of("a"), ctx).shape()).containsExactly(0, 2);
        grown.publish();
        assertThat(Zarr.openArray(store, Key.of("a"), ctx).shape()).containsExactly(2, 2);
        assertThat(Zarr.openArray(store, Key.of("a"), ctx).read().contentEquals(
                NdBuffer.filled(DataType.UINT8, new long[]{2, 2}, new byte[]{7}))).isTrue();
        assertThatThrownBy(() -> grown.extendTo(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
