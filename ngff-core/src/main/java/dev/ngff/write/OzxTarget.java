package dev.ngff.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.OzxWriter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A bulk write into a single-file OME-Zarr ({@code .ozx}) in one pass: an {@link OzxWriter} planned with every
 * node's {@code zarr.json} (known before any data is written), and beside the archive a small directory
 * ({@code NAME.ozx.state}, {@link #STATE_SUFFIX}) holding the writer state that must not go into the archive
 * (the writer lock, the incomplete marker, the block journal). {@link #finish()} writes the central directory
 * and removes that directory; a run killed before leaves both, and {@link #open} with {@code resume} continues
 * the archive (see {@link OzxWriter#resume}).
 *
 * <p>The archive comment {@code {"ome":{"version":"..."}}} (NUL-terminated) marks RFC-9's recommended variant,
 * which also asks for sharding: it is written only when every array is sharded. Not thread-safe itself; its
 * {@link #store()} is.
 */
public final class OzxTarget implements Closeable {
    /** Appended to the archive's file name for the directory of writer state. */
    public static final String STATE_SUFFIX = ".state";

    private final Path archive;
    private final Path stateDir;
    private final FileSystemStore state;
    private final FileSystemStore partialShards;
    private final OzxWriter writer;
    private final boolean recommended;

    /** The subdirectory of the state directory where incomplete shards wait ({@link #partialShardStore()}). */
    public static final String PARTIAL_SHARDS = OzxWriter.STATE_PREFIX + "partial-shards";

    private OzxTarget(Path archive, Path stateDir, FileSystemStore state, FileSystemStore partialShards, OzxWriter writer,
                      boolean recommended) {
        this.partialShards = partialShards;
        this.archive = archive;
        this.stateDir = stateDir;
        this.state = state;
        this.writer = writer;
        this.recommended = recommended;
    }

    /** The directory of writer state beside {@code archive}. */
    public static Path stateDir(Path archive) {
        return archive.resolveSibling(archive.getFileName() + STATE_SUFFIX);
    }

    /**
     * Starts ({@code resume} false: any file at {@code archive} is replaced) or continues the archive of the
     * hierarchy whose nodes are {@code nodes} (node path to its metadata, as it will be written).
     *
     * @param durable force the archive to disk before and after its central directory
     * @throws InvalidMetadataException the root is no Zarr v3 node with {@code attributes.ome.version}
     * @throws dev.ngff.error.WriterLockedException another writer has the archive open
     */
    public static OzxTarget open(Path archive, Map<Key, ? extends NodeMetadata> nodes, boolean resume, boolean durable)
            throws IOException {
        String version = omeVersion(archive, nodes);
        List<OzxWriter.Slot> slots = new ArrayList<>();
        boolean allSharded = true;
        for (Map.Entry<Key, ? extends NodeMetadata> e : nodes.entrySet()) {
            ObjectNode doc = MetadataFormat.toV3(e.getValue());
            slots.add(OzxWriter.Slot.exact(e.getKey().resolve("zarr.json"), Json.write(doc)));
            if (e.getValue() instanceof ArrayMetadata
                    && !"sharding_indexed".equals(doc.path("codecs").path(0).path("name").asText())) {
                allSharded = false;
            }
        }
        Path stateDir = stateDir(archive);
        Files.createDirectories(stateDir); // before the archive: an archive with no state beside it is finished
        FileSystemStore state = FileSystemStore.open(stateDir);
        Files.createDirectories(stateDir.resolve(PARTIAL_SHARDS));
        FileSystemStore partialShards = FileSystemStore.open(stateDir.resolve(PARTIAL_SHARDS));
        OzxWriter.Options options = OzxWriter.Options.of(slots).withCompanion(state).withDurable(durable)
                .withComment(allSharded ? "{\"ome\":{\"version\":\"" + version + "\"}}\u0000" : OzxWriter.NO_COMMENT);
        try {
            OzxWriter w = resume ? OzxWriter.resume(archive, options) : OzxWriter.create(archive, options);
            return new OzxTarget(archive, stateDir, state, partialShards, w, allSharded);
        } catch (IOException | RuntimeException e) {
            partialShards.close();
            state.close();
            throw e;
        }
    }

    private static String omeVersion(Path archive, Map<Key, ? extends NodeMetadata> nodes)
            throws InvalidMetadataException {
        NodeMetadata root = nodes.get(Key.ROOT);
        String version = root == null || root.zarrFormat() != 3 ? ""
                : root.attributes().path("ome").path("version").asText("");
        if (version.isEmpty()) {
            throw new InvalidMetadataException(archive + ": .ozx holds Zarr v3 OME-Zarr (0.5 or newer); the root has "
                    + "no zarr.json with attributes.ome.version");
        }
        return version;
    }

    /** The store to write the hierarchy and the writer state into. */
    public OzxWriter store() {
        return writer;
    }

    /**
     * Where writers stage shards written before they are complete
     * ({@link dev.ngff.write.ArrayWriter.Options#partialShardStore()}), so that the archive, which keeps every
     * version of an entry, receives each shard once: {@value #PARTIAL_SHARDS} in the state directory, a
     * directory store (it survives a kill; a resumed writer replaces what it finds there before merging).
     */
    public FileSystemStore partialShardStore() {
        return partialShards;
    }

    /** Whether the archive gets RFC-9's comment (every array sharded). */
    public boolean recommendedVariant() {
        return recommended;
    }

    /**
     * Writes the central directory, closes the archive and removes the state directory: the archive is then
     * complete for every reader.
     */
    public void finish() throws IOException {
        writer.finish();
        close();
        try (Stream<Path> s = Files.walk(stateDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Closes the archive unfinished (resumable) unless {@link #finish()} ran. */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            try {
                partialShards.close();
            } finally {
                state.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ozx:" + archive;
    }
}
