package dev.ngff.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.ome.OmeZarr;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Multiscale;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Plate;
import dev.ngff.metadata.ome.ScaleTranslation;
import dev.ngff.metadata.ome.Well;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates an OME-Zarr hierarchy: the structural rules (always) and the official JSON schemas (when a
 * {@link SchemaSet} is given). It walks from the group it is given into the labels of an image, the wells
 * and fields of a plate, the fields of a well and the series of a bioformats2raw collection. It reads
 * metadata documents only, never chunks. Immutable and thread-safe; every call is independent.
 */
public final class OmeValidator {
    private static final int MAX_DEPTH = 12;

    /**
     * @param strict  use the {@code strict_*} schemas where they exist, and count warnings as failures
     * @param schemas the official schemas, or null to run the structural rules only
     * @param metadataOnly check the OME metadata documents only: do not look for the arrays the
     *                     multiscales name (their existence, rank, dimension names, data type, shapes), nor
     *                     for the groups that labels, plates, wells and collections name
     */
    public record Options(boolean strict, SchemaSet schemas, boolean metadataOnly) {
        public Options(boolean strict, SchemaSet schemas) {
            this(strict, schemas, false);
        }

        public static Options structuralOnly() {
            return new Options(false, null, false);
        }
    }

    private final Options options;

    public OmeValidator(Options options) {
        this.options = options;
    }

    /** Validates the hierarchy rooted at {@code path}. Store failures propagate; everything else is an issue. */
    public Report validate(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        Walk w = new Walk(store, ctx);
        String kind = "unknown";
        String version = null;
        ZarrNode root = null;
        try {
            root = Zarr.open(store, path, ctx);
        } catch (NgffException e) {
            w.error("zarr", path, "", e.getMessage());
            // a lone .zattrs (no .zgroup): still check what it says, so the report names every problem
            Optional<dev.ngff.buffer.Bytes> attrs = Zarr.readDocument(store, path.resolve(Zarr.ZATTRS), ctx.config().maxMetadataBytes());
            if (attrs.isPresent()) {
                JsonNode doc = dev.ngff.metadata.Json.parse(attrs.get(), store.describe() + " '" + path.resolve(Zarr.ZATTRS) + "'");
                if (doc.isObject() && doc.size() == 1 && doc.path("attributes").isObject()) {
                    w.error("zarr", path, "", "the .zattrs holds a zarr.json-style {\"attributes\": ...} object");
                    doc = doc.get("attributes");
                }
                if (doc.isObject()) {
                    w.nodes++;
                    Optional<OmeMetadata> m = w.attributes((ObjectNode) doc, path, null);
                    if (m.isPresent()) {
                        kind = kindOf(m.get());
                        version = m.get().versionText();
                    }
                }
            }
        }
        if (root instanceof ZarrArray) {
            w.error("not-a-group", path, "", "an OME-Zarr entry point is a group; this is an array");
        } else if (root instanceof ZarrGroup g) {
            Optional<OmeMetadata> meta = w.group(g, null, 0);
            if (meta.isPresent()) {
                kind = kindOf(meta.get());
                version = meta.get().versionText();
            }
        }
        String src = options.schemas() == null ? null : options.schemas().source().toString();
        return new Report(store.describe() + (path.isRoot() ? "" : " '" + path + "'"), kind, version, options.strict(),
                src, w.nodes, w.issues);
    }

    /**
     * The checks that need only a metadata document (no store): parsing, version, the schemas, and the
     * rules within the document (unique axes, transformation ranks, plate well paths). Used by
     * {@link #validate} for every group, and usable on attributes alone.
     */
    public List<Issue> validateAttributes(ObjectNode attributes, String node) {
        Walk w = new Walk(null, null);
        w.attributes(attributes, Key.of(node.isEmpty() || node.equals("/") ? "" : node), null);
        return w.issues;
    }

