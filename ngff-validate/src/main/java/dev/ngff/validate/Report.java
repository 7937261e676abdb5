package dev.ngff.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.util.List;

/**
 * The result of validating one location.
 *
 * @param target      what was validated (store description)
 * @param kind        what was found: image, plate, well, labels, bioformats2raw, or unknown
 * @param version     the OME-NGFF version found, or null
 * @param strict      whether warnings count as failures and the strict schemas were used
 * @param schemaSource where the schemas came from, or null when the schema checks were skipped
 * @param nodes       how many groups were checked
 * @param issues      everything found, in the order found
 */
public record Report(String target, String kind, String version, boolean strict, String schemaSource, int nodes,
                     List<Issue> issues) {
    public Report {
        issues = List.copyOf(issues);
    }

    /** True when there is no error (and, in strict mode, no warning either). */
    public boolean valid() {
        return issues.stream().noneMatch(i -> i.severity() == Issue.Severity.ERROR || strict);
    }

    public List<Issue> errors() {
        return issues.stream().filter(i -> i.severity() == Issue.Severity.ERROR).toList();
    }

    public List<Issue> warnings() {
        return issues.stream().filter(i -> i.severity() == Issue.Severity.WARNING).toList();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("target", target);
        o.put("valid", valid());
        o.put("kind", kind);
        if (version != null) {
            o.put("version", version);
        } else {
            o.putNull("version");
        }
        o.put("strict", strict);
        o.put("schemas", schemaSource);
        o.put("nodes", nodes);
        ArrayNode a = o.putArray("issues");
        for (Issue i : issues) {
            a.addObject().put("severity", i.severity().name().toLowerCase(java.util.Locale.ROOT)).put("rule", i.rule())
                    .put("node", i.node()).put("pointer", i.pointer()).put("message", i.message());
        }
        return o;
    }

    /** A report for people: a verdict line, then one line per issue. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(valid() ? "VALID" : "INVALID").append(": ").append(target).append(" (").append(kind);
        if (version != null) {
            sb.append(", OME-NGFF ").append(version);
        }
        sb.append(", ").append(nodes).append(nodes == 1 ? " group" : " groups").append(" checked")
                .append(strict ? ", strict" : "").append(")\n");
        sb.append(schemaSource != null ? "  schemas: " + schemaSource : "  schemas: none configured (structural rules only;"
                + " use --schemas DIR or NGFF_SCHEMAS)").append('\n');
        sb.append("  ").append(errors().size()).append(" error(s), ").append(warnings().size()).append(" warning(s)\n");
        for (Issue i : issues) {
            sb.append("  ").append(i).append('\n');
        }
        return sb.toString();
    }
}
