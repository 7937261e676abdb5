package dev.ngff.conformance;

import dev.ngff.array.Zarr;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static dev.ngff.conformance.FixtureSupport.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every Zarr node in the fixture tree (a directory holding {@code zarr.json}, {@code .zarray} or
 * {@code .zgroup}) written by another implementation: its metadata must parse, or fail as an unsupported
 * extension; only the documents that are malformed upstream (PROVENANCE.md) may fail as invalid. Any
 * other exception (a RuntimeException from a parser, say) is a bug.
 */
class MetadataSweepTest {
    /** Malformed JSON upstream (PROVENANCE.md section 1). */
    static final Set<String> MALFORMED_UPSTREAM = Set.of(
            "ngff/dev/tests/zarr/spec/invalid/plate/zero_field_count.ome.zarr",
            "ngff/dev/tests/zarr/spec/invalid/label/colors_rgba_length.ome.zarr");

    static Stream<String> nodes() throws IOException {
        Path base = root();
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(p -> Set.of("zarr.json", ".zarray", ".zgroup").contains(p.getFileName().toString()))
                    .map(p -> base.relativize(p.getParent()).toString())
                    .filter(r -> !r.startsWith("zarr-python/main-zarr-metadata")) // loose documents, see ZarrPythonMetadataTest
                    .distinct().sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodes")
    void metadataParses(String rel) {
        Path dir = root().resolve(rel);
        Throwable t = catchThrowable(() -> {
            Optional<NodeMetadata> m = Zarr.readMetadata(FileSystemStore.open(dir), Key.ROOT);
            assertThat(m).as("%s has metadata", rel).isPresent();
        });
        if (t == null) {
            return;
        }
        if (MALFORMED_UPSTREAM.contains(rel)) {
            assertThat(t).isInstanceOf(InvalidMetadataException.class);
            assertThat(t.getMessage()).contains("zarr.json");
            return;
        }
        assertThat(t).as("%s: metadata written by another implementation must parse or be reported as an "
                + "unsupported extension", rel).isInstanceOf(UnsupportedExtensionException.class);
    }
}