    static String kindOf(OmeMetadata m) {
        if (m.bioformats2rawLayout() != null && !m.isImage()) {
            return "bioformats2raw";
        }
        if (m.plate() != null) {
            return "plate";
        }
        if (m.well() != null) {
            return "well";
        }
        if (m.imageLabel() != null && m.isImage()) {
            return "label-image";
        }
        if (m.isImage()) {
            return "image";
        }
        if (m.labels() != null) {
            return "labels";
        }
        if (m.series() != null) {
            return "series";
        }
        if (m.scene() != null) {
            return "scene";
        }
        return "unknown";
    }

    /** The state of one validation: issues in the order found. */
    private final class Walk {
        final ReadableStore store;
        final ExecutionContext ctx;
        final List<Issue> issues = new ArrayList<>();
        int nodes;

        Walk(ReadableStore store, ExecutionContext ctx) {
            this.store = store;
            this.ctx = ctx;
        }

        long errorCount() {
            return issues.stream().filter(i -> i.severity() == Issue.Severity.ERROR).count();
        }

        void error(String rule, Key node, String pointer, String message) {
            issues.add(new Issue(Issue.Severity.ERROR, rule, nodeName(node), pointer, message));
        }

        void warn(String rule, Key node, String pointer, String message) {
            issues.add(new Issue(Issue.Severity.WARNING, rule, nodeName(node), pointer, message));
        }

        private static String nodeName(Key k) {
            return k.isRoot() ? "/" : "/" + k.path();
        }

        /** Validates one group and what hangs below it; {@code expected} is the kind its parent promised. */
        Optional<OmeMetadata> group(ZarrGroup g, String expected, int depth) throws IOException {
            nodes++;
            Optional<OmeMetadata> parsed = attributes(g.attributes(), g.path(), expected);
            if (parsed.isEmpty() || depth > MAX_DEPTH) {
                return parsed;
            }
            OmeMetadata m = parsed.get();
            Optional<NgffVersion> v = m.version();
            if (v.isPresent()) {
                int want = v.get().zarrFormat();
                if (v.get().hasTypedAxes() && g.zarrFormat() != want) {
                    error("zarr-format", g.path(), "", "OME-NGFF " + v.get() + " requires Zarr v" + want
                            + ", but this group is Zarr v" + g.zarrFormat());
                }
            }
            if (options.metadataOnly()) {
                return parsed;
            }
            if (m.bioformats2rawLayout() != null) {
                collection(g, m, depth);
            }
            if (m.plate() != null) {
                plate(g, m, depth);
            }
            if (m.well() != null) {
                well(g, m, depth);
            }
            if (m.isImage()) {
                image(g, m, depth);
            }
            if (m.labels() != null) {
                labelsGroup(g, m, depth);
            }
            return parsed;
        }

