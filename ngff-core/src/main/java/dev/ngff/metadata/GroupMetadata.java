package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Metadata of a group.
 *
 * @param zarrFormat   2 or 3
 * @param attributes   user attributes
 * @param consolidated the consolidated metadata of the subtree (v3 inline {@code consolidated_metadata},
 *                     or v2 {@code .zmetadata}), or null when there is none
 * @param extraFields  v3 extension fields with {@code must_understand: false}, kept to be written back
 */
public record GroupMetadata(int zarrFormat, ObjectNode attributes, JsonNode consolidated, ObjectNode extraFields)
        implements NodeMetadata {

    public GroupMetadata {
        if (zarrFormat != 2 && zarrFormat != 3) {
            throw new IllegalArgumentException("zarr_format must be 2 or 3, got " + zarrFormat);
        }
        attributes = attributes == null ? Json.object() : attributes.deepCopy();
        consolidated = consolidated == null || consolidated.isNull() ? null : consolidated.deepCopy();
        extraFields = extraFields == null ? Json.object() : extraFields.deepCopy();
    }

    public static GroupMetadata of(int zarrFormat, ObjectNode attributes) {
        return new GroupMetadata(zarrFormat, attributes, null, null);
    }

    @Override
    public ObjectNode attributes() {
        return attributes.deepCopy();
    }

    public GroupMetadata withAttributes(ObjectNode attrs) {
        return new GroupMetadata(zarrFormat, attrs, consolidated, extraFields);
    }
}
