package dev.ngff.metadata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * JSON reading and writing for metadata documents. Reading goes through Jackson's streaming parser into the tree
 * model: building an {@link ObjectMapper} (its configuration, type and date-format machinery) costs about a tenth of
 * a second of a command's start-up, and reading a tree needs none of it. The mapper, configured once and never
 * changed, is made when something is first written.
 */
public final class Json {
    /** The reader's settings, the same as the mapper's (the mapper was once the reader; messages stay as they were). */
    private static final JsonFactory READER = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // zarr-python 2 may write bare NaN
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Holder of the writing mapper, so that reading alone never builds it. */
    private static final class Writer {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();

        private Writer() {
        }
    }

    private Json() {
    }

    /** The node factory of every tree made here (Jackson's default one, as an {@link ObjectMapper} uses). */
    public static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Parses a document; malformed JSON is an {@link InvalidMetadataException} naming where it came from
     * and the line and column, in one line. Size limits are the reader's business (see
     * {@code Zarr.readDocument}); here only what fits a Java array is accepted.
     */
    public static JsonNode parse(Bytes bytes, String location) throws InvalidMetadataException {
        if (bytes.size() > Integer.MAX_VALUE - 16) {
            throw new InvalidMetadataException(location + ": metadata document of " + bytes.size()
                    + " bytes is too large to parse");
        }
        try (JsonParser p = READER.createParser(bytes.toArrayUnsafe())) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new InvalidMetadataException(location + ": empty JSON document");
            }
            JsonNode n = readValue(p, first);
            p.clearCurrentToken(); // as ObjectMapper did: a value cut off after the root says "in null"
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                // what ObjectMapper said with DeserializationFeature.FAIL_ON_TRAILING_TOKENS, less its internals
                throw new InvalidMetadataException(location + ": malformed JSON" + at(p.currentTokenLocation())
                        + ": Trailing token (of type " + trailing + ") found after value: not allowed");
            }
            return n;
        } catch (InvalidMetadataException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new InvalidMetadataException(location + ": malformed JSON" + at(e.getLocation()) + ": "
                    + plain(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new InvalidMetadataException(location + ": malformed JSON: " + plain(e.getMessage()), e);
        }
    }

    /**
     * The tree of the value that starts at {@code first}, with the node types ObjectMapper's tree reader gives (int,
     * long or big integer nodes by size; double nodes for fractions, NaN and infinities; the last of repeated names
     * wins, though the parser refuses repeats). Without recursion: the parser's nesting limit is the only one.
     */
    private static JsonNode readValue(JsonParser p, JsonToken first) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayDeque<ContainerNode<?>> open = new ArrayDeque<>();
        String name = null; // the name of the next value when the innermost open container is an object
        JsonToken t = first;
        while (true) {
            JsonNode value;
            switch (t) {
                case START_OBJECT -> value = f.objectNode();
                case START_ARRAY -> value = f.arrayNode();
                case FIELD_NAME -> {
                    name = p.currentName();
                    t = p.nextToken();
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    ContainerNode<?> done = open.pop();
                    if (open.isEmpty()) {
                        return done;
                    }
                    t = p.nextToken();
                    continue;
                }
                case VALUE_STRING -> value = f.textNode(p.getText());
                case VALUE_NUMBER_INT -> value = switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> value = switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL -> f.numberNode(p.getDecimalValue());
                    case FLOAT32 -> f.numberNode(p.getFloatValue());
                    default -> f.numberNode(p.getDoubleValue());
                };
                case VALUE_TRUE -> value = f.booleanNode(true);
                case VALUE_FALSE -> value = f.booleanNode(false);
                case VALUE_NULL -> value = f.nullNode();
                default -> throw new IOException("unexpected " + t + " in a JSON document");
            }
            ContainerNode<?> parent = open.peek();
            if (parent instanceof ObjectNode o) {
                o.replace(name, value);
            } else if (parent instanceof ArrayNode a) {
                a.add(value);
            } else if (!(value instanceof ContainerNode<?>)) {
                return value; // a scalar document
            }
            if (value instanceof ContainerNode<?> c) {
                open.push(c);
            }
            t = p.nextToken();
        }
    }

    private static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /**
     * Jackson's message without its internals: no {@code [Source: ...]} location dumps (the location is
     * given separately), no names of its settings classes, on one line.
     */
    static String plain(String message) {
        if (message == null) {
            return "unreadable document";
        }
        String m = message.replaceAll("\\s*\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", " line $1, column $2")
                .replaceAll(" \\(bound as `[^`]*`\\)", "")
                .replaceAll(",? from `[^`]*`", "")
                .replaceAll(" as per `[^`]*`", "")
                .replaceAll("`[^`]*\\.[^`]*`", "a parser setting")
                .replaceAll("\\s*\\R\\s*", " ");
        return m.strip();
    }

    public static JsonNode parse(String text, String location) throws InvalidMetadataException {
        return parse(Bytes.wrap(text.getBytes(StandardCharsets.UTF_8)), location);
    }

    /**
     * The compact one-line JSON text of a node, the same text as {@link JsonNode#toString()}, which builds an
     * {@link ObjectMapper} the first time (start-up time of {@code ngff info}); written here with the streaming
     * generator. A tree holding a node JSON text has no form for (binary, POJO, missing) goes to toString.
     */
    public static String compact(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = READER.createGenerator(text)) {
            if (!writeCompact(g, node)) {
                return node.toString();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to a string", e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** Writes a node with the generator; false, having written part of it, for a node JSON text has no form for. */
    private static boolean writeCompact(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    g.writeFieldName(e.getKey());
                    if (!writeCompact(g, e.getValue())) {
                        return false;
                    }
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode c : n) {
                    if (!writeCompact(g, c)) {
                        return false;
                    }
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Pretty-printed UTF-8 bytes of a node. */
    public static Bytes write(JsonNode node) {
        try {
            return Bytes.wrap(Writer.MAPPER.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