        Optional<OmeMetadata> attributes(ObjectNode attrs, Key node, String expected) {
            String ome = attrs.has("ome") ? "/ome" : "";
            boolean anyOme = attrs.has("ome") || OmeMetadata.KEYS.stream().anyMatch(attrs::has);
            String rawVersion = declaredVersion(attrs);
            long errorsBefore = errorCount();
            if (anyOme) {
                SpecRules.check(attrs, rawVersion, attrs.has("ome"), options.strict(), new SpecRules.Sink() {
                    @Override
                    public void error(String rule, String pointer, String message) {
                        Walk.this.error(rule, node, pointer, message);
                    }

                    @Override
                    public void warn(String rule, String pointer, String message) {
                        Walk.this.warn(rule, node, pointer, message);
                    }
                });
            }
            Optional<OmeMetadata> parsed;
            try {
                parsed = OmeMetadata.parse(attrs, nodeName(node));
            } catch (NgffException e) {
                if (errorCount() == errorsBefore) {
                    error("metadata", node, "", e.getMessage()); // else the rules said it, with their pointers
                }
                schemaCheck(attrs, node, null, null);
                return Optional.empty();
            }
            if (parsed.isEmpty()) {
                error("no-ome-metadata", node, ome, expected == null ? "no OME-NGFF metadata in the attributes"
                        : "expected " + expected + " metadata, found no OME-NGFF metadata");
                return parsed;
            }
            OmeMetadata m = parsed.get();
            if (expected != null && !kindOf(m).equals(expected) && !(expected.equals("image") && m.isImage())
                    && !(expected.equals("labels") && m.labels() != null)) {
                error("kind", node, ome, "expected " + expected + " metadata, found " + kindOf(m));
            }
            String vt = m.versionText();
            if (vt == null) {
                if (m.nested()) {
                    error("version", node, ome + "/version", "no OME-NGFF version");
                } else if (m.isImage() || m.plate() != null || m.well() != null || m.imageLabel() != null) {
                    // 0.4 puts the version inside each object and only its strict schemas require it
                    warn("version", node, "", "no OME-NGFF version; read as 0.4");
                }
            } else if (!NgffVersion.isWellFormed(vt)) {
                error("version", node, ome + "/version", "'" + vt + "' is not an OME-NGFF version");
            } else {
                NgffVersion v = NgffVersion.of(vt);
                if (v.major() != 0 || v.minor() > 6) {
                    error("version", node, ome + "/version", "unknown OME-NGFF version '" + vt + "'");
                } else if (v.nestedUnderOme() != m.nested()) {
                    error("layout", node, ome, "OME-NGFF " + vt + (v.nestedUnderOme()
                            ? " metadata belongs under attributes.ome" : " metadata belongs at the top level of the attributes"));
                } else if (v.compareTo(NgffVersion.V0_4) < 0) {
                    warn("version", node, ome, "OME-NGFF " + vt + " is read best effort; it has no schema");
                }
            }
            schemaCheck(attrs, node, m, vt);
            return parsed;
        }

        /** The version a document declares: ome.version (0.5+), else the first 0.4-style one; null when none. */
        static String declaredVersion(ObjectNode attrs) {
            if (attrs.has("ome")) {
                JsonNode v = attrs.path("ome").path("version");
                return v.isTextual() ? v.textValue() : null;
            }
            for (JsonNode ms : attrs.path("multiscales")) {
                if (ms.path("version").isTextual()) {
                    return ms.path("version").textValue();
                }
            }
            for (String k : List.of("plate", "well", "image-label")) {
                if (attrs.path(k).path("version").isTextual()) {
                    return attrs.path(k).path("version").textValue();
                }
            }
            return null;
        }

        void schemaCheck(ObjectNode attrs, Key node, OmeMetadata m, String vt) {
            SchemaSet schemas = options.schemas();
            if (schemas == null || vt == null && m != null) {
                return;
            }
            if (m == null) {
                return; // unparseable: the parse error says enough; no version to pick a schema by
            }
            List<String> kinds = new ArrayList<>();
            if (m.bioformats2rawLayout() != null) {
                kinds.add("bf2raw");
            }
            if (m.isImage()) {
                kinds.add("image");
            }
            if (m.imageLabel() != null) {
                kinds.add("label");
            }
            if (m.plate() != null) {
                kinds.add("plate");
            }
            if (m.well() != null) {
                kinds.add("well");
            }
            if (m.series() != null) {
                kinds.add("ome");
            }
            if (m.scene() != null) {
                kinds.add("scene");
            }
            boolean anyVersion = false;
            for (String k : kinds) {
                String id = SchemaSet.id(vt, k);
                String strictId = SchemaSet.id(vt, "strict_" + k);
                if (options.strict() && schemas.has(strictId)) {
                    id = strictId;
                }
                if (!schemas.has(id)) {
                    continue;
                }
                anyVersion = true;
                for (SchemaSet.Violation v : schemas.validate(id, attrs)) {
                    error("schema", node, v.pointer(), v.message() + " (" + id.substring(id.lastIndexOf('/') + 1) + ")");
                }
            }
            if (!anyVersion && !kinds.isEmpty() && NgffVersion.isWellFormed(vt)
                    && NgffVersion.of(vt).compareTo(NgffVersion.V0_4) >= 0) {
                warn("schema-missing", node, "", "no schema for OME-NGFF " + vt + " " + kinds + " in " + schemas.source()
                        + "; schema checks skipped");
            }
        }

