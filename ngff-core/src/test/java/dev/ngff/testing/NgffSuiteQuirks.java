package dev.ngff.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.util.List;

/** Known quirks of the OME-NGFF conformance suites in the fixtures ({@code ngff/<version>/tests}), in one place. */
public final class NgffSuiteQuirks {
    private NgffSuiteQuirks() {
    }

    /**
     * The 0.6 {@code tests/zarr} copies of the cases predate the object form of transformation input/output
     * ({@code "input": "0"} where the {@code tests/attributes} cases and the schemas have {@code {"path": "0"}}).
     * Upgrades them in place as the attribute cases were: a dataset transformation's input is a path,
     * anything else a name. Returns whether anything changed.
     */
    public static boolean upgradeInputOutput(JsonNode n) {
        return upgrade(n, false);
    }

    private static boolean upgrade(JsonNode n, boolean inDataset) {
        boolean changed = false;
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            if (o.has("type")) {
                for (String k : List.of("input", "output")) {
                    JsonNode v = o.get(k);
                    if (v != null && v.isTextual()) {
                        String key = k.equals("input") && inDataset ? "path" : "name";
                        o.set(k, Json.object().put(key, v.textValue()));
                        changed = true;
                    }
                }
            }
            for (var e : o.properties()) {
                changed |= upgrade(e.getValue(), e.getKey().equals("datasets") || (inDataset && !o.has("type")));
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                changed |= upgrade(c, inDataset);
            }
        }
        return changed;
    }
}
