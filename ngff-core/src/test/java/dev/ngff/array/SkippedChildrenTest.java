package dev.ngff.array;

import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ZipStore;
import dev.ngff.testing.HugeZips;
import dev.ngff.testing.HugeZips.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Children whose names cannot be keys ({@code a\b}, {@code ..}) are reported as skipped, not dropped silently. */
class SkippedChildrenTest {
    private static final String GROUP = "{\"zarr_format\":3,\"node_type\":\"group\"}";

    @TempDir
    Path dir;

    /** Listing needs no executor limits; the standard registry is enough. */
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults());

    @Test
    void aFileSystemGroupReportsABackslashChild() throws Exception {
        Path root = Files.createDirectories(dir.resolve("h.zarr"));
        Files.writeString(root.resolve("zarr.json"), GROUP);
        Files.createDirectories(root.resolve("a\\b"));
        Files.writeString(root.resolve("a\\b").resolve("zarr.json"), GROUP);
        Files.createDirectories(root.resolve("ok"));
        Files.writeString(root.resolve("ok").resolve("zarr.json"), GROUP);
        ZarrGroup g = Zarr.openGroup(FileSystemStore.open(root), Key.ROOT, ctx);
        ZarrGroup.ChildListing children = g.listChildren();
        assertThat(children.names()).containsExactly("ok");
        assertThat(children.skipped()).containsExactly("a\\b");
        assertThat(g.childNames()).containsExactly("ok");
    }

    @Test
    void aZipGroupReportsUnreachableEntriesAtTheirLevel() throws Exception {
        Path zip = HugeZips.write(dir.resolve("h.zip"), Entry.small("zarr.json", GROUP),
                Entry.small("a\\b/zarr.json", GROUP), Entry.small("ok/zarr.json", GROUP),
                Entry.small("ok/../zarr.json", GROUP), Entry.small("ok/x\\y", "1"));
        try (ZipStore store = ZipStore.open(zip)) {
            ZarrGroup g = Zarr.openGroup(store, Key.ROOT, ctx);
            assertThat(g.listChildren().names()).containsExactly("ok");
            assertThat(g.listChildren().skipped()).containsExactly("a\\b");
            assertThat(store.listDir(Key.of("ok")).skipped()).containsExactly("..", "x\\y");
        }
    }
}
