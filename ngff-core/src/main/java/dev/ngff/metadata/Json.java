package dev.ngff.metadata;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON reading and writing for metadata documents. The mapper is configured once and never changed. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // zarr-python 2 may write bare NaN
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
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
        try (JsonParser p = MAPPER.createParser(bytes.toArrayUnsafe())) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null || n.isMissingNode()) {
                throw new InvalidMetadataException(location + ": empty JSON document");
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

    /** Pretty-printed UTF-8 bytes of a node. */
    public static Bytes write(JsonNode node) {
        try {
            return Bytes.wrap(MAPPER.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
