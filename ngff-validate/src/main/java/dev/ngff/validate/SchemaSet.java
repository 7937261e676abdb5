package dev.ngff.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The official OME-NGFF JSON schemas, loaded from a directory (they are not shipped with ngff-engine) and
 * keyed by their {@code $id} ({@code https://ngff.openmicroscopy.org/<version>/schemas/<name>.schema}).
 * Every {@code *.schema} file below the directory is loaded, so the ngff-spec checkout layout
 * ({@code 0.4/schemas/...}, {@code 0.5/schemas/...}) works as it is. References between schemas resolve
 * within the set; nothing is fetched from the network. Thread-safe.
 */
public final class SchemaSet {
    /** Environment variable naming the schema directory. */
    public static final String ENV = "NGFF_SCHEMAS";
    /** System property naming the schema directory (wins over the environment). */
    public static final String PROPERTY = "ngff.schemas";
    private static final String BASE = "https://ngff.openmicroscopy.org/";

    private final Path source;
    private final Map<String, String> byId;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private SchemaSet(Path source, Map<String, String> byId) {
        this.source = source;
        this.byId = Map.copyOf(byId);
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaLoaders(l -> l.schemas(this.byId)));
    }

    /** Loads every {@code *.schema} file below {@code dir}; a file without {@code $id} is an error naming it. */
    public static SchemaSet load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.io.FileNotFoundException("schema directory " + dir + " does not exist");
        }
        Map<String, String> byId = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".schema")).sorted(Comparator.naturalOrder()).toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            JsonNode n = Json.parse(text, f.toString());
            JsonNode id = n.get("$id");
            if (id == null || !id.isTextual()) {
                throw new InvalidMetadataException(f + ": /$id: a schema needs a string $id");
            }
            byId.put(id.textValue(), text);
        }
        if (byId.isEmpty()) {
            throw new java.io.FileNotFoundException("no *.schema files below " + dir);
        }
        return new SchemaSet(dir, byId);
    }

    /** The schemas named by {@value #PROPERTY} or {@value #ENV}, when one is set. */
    public static Optional<SchemaSet> fromConfiguration() throws IOException {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(load(Path.of(dir)));
    }

    public Path source() {
        return source;
    }

    /** How many schemas were loaded. */
    public int size() {
        return byId.size();
    }

    /** The {@code $id} of a schema by version and name ({@code "0.5"}, {@code "image"}). */
    public static String id(String version, String name) {
        return BASE + version + "/schemas/" + name + ".schema";
    }

    public boolean has(String id) {
        return byId.containsKey(id);
    }

    /** The versions the set has schemas for, as the strings in their ids. */
    public List<String> versions() {
        List<String> out = new ArrayList<>();
        for (String id : byId.keySet()) {
            if (id.startsWith(BASE)) {
                String v = id.substring(BASE.length(), id.indexOf('/', BASE.length()));
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * Validates a document against the schema with this {@code $id}; each violation as a pointer (into
     * the document) and a message. An unknown id is an {@link IllegalArgumentException}.
     */
    public List<Violation> validate(String id, JsonNode document) {
        if (!byId.containsKey(id)) {
            throw new IllegalArgumentException("no schema with $id " + id + " in " + source);
        }
        JsonSchema schema = compiled.computeIfAbsent(id, k -> factory.getSchema(SchemaLocation.of(k)));
        List<Violation> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(document)) {
            String ptr = m.getInstanceLocation() == null ? "" : toPointer(m.getInstanceLocation().toString());
            out.add(new Violation(ptr, m.getMessage()));
        }
        out.sort(Comparator.comparing(Violation::pointer));
        return out;
    }

    /** networknt writes instance locations as {@code $.a.b[0]}; we report JSON pointers ({@code /a/b/0}). */
    static String toPointer(String path) {
        String p = path.startsWith("$") ? path.substring(1) : path;
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
                    j++;
                }
                sb.append('/').append(p, i + 1, j);
                i = j;
            } else if (c == '[') {
                int j = p.indexOf(']', i);
                if (j < 0) {
                    j = p.length();
                }
                String inner = p.substring(i + 1, j);
                if (inner.startsWith("'") && inner.endsWith("'") && inner.length() >= 2) {
                    inner = inner.substring(1, inner.length() - 1);
                }
                sb.append('/').append(inner);
                i = j + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** One schema violation. */
    public record Violation(String pointer, String message) {
    }

    @Override
    public String toString() {
        return "SchemaSet[" + byId.size() + " schemas from " + source + "]";
    }
}
