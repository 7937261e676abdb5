package dev.ngff.codecs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Iterator;
import java.util.Set;

/**
 * Reads one codec's configuration with errors that name the codec and the field. Unknown fields are
 * rejected, so that a misspelt parameter never silently falls back to a default. Shared by every codec
 * provider of this module; not thread-safe state, one instance per {@code create} call.
 */
public final class CodecConfig {
    private final CodecSpec spec;
    private final String where;

    private CodecConfig(CodecSpec spec, Set<String> allowed, boolean idAllowed) throws InvalidMetadataException {
        this.spec = spec;
        this.where = "codec '" + spec.name() + "'"; // each message names the field and its value
        for (Iterator<String> it = spec.configuration().fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f) && !(idAllowed && f.equals("id"))) {
                throw new InvalidMetadataException(where + ": unknown field '" + f + "' (expected one of " + allowed + ")");
            }
        }
        JsonNode id = spec.get("id");
        if (idAllowed && !id.isMissingNode()
                && !("numcodecs." + id.asText()).equals(spec.name()) && !id.asText().equals(spec.name())) {
            throw new InvalidMetadataException(where + ": id " + id + " does not match the codec name");
        }
    }

    /** A configuration that may hold only the {@code allowed} fields. */
    public static CodecConfig of(CodecSpec spec, Set<String> allowed) throws InvalidMetadataException {
        return new CodecConfig(spec, allowed, false);
    }

    /**
     * A numcodecs-style configuration: the {@code allowed} fields plus an optional {@code id} that must
     * match the codec name (zarr-python copies the numcodecs id into the configuration).
     */
    public static CodecConfig numcodecs(CodecSpec spec, Set<String> allowed) throws InvalidMetadataException {
        return new CodecConfig(spec, allowed, true);
    }

    public String where() {
        return where;
    }

    /** Where a field is, for messages: the codec and the field's JSON pointer inside the codec object. */
    public String where(String field) {
        return where + " /configuration/" + field;
    }

    public InvalidMetadataException invalid(String message) {
        return new InvalidMetadataException(where + ": " + message);
    }

    public JsonNode node(String field) {
        return spec.get(field);
    }

    public boolean has(String field) {
        JsonNode n = spec.get(field);
        return !n.isMissingNode() && !n.isNull();
    }

    /** An integer field in {@code [min, max]}, or {@code dflt} when absent or null. */
    public int intValue(String field, int dflt, int min, int max) throws InvalidMetadataException {
        JsonNode n = spec.get(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw invalid(field + " must be an integer in " + min + ".." + max + ", got " + n);
        }
        return (int) n.longValue();
    }

    /** A long field, or {@code dflt} when absent or null. */
    public long longValue(String field, long dflt, long min, long max) throws InvalidMetadataException {
        JsonNode n = spec.get(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw invalid(field + " must be an integer in " + min + ".." + max + ", got " + n);
        }
        return n.longValue();
    }

    /** A finite number field (required). */
    public double number(String field) throws InvalidMetadataException {
        JsonNode n = spec.get(field);
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw invalid(field + " must be a finite number, got " + (n.isMissingNode() ? "nothing" : n));
        }
        return n.doubleValue();
    }

    /** A string field, or {@code dflt} when absent or null. */
    public String string(String field, String dflt) throws InvalidMetadataException {
        JsonNode n = spec.get(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw invalid(field + " must be a string, got " + n);
        }
        return n.textValue();
    }

    /** A required string field. */
    public String requiredString(String field) throws InvalidMetadataException {
        String s = string(field, null);
        if (s == null) {
            throw invalid(field + " is required");
        }
        return s;
    }

    /**
     * A boolean field, or {@code dflt} when absent or null. The integers 0 and 1 count too: zarr-python 3 stores a
     * numcodecs codec's arguments as the caller gave them, and Python callers write {@code checksum=1}.
     */
    public boolean bool(String field, boolean dflt) throws InvalidMetadataException {
        JsonNode n = spec.get(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isIntegralNumber() && (n.longValue() == 0 || n.longValue() == 1)) {
            return n.longValue() == 1;
        }
        if (!n.isBoolean()) {
            throw invalid(field + " must be a boolean (or 0 or 1), got " + n);
        }
        return n.booleanValue();
    }
}