        void image(ZarrGroup g, OmeMetadata m, int depth) throws IOException {
            String ome = m.nested() ? "/ome" : "";
            Optional<NgffVersion> v = m.version();
            for (int i = 0; i < m.multiscales().size(); i++) {
                Multiscale ms = m.multiscales().get(i);
                List<Axis> axes = ms.effectiveAxes();
                List<String> names = axes.stream().map(Axis::name).toList();
                long[] prevShape = null;
                double[] prevScale = null;
                for (int d = 0; d < ms.datasets().size(); d++) {
                    String path = ms.datasets().get(d).path();
                    String ptr = ome + "/multiscales/" + i + "/datasets/" + d + "/path";
                    // metadata only: whether this build has the array's codecs does not matter here
                    Optional<NodeMetadata> n;
                    try {
                        n = OmeZarr.nodeMetadata(g, path);
                    } catch (NgffException | IllegalArgumentException e) {
                        error("dataset-exists", g.path(), ptr, "dataset '" + path + "': " + e.getMessage());
                        continue;
                    }
                    if (n.isEmpty()) {
                        error("dataset-exists", g.path(), ptr, "dataset '" + path + "': no Zarr array there");
                        continue;
                    }
                    if (!(n.get() instanceof ArrayMetadata a)) {
                        error("dataset-array", g.path(), ptr, "dataset '" + path + "' is a group, not an array");
                        continue;
                    }
                    if (!axes.isEmpty() && a.rank() != axes.size()) {
                        error("rank", g.path(), ptr, "array '" + path + "' has rank " + a.rank() + " but there are "
                                + axes.size() + " axes");
                    }
                    if (v.isPresent() && v.get().nestedUnderOme() && a.zarrFormat() == 3) {
                        List<String> dn = a.dimensionNames();
                        if (dn == null) {
                            warn("dimension-names", g.path(), ptr, "array '" + path
                                    + "' has no dimension_names; OME-NGFF " + v.get() + " requires them equal to the axes "
                                    + names);
                        } else if (!dn.equals(names) && !names.isEmpty()) {
                            error("dimension-names", g.path(), ptr, "array '" + path + "' has dimension_names " + dn
                                    + " but the axes are " + names);
                        }
                    }
                    if (m.imageLabel() != null && a.dataType().kind() != DataType.Kind.INT
                            && a.dataType().kind() != DataType.Kind.UINT) {
                        error("label-dtype", g.path(), ptr, "label array '" + path + "' has data type " + a.dataType()
                                + "; label images must be integer");
                    }
                    long[] shape = a.shape();
                    if (prevShape != null && prevShape.length == shape.length) {
                        for (int k = 0; k < shape.length; k++) {
                            if (shape[k] > prevShape[k]) {
                                error("level-order", g.path(), ptr, "level " + d + " is larger than level " + (d - 1)
                                        + " on axis " + k + " (" + shape[k] + " > " + prevShape[k]
                                        + "); levels go from fine to coarse");
                                break;
                            }
                        }
                    }
                    prevShape = shape;
                    Optional<ScaleTranslation> st = ms.levelTransform(d);
                    if (st.isPresent() && st.get().rank() == a.rank()) {
                        double[] s = st.get().scale();
                        if (prevScale != null) {
                            for (int k = 0; k < s.length; k++) {
                                if (s[k] < prevScale[k] * (1 - 1e-9)) {
                                    error("level-order", g.path(), ome + "/multiscales/" + i + "/datasets/" + d
                                            + "/coordinateTransformations", "scale on axis '" + names.get(k) + "' ("
                                            + s[k] + ") is finer than the previous level's (" + prevScale[k]
                                            + "); levels go from fine to coarse");
                                    break;
                                }
                            }
                        }
                        prevScale = s;
                    }
                }
            }
            if (m.omero() != null && !m.omero().channels().isEmpty()) {
                List<Axis> axes = m.multiscales().getFirst().effectiveAxes();
                for (int k = 0; k < axes.size(); k++) {
                    if ("channel".equals(axes.get(k).type())) {
                        try {
                            Optional<NodeMetadata> n0 = OmeZarr.nodeMetadata(g,
                                    m.multiscales().getFirst().datasets().getFirst().path());
                            if (n0.isPresent() && n0.get() instanceof ArrayMetadata a0 && a0.rank() == axes.size()
                                    && a0.shape()[k] != m.omero().channels().size()) {
                                warn("omero-channels", g.path(), ome + "/omero/channels", m.omero().channels().size()
                                        + " omero channels for a channel axis of size " + a0.shape()[k]);
                            }
                        } catch (NgffException | IllegalArgumentException e) {
                            // reported as dataset-exists above
                        }
                    }
                }
            }
            if (m.imageLabel() == null) {
                try {
                    ZarrNode labels = g.open("labels");
                    if (labels instanceof ZarrGroup lg) {
                        group(lg, "labels", depth + 1);
                    }
                } catch (NgffException e) {
                    // an image need not have labels
                }
            }
        }

