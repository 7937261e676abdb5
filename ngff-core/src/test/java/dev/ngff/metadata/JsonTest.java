package dev.ngff.metadata;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Json#parse} reads with the streaming parser, not with an {@link ObjectMapper} (start-up time): it must give
 * the trees (node classes included) and the error messages that the mapper's tree reader gave, which this test keeps
 * as the oracle, on the shared fixtures' metadata documents, on random documents and on seeded byte-level mutations of
 * both. {@link Json#compact} must give {@link JsonNode#toString()}'s text. {@code NGFF_JSON_SEED} replays a run.
 */
class JsonTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The reader Json used before: the mapper, configured as it was, and its tree reader. */
    private static final ObjectMapper ORACLE = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final String LOCATION = "file:/x.zarr 'a/zarr.json'";

    @Test
    void handPickedDocumentsReadAsTheMapperReadThem() {
        List<String> docs = List.of("", " ", "\n\t", "{}", "[]", "null", "0", "-0", "1.5", "\"s\"", "true", "NaN",
                "-Infinity", "Infinity", "[NaN, -Infinity]", "{\"a\":1,\"a\":2}", "{\"a\":1}{", "{\"a\":1} 2", "[1] [",
                "{\"a\":1}}", "{\"a\":", "{\"a\"", "{\"a\" 1}", "[1,]", "[1,2", "{,}", "nul", "tru", "'a'",
                "{\"a\":1,}", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
                "-9223372036854775809", "123456789012345678901234567890", "1e400", "-1e-400", "1E2", "0.1e-2",
                "01", "1.", ".5", "+1", "\"\\u00e9\\ud83d\\ude00\"", "\"\\x\"", "\"a\nb\"", "\"unterminated",
                "[\"" + "\u00e9\u4e2d" + "\"]", "\u00ef\u00bb\u00bf{}", "{\"a\":[{\"b\":[[],{}]}],\"c\":null}",
                "/* c */ {}", "{\"a\":1 // c\n}", "[1 2]", "{\"a\":1 \"b\":2}", "\u0000", "[\"\u0001\"]",
                "[" + "[".repeat(999) + "]".repeat(999) + "]", "[".repeat(1001) + "]".repeat(1001),
                "[".repeat(3000), "{\"a\":" .repeat(1200) + "1" + "}".repeat(1200), "1".repeat(1001),
                "0." + "1".repeat(1200), "\"" + "x".repeat(100_000) + "\"");
        for (String d : docs) {
            assertSameOutcome(d.getBytes(StandardCharsets.UTF_8), d);
        }
        assertSameOutcome(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}, "invalid UTF-8 start");
        assertSameOutcome(new byte[] {'"', (byte) 0xc3, '"'}, "truncated UTF-8 sequence");
        assertSameOutcome(new byte[] {'[', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ']'}, "encoded surrogate");
    }

    @Test
    void fixtureDocumentsAndTheirMutationsReadAsTheMapperReadThem() throws IOException {
        long seed = seed();
        Random random = new Random(seed);
        List<byte[]> docs = fixtureDocuments(Fixtures.root());
        assertThat(docs).hasSizeGreaterThan(20);
        int failed = 0;
        for (byte[] doc : docs) {
            assertSameOutcome(doc, "fixture (seed " + seed + ")");
            for (int i = 0; i < 8; i++) {
                byte[] m = mutate(doc, random);
                failed += assertSameOutcome(m, "mutated fixture (seed " + seed + ")") ? 0 : 1;
            }
        }
        assertThat(failed).as("mutations that were errors (the error paths were exercised)").isPositive();
    }

    @Test
    void randomDocumentsAndTheirMutationsReadAsTheMapperReadThem() {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 0; i < 1500; i++) {
            String text = randomText(random, 0);
            byte[] doc = text.getBytes(StandardCharsets.UTF_8);
            assertThat(assertSameOutcome(doc, "random document (seed " + seed + ")")).as(text).isTrue();
            assertSameOutcome(mutate(doc, random), "mutated random document (seed " + seed + ")");
        }
    }

    @Test
    void compactTextIsToStringsText() throws InvalidMetadataException {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 0; i < 1500; i++) {
            JsonNode n = Json.parse(randomText(random, 0), "random");
            assertThat(Json.compact(n)).as("seed " + seed).isEqualTo(n.toString());
            JsonNode built = randomTree(random, 0);
            assertThat(Json.compact(built)).as("seed " + seed).isEqualTo(built.toString());
        }
        ArrayNode odd = F.arrayNode().add(F.binaryNode(new byte[] {1, 2, 3})).add(F.pojoNode(List.of(1)));
        assertThat(Json.compact(odd)).isEqualTo(odd.toString());
        assertThat(Json.compact(F.numberNode(Float.NaN))).isEqualTo(F.numberNode(Float.NaN).toString());
    }

    @Test
    void nodesAreTheMappersNodes() {
        assertThat(Json.nodes()).isSameAs(ORACLE.getNodeFactory());
        assertThat(Json.object()).isEqualTo(ORACLE.createObjectNode());
    }

    private static long seed() {
        long seed = Long.parseLong(System.getenv().getOrDefault("NGFF_JSON_SEED", String.valueOf(System.nanoTime())));
        System.out.println("JsonTest seed " + seed + " (NGFF_JSON_SEED=" + seed + " replays it)");
        return seed;
    }

    /** Asserts that the mapper and Json.parse agree on the document; true when it parsed. */
    private static boolean assertSameOutcome(byte[] doc, String what) {
        String expected = oracle(doc);
        String actual;
        try {
            actual = "tree " + shape(Json.parse(Bytes.wrap(doc), LOCATION));
        } catch (InvalidMetadataException e) {
            actual = "error " + e.getMessage();
        }
        assertThat(actual).as(what + ": " + preview(doc)).isEqualTo(expected);
        return expected.startsWith("tree ");
    }

    /** What the mapper-based reader returned: the tree's shape, or its error message (as the exception words it). */
    private static String oracle(byte[] doc) {
        String r = oracleText(doc);
        return r.startsWith("error ") ? "error " + new InvalidMetadataException(r.substring(6)).getMessage() : r;
    }

    private static String oracleText(byte[] doc) {
        try (JsonParser p = ORACLE.createParser(doc)) {
            JsonNode n = ORACLE.readTree(p);
            if (n == null || n.isMissingNode()) {
                return "error " + LOCATION + ": empty JSON document";
            }
            return "tree " + shape(n);
        } catch (JsonProcessingException e) {
            return "error " + LOCATION + ": malformed JSON" + at(e.getLocation()) + ": " + Json.plain(e.getOriginalMessage());
        } catch (IOException e) {
            return "error " + LOCATION + ": malformed JSON: " + Json.plain(e.getMessage());
        }
    }

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The tree with every node's class: equal shapes are equal trees of the same node types. */
    private static String shape(JsonNode n) {
        StringBuilder b = new StringBuilder();
        shape(n, b);
        return b.toString();
    }

    private static void shape(JsonNode n, StringBuilder b) {
        b.append(n.getClass().getSimpleName()).append('(');
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                b.append(e.getKey().length()).append(':').append(e.getKey()).append('=');
                shape(e.getValue(), b);
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                shape(c, b);
            }
        } else {
            b.append(n.asText().length()).append(':').append(n.asText());
        }
        b.append(')');
    }

    private static List<byte[]> fixtureDocuments(Path root) throws IOException {
        Set<String> names = Set.of("zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata");
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> names.contains(p.getFileName().toString()) && Files.isRegularFile(p)).sorted().toList();
        }
        List<byte[]> out = new ArrayList<>();
        int step = Math.max(1, all.size() / 200);
        for (int i = 0; i < all.size(); i += step) {
            if (Files.size(all.get(i)) < 256 << 10) {
                out.add(Files.readAllBytes(all.get(i)));
            }
        }
        return out;
    }

    private static final String[] PUNCTUATION = {"{", "}", "[", "]", ",", ":", "\"", "\\", "NaN", "1e999", "-",
        "null", "{\"k\":1}", "\"k\":", " ", "\n", "0", "/", "\u00e9", "\u0000"};

    private static byte[] mutate(byte[] doc, Random r) {
        if (doc.length == 0) {
            return PUNCTUATION[r.nextInt(PUNCTUATION.length)].getBytes(StandardCharsets.UTF_8);
        }
        int at = r.nextInt(doc.length);
        return switch (r.nextInt(6)) {
            case 0 -> java.util.Arrays.copyOf(doc, at); // cut
            case 1 -> { // flip a bit
                byte[] m = doc.clone();
                m[at] ^= (byte) (1 << r.nextInt(8));
                yield m;
            }
            case 2 -> { // delete a byte
                byte[] m = new byte[doc.length - 1];
                System.arraycopy(doc, 0, m, 0, at);
                System.arraycopy(doc, at + 1, m, at, doc.length - at - 1);
                yield m;
            }
            case 3 -> concat(doc, " " + PUNCTUATION[r.nextInt(PUNCTUATION.length)]); // trailing tokens
            default -> { // insert punctuation
                byte[] p = PUNCTUATION[r.nextInt(PUNCTUATION.length)].getBytes(StandardCharsets.UTF_8);
                byte[] m = new byte[doc.length + p.length];
                System.arraycopy(doc, 0, m, 0, at);
                System.arraycopy(p, 0, m, at, p.length);
                System.arraycopy(doc, at, m, at + p.length, doc.length - at);
                yield m;
            }
        };
    }

    private static byte[] concat(byte[] doc, String tail) {
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] m = java.util.Arrays.copyOf(doc, doc.length + t.length);
        System.arraycopy(t, 0, m, doc.length, t.length);
        return m;
    }

    /** A random, valid JSON text (NaN and infinities included, which the reader allows). */
    private static String randomText(Random r, int depth) {
        int kind = depth > 5 ? 2 + r.nextInt(8) : r.nextInt(10);
        return switch (kind) {
            case 0 -> {
                StringBuilder b = new StringBuilder("{");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(ws(r)).append('"').append("k").append(i)
                            .append(r.nextBoolean() ? "\\u00e9" : "").append("\":").append(ws(r)).append(randomText(r, depth + 1));
                }
                yield b.append(ws(r)).append('}').toString();
            }
            case 1 -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(ws(r)).append(randomText(r, depth + 1));
                }
                yield b.append(ws(r)).append(']').toString();
            }
            case 2 -> String.valueOf(r.nextInt(10) < 5 ? r.nextInt(1000) - 500 : r.nextInt());
            case 3 -> String.valueOf(r.nextBoolean() ? r.nextLong() : (long) Integer.MAX_VALUE + 1 + r.nextInt(100));
            case 4 -> new BigInteger(70 + r.nextInt(100), r).multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1)).toString();
            case 5 -> switch (r.nextInt(6)) {
                case 0 -> "NaN";
                case 1 -> "-Infinity";
                case 2 -> String.valueOf(r.nextDouble() * 1e6);
                case 3 -> r.nextInt(100) + "e" + (r.nextInt(700) - 350);
                case 4 -> "0." + new BigInteger(200, r);
                default -> String.valueOf(r.nextGaussian());
            };
            case 6 -> "\"" + randomString(r) + "\"";
            case 7 -> r.nextBoolean() ? "true" : "false";
            case 8 -> "null";
            default -> "\"" + "abc".repeat(r.nextInt(4)) + "\"";
        };
    }

    private static String ws(Random r) {
        return r.nextInt(4) == 0 ? " \n\t".substring(r.nextInt(3)) : "";
    }

    private static String randomString(Random r) {
        String[] parts = {"a", "\\n", "\\\"", "\\\\", "\\u0001", "\\ud83d\\ude00", "\u00e9", "\u4e2d", "/", "\\/", " "};
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(6); i > 0; i--) {
            b.append(parts[r.nextInt(parts.length)]);
        }
        return b.toString();
    }

    /** A random tree built in code, with the node types a parse never makes (float, short, decimal nodes). */
    private static JsonNode randomTree(Random r, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(9) : r.nextInt(11);
        return switch (kind) {
            case 0 -> {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.set("k" + r.nextInt(10) + (r.nextBoolean() ? "\n\"\u00e9" : ""), randomTree(r, depth + 1));
                }
                yield o;
            }
            case 1 -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomTree(r, depth + 1));
                }
                yield a;
            }
            case 2 -> F.numberNode(r.nextInt());
            case 3 -> F.numberNode(r.nextLong());
            case 4 -> F.numberNode((short) r.nextInt());
            case 5 -> F.numberNode(r.nextBoolean() ? r.nextFloat() * 1e10f : Float.intBitsToFloat(r.nextInt()));
            case 6 -> F.numberNode(r.nextBoolean() ? r.nextDouble() : Double.longBitsToDouble(r.nextLong()));
            case 7 -> F.numberNode(new BigDecimal(new BigInteger(100, r), r.nextInt(60) - 30));
            case 8 -> F.numberNode(new BigInteger(100, r).negate());
            case 9 -> F.textNode(randomString(r).replace("\\", "\u0007"));
            default -> r.nextBoolean() ? F.booleanNode(r.nextBoolean()) : F.nullNode();
        };
    }

    private static String preview(byte[] doc) {
        String s = new String(doc, 0, Math.min(doc.length, 200), StandardCharsets.UTF_8);
        return s.replace("\n", "\\n") + (doc.length > 200 ? "... (" + doc.length + " bytes)" : "");
    }
}
