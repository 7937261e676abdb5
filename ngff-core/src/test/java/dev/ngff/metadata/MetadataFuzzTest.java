package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutations of real metadata documents (the {@code zarr.json}, {@code .zarray} and {@code .zattrs}
 * files of the shared fixtures): opening the node and reading its OME metadata either succeeds or fails
 * with an {@link InvalidMetadataException} or {@link UnsupportedExtensionException} whose one-line
 * message names the document; never another exception, never a stack overflow. Mutations are both
 * byte-level (flips, cuts, repeats, JSON punctuation) and structural (a random value replaced by a
 * hostile one: wrong types, huge or negative numbers, deep nesting, empty strings and containers).
 * Set {@code NGFF_FUZZ_SEED} to replay a run; {@code NGFF_FUZZ_ROUNDS} for more mutations per document.
 */
class MetadataFuzzTest {
    private static final Set<String> NAMES = Set.of("zarr.json", ".zarray", ".zattrs");
    private static final int DOCUMENTS = 160;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void mutatedRealMetadataFailsOnlyAsInvalidMetadata() throws Exception {
        long seed = Long.parseLong(System.getenv().getOrDefault("NGFF_FUZZ_SEED", String.valueOf(System.nanoTime())));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("NGFF_FUZZ_ROUNDS", "60"));
        System.out.println("MetadataFuzzTest seed " + seed + " (NGFF_FUZZ_SEED=" + seed + " replays it), rounds " + rounds);
        Random random = new Random(seed);
        List<Seed> docs = seeds(Fixtures.root());
        assertThat(docs).hasSizeGreaterThan(20);
        Map<String, String> failures = new LinkedHashMap<>();
        int attempts = 0;
        int opened = 0;
        try (ExecutionContext ctx = ExecutionContext.create()) {
            for (Seed doc : docs) {
                byte[] original = doc.bytes();
                String name = doc.name();
                for (int i = 0; i < rounds; i++) {
                    byte[] mutated = random.nextBoolean() ? mutateBytes(original, random) : mutateTree(original, random);
                    attempts++;
                    String problem = check(name, mutated, ctx);
                    if (problem == null) {
                        continue;
                    }
                    if (problem.equals(OPENED)) {
                        opened++;
                    } else {
                        failures.putIfAbsent(problem.substring(0, Math.min(problem.length(), 160)),
                                problem + "\n    from " + doc.origin() + "\n    document: " + preview(mutated));
                    }
                }
            }
        }
        System.out.println("MetadataFuzzTest: " + attempts + " mutated documents, " + opened + " opened, the rest rejected as invalid or unsupported, "
                + failures.size() + " distinct failures");
        assertThat(failures.values()).as("seed " + seed).isEmpty();
    }

    private static final String OPENED = "opened";

    /** {@link #OPENED} when the document opened, null when it was rejected properly; else what went wrong. */
    private static String check(String name, byte[] doc, ExecutionContext ctx) {
        MemoryStore store = new MemoryStore("fuzz");
        Key node = Key.of("n");
        store.write(node.resolve(name), Bytes.wrap(doc));
        if (name.equals(".zattrs")) {
            store.write(node.resolve(".zgroup"), Bytes.wrap("{\"zarr_format\":2}".getBytes(StandardCharsets.UTF_8)));
        }
        try {
            // the parsers first (whatever codecs this build has), then the codec pipeline of an array
            NodeMetadata meta = Zarr.readMetadata(store, node, ctx.codecs()).orElseThrow();
            OmeMetadata.parse(meta.attributes(), store.describe() + " '" + node + "' attributes");
            ZarrNode opened = Zarr.open(store, node, ctx);
            assertThat(opened.metadata().zarrFormat()).isEqualTo(meta.zarrFormat());
            if (opened instanceof dev.ngff.array.ZarrGroup g) {
                g.consolidated(); // the index of the subtree, when the document has one
            }
            return OPENED;
        } catch (InvalidMetadataException | UnsupportedExtensionException e) {
            String m = e.getMessage();
            if (m == null || m.contains("\n") || m.contains("[Source:") || !m.contains("'n")) {
                return "message not one line naming the document: " + m;
            }
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (RuntimeException | StackOverflowError e) {
            StackTraceElement top = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
            StackTraceElement ours = null;
            for (StackTraceElement s : e.getStackTrace()) {
                if (s.getClassName().startsWith("dev.ngff.") && !s.getClassName().contains("Test")) {
                    ours = s;
                    break;
                }
            }
            return e.getClass().getSimpleName() + " at " + (ours != null ? ours : top) + ": " + e.getMessage();
        }
    }

    /** A document to mutate: its file name in the node, where it came from, its bytes. */
    private record Seed(String name, String origin, byte[] bytes) {
    }

    /**
     * Every n-th fixture document, plus v3 groups whose consolidated metadata holds fixture documents
     * (the fixtures have none), so that entry keys and nested entries get mutated too.
     */
    private static List<Seed> seeds(Path root) throws IOException {
        List<Seed> out = new ArrayList<>();
        List<Path> docs = documents(root);
        List<JsonNode> v3 = new ArrayList<>();
        for (Path p : docs) {
            byte[] b = Files.readAllBytes(p);
            out.add(new Seed(p.getFileName().toString(), p.toString(), b));
            if (p.getFileName().toString().equals("zarr.json")) {
                try {
                    v3.add(Json.parse(Bytes.wrap(b), p.toString()));
                } catch (InvalidMetadataException e) {
                    // a fixture of invalid metadata: no use as an entry
                }
            }
        }
        for (int i = 0; i + 2 < v3.size(); i += 3) {
            ObjectNode entries = F.objectNode();
            entries.set("a", v3.get(i));
            entries.set("a/b", v3.get(i + 1));
            entries.set("c", v3.get(i + 2));
            ObjectNode group = F.objectNode().put("zarr_format", 3).put("node_type", "group");
            group.set("consolidated_metadata", F.objectNode().put("kind", "inline").put("must_understand", false)
                    .set("metadata", entries));
            out.add(new Seed("zarr.json", "consolidated group of fixtures #" + i, Json.write(group).toArray()));
        }
        return out;
    }

    private static List<Path> documents(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> NAMES.contains(p.getFileName().toString()) && Files.isRegularFile(p))
                    .filter(p -> sizeOf(p) < 64 << 10).sorted().toList();
        }
        List<Path> picked = new ArrayList<>();
        double step = Math.max(1.0, all.size() / (double) DOCUMENTS);
        for (double i = 0; i < all.size() && picked.size() < DOCUMENTS; i += step) {
            picked.add(all.get((int) i));
        }
        return picked;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- mutations

    private static final byte[] PUNCTUATION = "{}[]\":,-0123456789.eE+nulltruefalse\\ \u0000".getBytes(StandardCharsets.UTF_8);

    private static byte[] mutateBytes(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[at] = PUNCTUATION[r.nextInt(PUNCTUATION.length)];
                case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> { // cut a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                default -> { // repeat a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    private static byte[] mutateTree(byte[] in, Random r) {
        JsonNode root;
        try {
            root = Json.parse(Bytes.wrap(in), "fixture");
        } catch (InvalidMetadataException e) {
            return mutateBytes(in, r);
        }
        int n = 1 + r.nextInt(2);
        for (int k = 0; k < n; k++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            if (containers.isEmpty()) {
                break;
            }
            JsonNode c = containers.get(r.nextInt(containers.size()));
            if (c instanceof ObjectNode o && !o.isEmpty()) {
                List<String> fields = new ArrayList<>();
                o.fieldNames().forEachRemaining(fields::add);
                String f = fields.get(r.nextInt(fields.size()));
                switch (r.nextInt(6)) {
                    case 0 -> o.remove(f);
                    case 1 -> o.set(f + (r.nextBoolean() ? "_" : ""), o.remove(f));
                    default -> o.set(f, hostile(r, o.get(f)));
                }
            } else if (c instanceof ArrayNode a && !a.isEmpty()) {
                int i = r.nextInt(a.size());
                switch (r.nextInt(5)) {
                    case 0 -> a.remove(i);
                    case 1 -> a.add(a.get(i).deepCopy());
                    default -> a.set(i, hostile(r, a.get(i)));
                }
            }
        }
        String text = new String(Json.write(root).toArray(), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"@@DEEP(\\d+)@@\"").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int depth = Integer.parseInt(m.group(1));
            m.appendReplacement(sb, "[".repeat(depth) + "]".repeat(depth));
        }
        m.appendTail(sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(c -> collect(c, out));
        }
    }

    private static JsonNode hostile(Random r, JsonNode was) {
        return switch (r.nextInt(18)) {
            case 0 -> F.nullNode();
            case 1 -> F.numberNode(-1);
            case 2 -> F.numberNode(0);
            case 3 -> F.numberNode(Long.MAX_VALUE);
            case 4 -> F.numberNode(Long.MIN_VALUE);
            case 5 -> F.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 6 -> F.numberNode(1e308 * 10);
            case 7 -> F.numberNode(0.5);
            case 8 -> F.textNode("");
            case 9 -> F.textNode("x");
            case 10 -> F.arrayNode();
            case 11 -> F.objectNode();
            case 12 -> F.booleanNode(r.nextBoolean());
            case 13 -> F.textNode("@@DEEP" + (1 + r.nextInt(3000)) + "@@"); // nested arrays, spliced in as text
            case 14 -> F.numberNode(Integer.MAX_VALUE + 1L);
            case 15 -> F.arrayNode().add(F.numberNode(-5)).add(F.numberNode(Long.MAX_VALUE));
            case 16 -> was.isTextual() ? F.textNode(was.textValue() + "\u0000/..") : F.textNode(was.toString());
            default -> was.isArray() ? F.arrayNode().addAll(List.of(F.numberNode(1 << 30), F.numberNode(1 << 30),
                    F.numberNode(1 << 30), F.numberNode(1 << 30))) : F.numberNode(-(1L << 62));
        };
    }

    private static String preview(byte[] doc) {
        String s = new String(doc, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