        void labelsGroup(ZarrGroup g, OmeMetadata m, int depth) throws IOException {
            String ome = m.nested() ? "/ome" : "";
            for (int i = 0; i < m.labels().size(); i++) {
                String name = m.labels().get(i);
                Optional<OmeMetadata> lm = child(g, name, "image", ome + "/labels/" + i, depth, "label-exists");
                if (lm.isPresent() && lm.get().isImage() && lm.get().imageLabel() == null) {
                    warn("image-label", g.path().resolve(name), "", "label image without image-label metadata");
                }
            }
        }

        void plate(ZarrGroup g, OmeMetadata m, int depth) throws IOException {
            String ome = m.nested() ? "/ome" : "";
            Plate p = m.plate();
            for (int i = 0; i < p.wells().size(); i++) {
                child(g, p.wells().get(i).path(), "well", ome + "/plate/wells/" + i + "/path", depth, "well-exists");
            }
        }

        void well(ZarrGroup g, OmeMetadata m, int depth) throws IOException {
            String ome = m.nested() ? "/ome" : "";
            Well w = m.well();
            for (int i = 0; i < w.images().size(); i++) {
                child(g, w.images().get(i).path(), "image", ome + "/well/images/" + i + "/path", depth, "field-exists");
            }
        }

        void collection(ZarrGroup g, OmeMetadata m, int depth) throws IOException {
            List<String> series = new ArrayList<>();
            try {
                if (g.open("OME") instanceof ZarrGroup og) {
                    nodes++;
                    Optional<OmeMetadata> om = attributes(og.attributes(), og.path(), "series");
                    om.map(OmeMetadata::series).ifPresent(series::addAll);
                    for (int i = 0; i < series.size(); i++) {
                        child(g, series.get(i), "image", (om.get().nested() ? "/ome" : "") + "/series/" + i, depth,
                                "series-exists");
                    }
                    return;
                }
            } catch (NgffException e) {
                // no OME/ group: the series are 0, 1, ...
            }
            if (m.isImage()) {
                return; // an image with the layout key: its numbered children are its levels
            }
            for (int i = 0; Zarr.isNode(g.store(), g.path().resolve(Integer.toString(i))); i++) {
                child(g, Integer.toString(i), "image", "", depth, "series-exists");
            }
        }

        Optional<OmeMetadata> child(ZarrGroup parent, String rel, String kind, String ptr, int depth, String rule)
                throws IOException {
            ZarrNode n;
            try {
                n = parent.open(rel);
            } catch (NgffException | IllegalArgumentException e) {
                error(rule, parent.path(), ptr, "'" + rel + "' does not exist: " + e.getMessage());
                return Optional.empty();
            }
            if (!(n instanceof ZarrGroup cg)) {
                error(rule, parent.path(), ptr, "'" + rel + "' is an array, not a " + kind + " group");
                return Optional.empty();
            }
            return group(cg, kind, depth + 1);
        }
    }

    @Override
    public String toString() {
        return "OmeValidator[strict=" + options.strict() + ", schemas=" + options.schemas() + "]";
    }

}
