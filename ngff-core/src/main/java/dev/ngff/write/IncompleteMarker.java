package dev.ngff.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.IncompleteNodeException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.WritableStore;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The mark a bulk writer leaves at the root of its destination while the destination is incomplete:
 * the object {@value #NAME}, naming the job (what it does, its source and options, when it started,
 * who runs it) and the command that resumes it. Written before the writer changes anything, removed
 * after the last metadata document is published. Readers ({@link dev.ngff.array.Zarr#open}, the CLI's
 * info and export) refuse a node at or below a marked node with a one-line
 * {@link IncompleteNodeException} instead of showing fill values where data is missing. Immutable.
 *
 * @param job       what the writer does ({@code copy})
 * @param source    where the data comes from, as the user named it
 * @param options   the options that shape the output (a resume must use the same ones)
 * @param startedAt when the job first started
 * @param writer    who started it
 * @param resume    the command that finishes the job
 */
public record IncompleteMarker(String job, String source, Map<String, String> options, Instant startedAt,
                               LockHolder writer, String resume) {
    /** The marker object's name at the destination's root. */
    public static final String NAME = ".ngff-incomplete.json";

    public IncompleteMarker {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(resume, "resume");
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public static Key key(Key node) {
        return node.resolve(NAME);
    }

    /** Writes this marker at {@code node} (replacing any). */
    public void write(WritableStore store, Key node) throws IOException {
        ObjectNode o = Json.object();
        o.put("ngff_incomplete", 1);
        o.put("job", job);
        o.put("source", source);
        ObjectNode opts = o.putObject("options");
        options.forEach(opts::put);
        o.put("started_at", startedAt.toString());
        o.set("writer", writer.toJson());
        o.put("resume", resume);
        store.write(key(node), Json.write(o));
    }

    /** Removes the marker at {@code node}. */
    public static void remove(WritableStore store, Key node) throws IOException {
        store.delete(key(node));
    }

    /** The marker at {@code node}, if there is one. */
    public static Optional<IncompleteMarker> read(ReadableStore store, Key node) throws IOException {
        Key k = key(node);
        Optional<Bytes> b = store.read(k);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        String where = store.describe() + " '" + k + "'";
        JsonNode o = Json.parse(b.get(), where);
        try {
            Map<String, String> opts = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("options").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                opts.put(e.getKey(), e.getValue().asText());
            }
            return Optional.of(new IncompleteMarker(text(o, "job", where), text(o, "source", where), opts,
                    Instant.parse(text(o, "started_at", where)), LockHolder.fromJson(o.path("writer"), where),
                    text(o, "resume", where)));
        } catch (DateTimeParseException e) {
            throw new InvalidMetadataException(where + ": /started_at is not a time (" + e.getMessage() + ")");
        }
    }

    /**
     * Throws {@link IncompleteNodeException} when {@code path} or a node above it carries a marker.
     * Reads one small object per level (none is there in a finished hierarchy).
     */
    public static void requireComplete(ReadableStore store, Key path) throws IOException {
        requireComplete(store, path, null);
    }

    /**
     * As {@link #requireComplete(ReadableStore, Key)}, but stops above {@code checked}: an ancestor of
     * {@code path} whose levels up to the root were checked already (a group opened before); null
     * checks every level.
     */
    public static void requireComplete(ReadableStore store, Key path, Key checked) throws IOException {
        Key at = path;
        while (checked == null || !at.equals(checked)) {
            Optional<IncompleteMarker> m;
            try {
                m = read(store, at);
            } catch (InvalidMetadataException e) {
                throw new IncompleteNodeException(store.describe() + " '" + (at.isRoot() ? "/" : at.path())
                        + "' is marked incomplete by a bulk writer, and its marker is unreadable: " + e.getMessage());
            }
            if (m.isPresent()) {
                throw new IncompleteNodeException(m.get().describe(store, at));
            }
            if (at.isRoot()) {
                return;
            }
            at = at.parent();
        }
    }

    /** One line for people: what is incomplete, who left it so, how to finish it. */
    public String describe(ReadableStore store, Key node) {
        return store.describe() + " '" + (node.isRoot() ? "/" : node.path()) + "' is incomplete: " + job + " from "
                + source + " started " + startedAt + " by " + writer.describe() + " has not finished (it is running, or was interrupted); if it was interrupted, finish it with: "
                + resume;
    }

    private static String text(JsonNode o, String field, String where) throws InvalidMetadataException {
        return LockHolder.text(o, field, where);
    }
}
