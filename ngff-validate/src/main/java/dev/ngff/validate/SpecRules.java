package dev.ngff.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OME-NGFF metadata rules of 0.4, 0.5 and 0.6, written from the specification text, checked on the raw
 * attributes of one group: what the official JSON schemas check (types, required members, list lengths,
 * enumerations, patterns, unique items), the rules the text adds (unique names and label values, the order
 * of a dataset's transformations, space-axis counts), and the strict schemas' extra requirements as
 * warnings (which {@code --strict} counts). Documents of earlier versions get the few rules they had.
 *
 * <p>Where a conformance suite and the text disagree, the suite decides, and the place says so: the
 * well path's row/column order (0.4 and 0.6 suites name rows "1" and columns "A" but use "A/1") and the
 * length of a 0.4 scale (the 0.4 suite's valid "mismatch_axes_units" scales two of three axes).
 *
 * <p>Every finding names its JSON pointer into the attributes. Not thread-safe: one instance per document.
 */
final class SpecRules {
    /** Where findings go. */
    interface Sink {
        void error(String rule, String pointer, String message);

        void warn(String rule, String pointer, String message);
    }

    enum Family { PRE_04, V04, V05, V06 }

    private static final Pattern ALNUM = Pattern.compile("[A-Za-z0-9]+");
    private static final Pattern WELL_PATH = Pattern.compile("[A-Za-z0-9]+/[A-Za-z0-9]+");
    private static final Pattern FIELD_PATH_06 = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Set<String> STRICT_AXIS_TYPES_06 = Set.of("array", "channel", "time", "space", "displacement",
            "coordinate", "frequency");
    private static final Set<String> INTERPOLATIONS = Set.of("nearest", "linear", "cubic");

    private final Family family;
    private final String version;
    private final boolean strict;
    private final Sink out;

    private SpecRules(Family family, String version, boolean strict, Sink out) {
        this.family = family;
        this.version = version;
        this.strict = strict;
        this.out = out;
    }

    /**
     * Checks one group's attributes. {@code version} is the version the document declares (null when it
     * declares none); documents of unknown or malformed versions are left to the version check. With
     * {@code strict}, what the strict schemas add is reported too (as warnings).
     */
    static void check(ObjectNode attrs, String version, boolean nested, boolean strict, Sink out) {
        if (nested && !attrs.get("ome").isObject()) {
            out.error("ome", "/ome", "'ome' is an object, not " + kind(attrs.get("ome")));
            return;
        }
        Family f = familyOf(version, nested);
        if (f == null) {
            return;
        }
        SpecRules r = new SpecRules(f, version, strict, out);
        if (nested) {
            r.document((ObjectNode) attrs.get("ome"), "/ome");
        } else {
            r.document(attrs, "");
        }
    }

    static Family familyOf(String version, boolean nested) {
        if (version == null) {
            return nested ? null : Family.V04;
        }
        if (version.equals("0.4")) {
            return nested ? null : Family.V04;
        }
        if (version.equals("0.5")) {
            return nested ? Family.V05 : null;
        }
        if (version.equals("0.6") || version.startsWith("0.6.") || version.startsWith("0.6-") || version.startsWith("0.6rc")) {
            return nested ? Family.V06 : null;
        }
        if (version.matches("0\\.[0-3](\\..*)?")) {
            return nested ? null : Family.PRE_04;
        }
        return null;
    }

    private void document(ObjectNode doc, String base) {
        if (family == Family.PRE_04) {
            pre04(doc, base);
            return;
        }
        if (doc.has("multiscales")) {
            multiscales(doc.get("multiscales"), base + "/multiscales");
        }
        if (doc.has("omero")) {
            omero(doc.get("omero"), base + "/omero");
        }
        if (doc.has("image-label")) {
            imageLabel(doc.get("image-label"), base + "/image-label");
        }
        if (doc.has("labels")) {
            stringList(doc.get("labels"), base + "/labels", "labels", "label");
        }
        if (doc.has("plate")) {
            plate(doc.get("plate"), base + "/plate");
        }
        if (doc.has("well")) {
            well(doc.get("well"), base + "/well");
        }
        if (doc.has("bioformats2raw.layout")) {
            JsonNode l = doc.get("bioformats2raw.layout");
            if (!l.isNumber() || l.asDouble() != 3) {
                out.error("bioformats2raw", base + "/bioformats2raw.layout", "bioformats2raw.layout must be 3, not " + l);
            }
        }
        if (doc.has("series")) {
            stringList(doc.get("series"), base + "/series", "series", "series path");
        }
        if (family == Family.V06 && doc.has("scene")) {
            scene(doc.get("scene"), base + "/scene");
        }
        if (!base.isEmpty() && doc.properties().stream().allMatch(e -> e.getKey().equals("version")
                || !CONTENT_KEYS.contains(e.getKey()))) {
            out.error("no-ome-metadata", base, "'ome' holds no OME-NGFF metadata (" + String.join(", ", CONTENT_KEYS) + ")");
        }
    }

    private static final List<String> CONTENT_KEYS = List.of("multiscales", "image-label", "labels", "plate", "well",
            "bioformats2raw.layout", "series", "scene");

    // ---- versions before 0.4: the little they had ----

    private void pre04(ObjectNode doc, String base) {
        JsonNode ms = doc.get("multiscales");
        if (ms == null || !ms.isArray()) {
            return;
        }
        for (int i = 0; i < ms.size(); i++) {
            JsonNode axes = ms.get(i).get("axes");
            String p = base + "/multiscales/" + i;
            if (axes != null) {
                if (version.compareTo("0.3") < 0) {
                    out.error("axes", p + "/axes", "OME-NGFF " + version + " has no axes (they arrived in 0.3)");
                } else {
                    for (int a = 0; axes.isArray() && a < axes.size(); a++) {
                        if (!axes.get(a).isTextual()) {
                            out.error("axes", p + "/axes/" + a, "in OME-NGFF 0.3 an axis is a name (a string), not " + kind(axes.get(a)));
                        }
                    }
                }
            }
        }
    }

    // ---- images ----

    private void multiscales(JsonNode ms, String p) {
        if (!isArray(ms, p, "multiscales")) {
            return;
        }
        if (ms.isEmpty()) {
            out.error("multiscales", p, "multiscales must hold at least one multiscale");
        }
        unique(ms, p, "multiscales");
        for (int i = 0; i < ms.size(); i++) {
            multiscale(ms.get(i), p + "/" + i);
        }
    }

    private void multiscale(JsonNode m, String p) {
        if (!isObject(m, p, "a multiscale")) {
            return;
        }
        optString(m, "name", p);
        strictRequire(m, p, "a multiscale", family == Family.V04 ? List.of("version", "metadata", "type", "name")
                : List.of("metadata", "type", "name"));
        if (family == Family.V04 && m.has("version")) {
            versionValue(m.get("version"), p + "/version");
        }
        int rank;
        Set<String> systems = new HashSet<>();
        if (family == Family.V06) {
            rank = -1;
            JsonNode cs = m.get("coordinateSystems");
            if (required(m, "coordinateSystems", p, "a multiscale") && isArray(cs, p + "/coordinateSystems", "coordinateSystems")) {
                if (cs.isEmpty()) {
                    out.error("coordinate-systems", p + "/coordinateSystems", "a multiscale needs at least one coordinate system");
                }
                coordinateSystems(cs, p + "/coordinateSystems", systems);
                if (!cs.isEmpty() && cs.get(0).path("axes").isArray()) {
                    rank = cs.get(0).path("axes").size();
                }
            }
            if (m.has("axes")) {
                out.error("axes", p + "/axes", "in OME-NGFF " + version + " axes belong to coordinateSystems");
            }
        } else {
            JsonNode axes = m.get("axes");
            rank = required(m, "axes", p, "a multiscale") ? axes04(axes, p + "/axes") : -1;
        }
        JsonNode ds = m.get("datasets");
        if (required(m, "datasets", p, "a multiscale") && isArray(ds, p + "/datasets", "datasets")) {
            if (ds.isEmpty()) {
                out.error("datasets", p + "/datasets", "a multiscale needs at least one dataset");
            }
            Set<String> paths = new HashSet<>();
            for (int d = 0; d < ds.size(); d++) {
                String dp = p + "/datasets/" + d;
                JsonNode dataset = ds.get(d);
                if (!isObject(dataset, dp, "a dataset")) {
                    continue;
                }
                if (required(dataset, "path", dp, "a dataset") && isString(dataset.get("path"), dp + "/path", "path")
                        && !paths.add(dataset.get("path").textValue())) {
                    out.error("datasets", dp + "/path", "dataset path '" + dataset.get("path").textValue() + "' appears twice");
                }
                if (required(dataset, "coordinateTransformations", dp, "a dataset")) {
                    if (family == Family.V06) {
                        datasetTransforms06(dataset.get("coordinateTransformations"), dp + "/coordinateTransformations",
                                systems, rank);
                    } else {
                        scaleTranslation(dataset.get("coordinateTransformations"), dp + "/coordinateTransformations", rank);
                    }
                }
            }
        }
        if (m.has("coordinateTransformations")) {
            String tp = p + "/coordinateTransformations";
            if (family == Family.V06) {
                JsonNode ts = m.get("coordinateTransformations");
                if (isArray(ts, tp, "coordinateTransformations")) {
                    if (ts.isEmpty()) {
                        out.error("transformations", tp, "coordinateTransformations, when present, must not be empty");
                    }
                    for (int t = 0; t < ts.size(); t++) {
                        transformation(ts.get(t), tp + "/" + t, 0);
                        inputOutput(ts.get(t), tp + "/" + t, "name", systems);
                    }
                }
            } else {
                scaleTranslation(m.get("coordinateTransformations"), tp, rank);
            }
        }
    }

    /** 0.4 / 0.5 axes; returns their number (or -1 when they are not a list). */
    private int axes04(JsonNode axes, String p) {
        if (!isArray(axes, p, "axes")) {
            return -1;
        }
        if (axes.size() < 2 || axes.size() > 5) {
            out.error("axes-count", p, "there must be 2 to 5 axes, not " + axes.size());
        }
        unique(axes, p, "axes");
        int space = 0;
        int time = 0;
        int channel = 0;
        int lastOrder = -1;
        Set<String> names = new HashSet<>();
        for (int a = 0; a < axes.size(); a++) {
            String ap = p + "/" + a;
            JsonNode axis = axes.get(a);
            if (!isObject(axis, ap, "an axis")) {
                continue;
            }
            if (required(axis, "name", ap, "an axis") && isString(axis.get("name"), ap + "/name", "name")
                    && !names.add(axis.get("name").textValue())) {
                out.error("axes-unique", ap + "/name", "duplicate axis name '" + axis.get("name").textValue() + "'");
            }
            String type = null;
            if (axis.has("type") && isString(axis.get("type"), ap + "/type", "an axis type")) {
                type = axis.get("type").textValue();
            }
            if (axis.has("unit")) {
                isString(axis.get("unit"), ap + "/unit", "a unit");
            }
            int order;
            if ("space".equals(type)) {
                space++;
                order = 2;
            } else if ("time".equals(type)) {
                time++;
                order = 0;
            } else {
                if ("channel".equals(type)) {
                    channel++;
                }
                order = 1; // channel or custom: after time, before space
            }
            if (order < lastOrder) {
                out.error("axes-order", ap, "axes go time, then channel or custom, then space; axis '"
                        + axis.path("name").asText() + "' (" + (type == null ? "untyped" : type) + ") comes too late");
            }
            lastOrder = Math.max(lastOrder, order);
        }
        if (space < 2 || space > 3) {
            out.error("axes-space", p, "there must be 2 or 3 axes of type space, not " + space);
        }
        if (time > 1) {
            out.error("axes-time", p, "there may be at most one time axis, not " + time);
        }
        if (channel > 1) {
            out.error("axes-channel", p, "there may be at most one channel axis, not " + channel);
        }
        return axes.size();
    }

    /** 0.4 / 0.5 coordinateTransformations: one scale first, then at most one translation; lengths = rank. */
    private void scaleTranslation(JsonNode ts, String p, int rank) {
        if (!isArray(ts, p, "coordinateTransformations")) {
            return;
        }
        if (ts.isEmpty()) {
            out.error("transformations", p, "coordinateTransformations must hold a scale");
            return;
        }
        int scales = 0;
        int translations = 0;
        for (int t = 0; t < ts.size(); t++) {
            String tp = p + "/" + t;
            JsonNode tr = ts.get(t);
            if (!isObject(tr, tp, "a transformation") || !required(tr, "type", tp, "a transformation")
                    || !isString(tr.get("type"), tp + "/type", "a transformation type")) {
                continue;
            }
            String type = tr.get("type").textValue();
            switch (type) {
                case "scale" -> {
                    scales++;
                    if (t != 0) {
                        out.error("transformations", tp, "the scale must be the first transformation");
                    }
                    vector(tr, "scale", tp, rank, false);
                }
                case "translation" -> {
                    translations++;
                    if (t == 0) {
                        out.error("transformations", tp, "the first transformation must be a scale, not a translation");
                    }
                    vector(tr, "translation", tp, rank, false);
                }
                default -> out.error("transformations", tp + "/type", "unknown transformation type '" + type
                        + "' (OME-NGFF " + version + " has scale and translation)");
            }
        }
        if (scales != 1) {
            out.error("transformations", p, "there must be exactly one scale, not " + scales);
        }
        if (translations > 1) {
            out.error("transformations", p, "there may be at most one translation, not " + translations);
        }
    }

    /** A scale or translation vector: numbers, at least 2 (0.4/0.5), {@code rank} of them when it is known. */
    private void vector(JsonNode tr, String key, String p, int rank, boolean positive) {
        if (!required(tr, key, p, "a " + key)) {
            return;
        }
        JsonNode v = tr.get(key);
        String vp = p + "/" + key;
        if (!isArray(v, vp, key)) {
            return;
        }
        for (int k = 0; k < v.size(); k++) {
            if (!v.get(k).isNumber()) {
                out.error("transformations", vp + "/" + k, key + " values are numbers, not " + kind(v.get(k)));
            } else if (positive && v.get(k).asDouble() <= 0) {
                out.error("transformations", vp + "/" + k, "scale factors are positive, not " + v.get(k));
            }
        }
        if (family != Family.V06 && v.size() < 2) {
            out.error("transform-rank", vp, key + " needs at least 2 values, not " + v.size());
        } else if (rank >= 0 && v.size() != rank) {
            String msg = key + " has " + v.size() + " values for " + rank + " axes";
            if (family != Family.V05) {
                out.warn("transform-rank", vp, msg); // the 0.4 and 0.6 suites hold such a case valid
            } else {
                out.error("transform-rank", vp, msg);
            }
        }
    }

    // ---- 0.6: coordinate systems and transformations ----

    private void coordinateSystems(JsonNode cs, String p, Set<String> names) {
        unique(cs, p, "coordinateSystems");
        for (int i = 0; i < cs.size(); i++) {
            String cp = p + "/" + i;
            JsonNode c = cs.get(i);
            if (!isObject(c, cp, "a coordinate system")) {
                continue;
            }
            uniqueName(c, cp, "a coordinate system", names, "coordinate-systems");
            if (required(c, "axes", cp, "a coordinate system")) {
                axes06(c.get("axes"), cp + "/axes");
            }
        }
    }

    /** A required, non-empty name that no sibling has taken yet. */
    private void uniqueName(JsonNode o, String p, String what, Set<String> names, String rule) {
        if (required(o, "name", p, what) && isString(o.get("name"), p + "/name", "name")) {
            String n = o.get("name").textValue();
            if (n.isEmpty()) {
                out.error(rule, p + "/name", "the name of " + what + " must not be empty");
            } else if (!names.add(n)) {
                out.error(rule, p + "/name", "the name '" + n + "' is taken by an earlier sibling");
            }
        }
    }

    private void axes06(JsonNode axes, String p) {
        if (!isArray(axes, p, "axes")) {
            return;
        }
        if (axes.isEmpty() || axes.size() > 5) {
            out.error("axes-count", p, "there must be 1 to 5 axes, not " + axes.size());
        }
        unique(axes, p, "axes");
        int space = 0;
        int array = 0;
        Set<String> names = new HashSet<>();
        for (int a = 0; a < axes.size(); a++) {
            String ap = p + "/" + a;
            JsonNode axis = axes.get(a);
            if (!isObject(axis, ap, "an axis")) {
                continue;
            }
            uniqueName(axis, ap, "an axis", names, "axes-unique");
            optString(axis, "longName", ap);
            optString(axis, "unit", ap);
            if (axis.has("discrete") && !axis.get("discrete").isBoolean()) {
                out.error("axes", ap + "/discrete", "discrete is true or false, not " + kind(axis.get("discrete")));
            }
            if (axis.has("type") && isString(axis.get("type"), ap + "/type", "an axis type")) {
                String t = axis.get("type").textValue();
                if (t.equals("space")) {
                    space++;
                } else if (t.equals("array")) {
                    array++;
                }
                if (strict && !STRICT_AXIS_TYPES_06.contains(t)) {
                    out.warn("axes-type", ap + "/type", "axis type '" + t + "' is none of " + STRICT_AXIS_TYPES_06.stream().sorted().toList());
                }
            }
        }
        boolean spaceOk = space >= 2 && space <= 3;
        boolean arrayOk = array >= 2;
        if (spaceOk == arrayOk) {
            out.error("axes-space", p, spaceOk ? "a coordinate system has either 2-3 space axes or array axes, not both"
                    : "a coordinate system needs 2 or 3 axes of type space (or at least 2 of type array); it has "
                    + space + " space axes");
        }
    }

    /** A dataset's transformations in 0.6: exactly one, a scale, an identity, or a sequence of scale and translation. */
    private void datasetTransforms06(JsonNode ts, String p, Set<String> systems, int rank) {
        if (!isArray(ts, p, "coordinateTransformations")) {
            return;
        }
        if (ts.size() != 1) {
            out.error("transformations", p, "a dataset has exactly one transformation, not " + ts.size());
        }
        for (int t = 0; t < ts.size(); t++) {
            String tp = p + "/" + t;
            JsonNode tr = ts.get(t);
            if (!isObject(tr, tp, "a transformation") || !required(tr, "type", tp, "a transformation")
                    || !isString(tr.get("type"), tp + "/type", "a transformation type")) {
                continue;
            }
            String type = tr.get("type").textValue();
            switch (type) {
                case "scale", "identity" -> transformation(tr, tp, 0);
                case "sequence" -> {
                    JsonNode seq = tr.get("transformations");
                    if (required(tr, "transformations", tp, "a sequence")
                            && isArray(seq, tp + "/transformations", "transformations")) {
                        if (seq.size() != 2) {
                            out.error("transformations", tp + "/transformations", "a dataset's sequence is a scale and a"
                                    + " translation, not " + seq.size() + " transformations");
                        }
                        for (int s = 0; s < seq.size(); s++) {
                            String sp = tp + "/transformations/" + s;
                            String st = seq.get(s).path("type").asText("");
                            if (!st.equals("scale") && !st.equals("translation")) {
                                out.error("transformations", sp, "a dataset's sequence holds scale and translation only, not '"
                                        + st + "'");
                            }
                            transformation(seq.get(s), sp, 1);
                        }
                    }
                }
                default -> out.error("transformations", tp + "/type", "a dataset's transformation is a scale, an identity"
                        + " or a sequence of scale and translation, not '" + type + "'");
            }
            // the input's path need not be the dataset's own: the suites' strict multiscales_example differs
            inputOutput(tr, tp, "path", systems);
            JsonNode sc = type.equals("scale") ? tr.get("scale") : null;
            if (sc != null && sc.isArray() && rank >= 0 && sc.size() != rank) {
                // a warning: the 0.6 suites hold mismatch_axes_units (2 scale values, 3 axes) valid
                out.warn("transform-rank", tp + "/scale", "scale has " + sc.size() + " values for " + rank + " axes");
            }
        }
    }

    /**
     * Input and output of a transformation in the graph: objects naming a coordinate system ({@code name})
     * or, for a dataset's input, an array ({@code path}). The plain strings of earlier 0.6 drafts are errors.
     */
    private void inputOutput(JsonNode tr, String p, String inputKey, Set<String> systems) {
        if (!tr.isObject()) {
            return;
        }
        for (String k : List.of("input", "output")) {
            if (!required(tr, k, p, "a transformation here")) {
                continue;
            }
            JsonNode v = tr.get(k);
            String want = k.equals("input") ? inputKey : "name";
            if (v.isTextual()) {
                out.error("transformations", p + "/" + k, k + " is an object {\"" + want + "\": \"" + v.textValue()
                        + "\"}; the plain string is the form of earlier 0.6 drafts");
                continue;
            }
            if (!isObject(v, p + "/" + k, k)) {
                continue;
            }
            if (!v.has(want)) {
                out.error("transformations", p + "/" + k, k + " needs '" + want + "'"
                        + (want.equals("path") ? " (the array this dataset's transformation starts from)"
                        : " (a coordinate system)"));
            } else if (isString(v.get(want), p + "/" + k + "/" + want, want) && want.equals("name")
                    && !systems.isEmpty() && !systems.contains(v.get(want).textValue()) && k.equals("output")
                    && inputKey.equals("path")) {
                out.error("transformations", p + "/" + k + "/name", "'" + v.get(want).textValue()
                        + "' is none of this multiscale's coordinate systems " + systems.stream().sorted().toList());
            }
            for (String other : List.of("name", "path")) {
                if (v.has(other)) {
                    isString(v.get(other), p + "/" + k + "/" + other, other);
                }
            }
        }
    }

    /** One transformation of the 0.6 graph, by type, with its parameters; depth guards nested ones. */
    private void transformation(JsonNode tr, String p, int depth) {
        if (!isObject(tr, p, "a transformation") || !required(tr, "type", p, "a transformation")
                || !isString(tr.get("type"), p + "/type", "a transformation type")) {
            return;
        }
        optString(tr, "name", p);
        if (depth > 16) {
            out.error("transformations", p, "transformations nest more than 16 deep");
            return;
        }
        String type = tr.get("type").textValue();
        switch (type) {
            case "identity" -> {
            }
            case "mapAxis" -> {
                if (required(tr, "mapAxis", p, "a mapAxis")) {
                    indexList(tr.get("mapAxis"), p + "/mapAxis", 2, 5);
                }
            }
            case "projectAxis" -> {
                if (!tr.has("droppedInputs") && !tr.has("createdOutputs")) {
                    out.error("transformations", p, "a projectAxis needs droppedInputs or createdOutputs");
                }
                for (String k : List.of("droppedInputs", "createdOutputs")) {
                    if (tr.has(k)) {
                        indexList(tr.get(k), p + "/" + k, 1, 3);
                    }
                }
            }
            case "scale" -> {
                noPath(tr, p, type);
                vector(tr, "scale", p, -1, true);
            }
            case "translation" -> {
                noPath(tr, p, type);
                vector(tr, "translation", p, -1, false);
            }
            case "affine", "rotation" -> {
                boolean hasPath = tr.has("path");
                boolean hasValue = tr.has(type);
                if (hasPath == hasValue) {
                    out.error("transformations", p, "a " + type + " has either '" + type + "' or 'path', "
                            + (hasPath ? "not both" : "and has neither"));
                }
                if (hasPath) {
                    isString(tr.get("path"), p + "/path", "path");
                }
                if (hasValue) {
                    matrix(tr.get(type), p + "/" + type, type.equals("rotation"));
                }
            }
            case "bijection" -> {
                for (String k : List.of("forward", "inverse")) {
                    if (required(tr, k, p, "a bijection")) {
                        transformation(tr.get(k), p + "/" + k, depth + 1);
                    }
                }
            }
            case "sequence" -> {
                JsonNode seq = tr.get("transformations");
                if (required(tr, "transformations", p, "a sequence") && isArray(seq, p + "/transformations", "transformations")) {
                    for (int i = 0; i < seq.size(); i++) {
                        transformation(seq.get(i), p + "/transformations/" + i, depth + 1);
                    }
                }
            }
            case "byDimension" -> {
                JsonNode parts = tr.get("transformations");
                if (required(tr, "transformations", p, "a byDimension") && isArray(parts, p + "/transformations", "transformations")) {
                    List<String> axesKeys = version.equals("0.6.dev4") ? List.of("input_axes", "output_axes")
                            : List.of("inputAxes", "outputAxes");
                    for (int i = 0; i < parts.size(); i++) {
                        String pp = p + "/transformations/" + i;
                        JsonNode part = parts.get(i);
                        if (!isObject(part, pp, "a byDimension part")) {
                            continue;
                        }
                        if (required(part, "transformation", pp, "a byDimension part")) {
                            transformation(part.get("transformation"), pp + "/transformation", depth + 1);
                        }
                        for (String k : axesKeys) {
                            if (required(part, k, pp, "a byDimension part") && isArray(part.get(k), pp + "/" + k, k)) {
                                for (int a = 0; a < part.get(k).size(); a++) {
                                    if (!part.get(k).get(a).isNumber()) {
                                        out.error("transformations", pp + "/" + k + "/" + a, k + " holds axis indices (numbers), not "
                                                + kind(part.get(k).get(a)));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            case "displacements", "coordinates" -> {
                if (required(tr, "path", p, "a " + type)) {
                    isString(tr.get("path"), p + "/path", "path");
                }
                if (tr.has("interpolation") && (!tr.get("interpolation").isTextual()
                        || !INTERPOLATIONS.contains(tr.get("interpolation").textValue()))) {
                    out.error("transformations", p + "/interpolation", "interpolation is one of "
                            + INTERPOLATIONS.stream().sorted().toList() + ", not " + tr.get("interpolation"));
                }
            }
            default -> out.error("transformations", p + "/type", "unknown transformation type '" + type + "'");
        }
    }

    private void noPath(JsonNode tr, String p, String type) {
        if (tr.has("path") && !tr.has(type)) {
            out.error("transformations", p + "/path", "a " + type + " gives its values inline ('" + type + "'), not through a path");
        }
    }

    private void indexList(JsonNode v, String p, int min, int max) {
        if (!isArray(v, p, "an index list")) {
            return;
        }
        if (v.size() < min || v.size() > max) {
            out.error("transformations", p, "holds " + min + " to " + max + " axis indices, not " + v.size());
        }
        unique(v, p, "axis indices");
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (!isInteger(x) || x.asDouble() < 0 || x.asDouble() > 4) {
                out.error("transformations", p + "/" + i, "an axis index is an integer from 0 to 4, not " + x);
            }
        }
    }

    private void matrix(JsonNode m, String p, boolean square) {
        if (!isArray(m, p, "a matrix")) {
            return;
        }
        for (int r = 0; r < m.size(); r++) {
            JsonNode row = m.get(r);
            if (!isArray(row, p + "/" + r, "a matrix row")) {
                continue;
            }
            if (square && row.size() != m.size()) {
                out.error("transformations", p + "/" + r, "a rotation is a square matrix; row " + r + " has " + row.size()
                        + " values for " + m.size() + " rows");
            } else if (!square && row.size() != m.get(0).size()) {
                out.error("transformations", p + "/" + r, "matrix rows differ in length");
            }
            for (int c = 0; c < row.size(); c++) {
                if (!row.get(c).isNumber()) {
                    out.error("transformations", p + "/" + r + "/" + c, "matrix entries are numbers, not " + kind(row.get(c)));
                }
            }
        }
        if (square && (m.size() < 2 || m.size() > 5)) {
            out.error("transformations", p, "a rotation matrix is 2x2 to 5x5, not " + m.size() + " rows");
        }
    }

    private void scene(JsonNode s, String p) {
        if (!isObject(s, p, "scene")) {
            return;
        }
        Set<String> systems = new HashSet<>();
        if (s.has("coordinateSystems") && isArray(s.get("coordinateSystems"), p + "/coordinateSystems", "coordinateSystems")) {
            coordinateSystems(s.get("coordinateSystems"), p + "/coordinateSystems", systems);
        }
        JsonNode ts = s.get("coordinateTransformations");
        if (required(s, "coordinateTransformations", p, "a scene") && isArray(ts, p + "/coordinateTransformations",
                "coordinateTransformations")) {
            if (ts.isEmpty()) {
                out.error("transformations", p + "/coordinateTransformations", "a scene needs at least one transformation");
            }
            for (int t = 0; t < ts.size(); t++) {
                String tp = p + "/coordinateTransformations/" + t;
                transformation(ts.get(t), tp, 0);
                JsonNode tr = ts.get(t);
                if (!tr.isObject()) {
                    continue;
                }
                for (String k : List.of("input", "output")) {
                    if (!required(tr, k, tp, "a scene transformation")) {
                        continue;
                    }
                    JsonNode v = tr.get(k);
                    if (!v.isObject()) {
                        out.error("transformations", tp + "/" + k, k + " is an object with a coordinate system 'name' (and"
                                + " the 'path' of the image holding it), not " + kind(v));
                        continue;
                    }
                    if (!v.has("name")) {
                        out.error("transformations", tp + "/" + k, k + " needs 'name' (a coordinate system)");
                    }
                    for (var e : v.properties()) {
                        if (!e.getKey().equals("name") && !e.getKey().equals("path")) {
                            out.error("transformations", tp + "/" + k + "/" + e.getKey(), k + " holds only name and path, not '"
                                    + e.getKey() + "'");
                        } else {
                            isString(e.getValue(), tp + "/" + k + "/" + e.getKey(), e.getKey());
                        }
                    }
                }
            }
        }
    }

    // ---- omero ----

    private void omero(JsonNode o, String p) {
        if (!isObject(o, p, "omero")) {
            return;
        }
        JsonNode ch = o.get("channels");
        if (!required(o, "channels", p, "omero") || !isArray(ch, p + "/channels", "channels")) {
            return;
        }
        for (int c = 0; c < ch.size(); c++) {
            String cp = p + "/channels/" + c;
            JsonNode channel = ch.get(c);
            if (!isObject(channel, cp, "a channel")) {
                continue;
            }
            if (family == Family.V04) {
                required(channel, "window", cp, "a 0.4 omero channel");
                required(channel, "color", cp, "a 0.4 omero channel");
            }
            optString(channel, "label", cp);
            optString(channel, "family", cp);
            optString(channel, "color", cp);
            if (channel.has("active") && !channel.get("active").isBoolean()) {
                out.error("omero", cp + "/active", "active is true or false, not " + kind(channel.get("active")));
            }
            JsonNode w = channel.get("window");
            if (w != null && isObject(w, cp + "/window", "a window")) {
                for (String k : List.of("start", "min", "end", "max")) {
                    if (required(w, k, cp + "/window", "a window") && !w.get(k).isNumber()) {
                        out.error("omero", cp + "/window/" + k, "window " + k + " is a number, not " + kind(w.get(k)));
                    }
                }
            }
        }
    }

    // ---- labels ----

    private void imageLabel(JsonNode il, String p) {
        if (!isObject(il, p, "image-label")) {
            return;
        }
        strictRequire(il, p, "image-label", family == Family.V04 ? List.of("version", "colors") : List.of("colors"));
        if (family == Family.V04 && il.has("version")) {
            versionValue(il.get("version"), p + "/version");
        }
        for (String list : List.of("colors", "properties")) {
            JsonNode l = il.get(list);
            String lp = p + "/" + list;
            if (l == null || !isArray(l, lp, list)) {
                continue;
            }
            if (l.isEmpty()) {
                out.error("image-label", lp, list + ", when present, must not be empty");
            }
            unique(l, lp, list);
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < l.size(); i++) {
                String ip = lp + "/" + i;
                JsonNode e = l.get(i);
                if (!isObject(e, ip, "a " + list + " entry") || !required(e, "label-value", ip, "a " + list + " entry")) {
                    continue;
                }
                JsonNode v = e.get("label-value");
                if (!isInteger(v)) {
                    out.error("image-label", ip + "/label-value", "label-value is an integer (a pixel value), not " + v);
                } else {
                    Integer before = seen.putIfAbsent(v.asText(), i);
                    if (before != null) {
                        out.error("image-label", ip + "/label-value", "label-value " + v + " is also given at " + lp + "/" + before);
                    }
                }
                if (list.equals("colors") && e.has("rgba")) {
                    JsonNode rgba = e.get("rgba");
                    String rp = ip + "/rgba";
                    if (isArray(rgba, rp, "rgba")) {
                        if (rgba.size() != 4) {
                            out.error("image-label", rp, "rgba has 4 values, not " + rgba.size());
                        }
                        for (int k = 0; k < rgba.size(); k++) {
                            JsonNode x = rgba.get(k);
                            if (!isInteger(x) || x.asDouble() < 0 || x.asDouble() > 255) {
                                out.error("image-label", rp + "/" + k, "rgba values are integers from 0 to 255, not " + x);
                            }
                        }
                    }
                }
            }
        }
        if (il.has("source")) {
            JsonNode s = il.get("source");
            if (isObject(s, p + "/source", "source")) {
                optString(s, "image", p + "/source");
            }
        }
    }

    // ---- plates and wells ----

    private void plate(JsonNode pl, String p) {
        if (!isObject(pl, p, "plate")) {
            return;
        }
        strictRequire(pl, p, "plate", family == Family.V04 ? List.of("name", "version") : List.of("name"));
        if (family == Family.V04 && pl.has("version")) {
            versionValue(pl.get("version"), p + "/version");
        }
        optString(pl, "name", p);
        if (pl.has("field_count") && (!isInteger(pl.get("field_count")) || pl.get("field_count").asDouble() <= 0)) {
            out.error("plate", p + "/field_count", "field_count is a positive integer, not " + pl.get("field_count"));
        }
        List<String> rows = names(pl, "rows", p);
        List<String> columns = names(pl, "columns", p);
        JsonNode acq = pl.get("acquisitions");
        Set<Long> acquisitionIds = new HashSet<>();
        if (acq != null && isArray(acq, p + "/acquisitions", "acquisitions")) {
            for (int i = 0; i < acq.size(); i++) {
                String ap = p + "/acquisitions/" + i;
                JsonNode a = acq.get(i);
                if (!isObject(a, ap, "an acquisition")) {
                    continue;
                }
                strictRequire(a, ap, "an acquisition", List.of("name", "maximumfieldcount"));
                if (required(a, "id", ap, "an acquisition")) {
                    if (!nonNegativeInteger(a.get("id"), ap + "/id", "id") ) {
                        // reported
                    } else if (!acquisitionIds.add(a.get("id").asLong())) {
                        out.error("plate", ap + "/id", "acquisition id " + a.get("id") + " appears twice");
                    }
                }
                if (a.has("maximumfieldcount") && (!isInteger(a.get("maximumfieldcount"))
                        || a.get("maximumfieldcount").asDouble() <= 0)) {
                    out.error("plate", ap + "/maximumfieldcount", "maximumfieldcount is a positive integer, not "
                            + a.get("maximumfieldcount"));
                }
                optString(a, "name", ap);
                optString(a, "description", ap);
                for (String k : List.of("starttime", "endtime")) {
                    if (a.has(k)) {
                        nonNegativeInteger(a.get(k), ap + "/" + k, k + " (seconds since the epoch)");
                    }
                }
            }
        }
        JsonNode wells = entries(pl, "wells", p, "plate", "a plate needs at least one well");
        if (wells == null) {
            return;
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < wells.size(); i++) {
            String wp = p + "/wells/" + i;
            JsonNode w = wells.get(i);
            if (!isObject(w, wp, "a well")) {
                continue;
            }
            boolean ri = required(w, "rowIndex", wp, "a well") && nonNegativeInteger(w.get("rowIndex"), wp + "/rowIndex", "rowIndex");
            boolean ci = required(w, "columnIndex", wp, "a well")
                    && nonNegativeInteger(w.get("columnIndex"), wp + "/columnIndex", "columnIndex");
            if (!required(w, "path", wp, "a well") || !isString(w.get("path"), wp + "/path", "path")) {
                continue;
            }
            String path = w.get("path").textValue();
            if (!paths.add(path)) {
                out.error("plate", wp + "/path", "well path '" + path + "' appears twice");
            }
            if (!WELL_PATH.matcher(path).matches()) {
                out.error("plate-well-path", wp + "/path", "a well path is '<row>/<column>' with letters and digits only, not '"
                        + path + "'");
                continue;
            }
            if (!ri || !ci || rows == null || columns == null) {
                continue;
            }
            int r = w.get("rowIndex").asInt();
            int c = w.get("columnIndex").asInt();
            if (r >= rows.size() || c >= columns.size()) {
                out.error("plate-well-index", wp, "rowIndex " + r + " / columnIndex " + c + " outside the plate's "
                        + rows.size() + " rows and " + columns.size() + " columns");
                continue;
            }
            String want = rows.get(r) + "/" + columns.get(c);
            String swapped = columns.get(c) + "/" + rows.get(r);
            // the 0.4 and 0.6 suites hold column/row paths as valid; the 0.5 suite holds them invalid
            if (!path.equals(want) && !(path.equals(swapped) && family != Family.V05)) {
                out.error("plate-well-path", wp + "/path", "well path '" + path + "' does not match its row and column ('"
                        + want + "')");
            }
        }
    }

    /** A plate's rows or columns: required, non-empty, unique alphanumeric names. Null when unusable. */
    private List<String> names(JsonNode pl, String key, String p) {
        JsonNode l = pl.get(key);
        String lp = p + "/" + key;
        if (!required(pl, key, p, "a plate") || !isArray(l, lp, key)) {
            return null;
        }
        if (l.isEmpty()) {
            out.error("plate", lp, "a plate needs at least one " + key.substring(0, key.length() - 1));
        }
        List<String> names = new java.util.ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < l.size(); i++) {
            String ip = lp + "/" + i;
            JsonNode e = l.get(i);
            if (!isObject(e, ip, "a " + key + " entry") || !required(e, "name", ip, "a " + key + " entry")
                    || !isString(e.get("name"), ip + "/name", "name")) {
                ok = false;
                continue;
            }
            String n = e.get("name").textValue();
            if (!ALNUM.matcher(n).matches()) {
                out.error("plate", ip + "/name", key + " names are letters and digits only, not '" + n + "'");
            }
            if (names.contains(n)) {
                out.error("plate", ip + "/name", "name '" + n + "' appears twice in " + key);
            }
            names.add(n);
        }
        return ok ? names : null;
    }

    private void well(JsonNode w, String p) {
        if (!isObject(w, p, "well")) {
            return;
        }
        if (family == Family.V04) {
            strictRequire(w, p, "well", List.of("version"));
            if (w.has("version")) {
                versionValue(w.get("version"), p + "/version");
            }
        }
        JsonNode images = entries(w, "images", p, "well", "a well needs at least one field");
        if (images == null) {
            return;
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < images.size(); i++) {
            String ip = p + "/images/" + i;
            JsonNode im = images.get(i);
            if (!isObject(im, ip, "a field")) {
                continue;
            }
            if (im.has("acquisition") && !isInteger(im.get("acquisition"))) {
                out.error("well", ip + "/acquisition", "acquisition is an integer (an acquisition id), not " + im.get("acquisition"));
            }
            if (!required(im, "path", ip, "a field") || !isString(im.get("path"), ip + "/path", "path")) {
                continue;
            }
            String path = im.get("path").textValue();
            boolean ok = family == Family.V06
                    ? FIELD_PATH_06.matcher(path).matches() && !path.matches("\\.+") && !path.startsWith("__")
                    : ALNUM.matcher(path).matches();
            if (!ok) {
                out.error("well", ip + "/path", "'" + path + "' is not a field path (" + (family == Family.V06
                        ? "letters, digits, '_', '.', '-'; not only dots, not starting with '__'" : "letters and digits only") + ")");
            }
            if (!paths.add(path)) {
                out.error("well", ip + "/path", "field path '" + path + "' appears twice");
            }
        }
    }

    // ---- small checks ----

    /** A required list that must not be empty nor repeat an entry; null when absent or not a list. */
    private JsonNode entries(JsonNode owner, String key, String p, String rule, String emptyMessage) {
        JsonNode l = owner.get(key);
        if (!required(owner, key, p, "a " + rule) || !isArray(l, p + "/" + key, key)) {
            return null;
        }
        if (l.isEmpty()) {
            out.error(rule, p + "/" + key, emptyMessage);
        }
        unique(l, p + "/" + key, key);
        return l;
    }

    private void stringList(JsonNode l, String p, String what, String item) {
        if (!isArray(l, p, what)) {
            return;
        }
        for (int i = 0; i < l.size(); i++) {
            isString(l.get(i), p + "/" + i, "a " + item);
        }
    }

    private void versionValue(JsonNode v, String p) {
        if (!v.isTextual() || !v.textValue().equals(version == null ? "0.4" : version)) {
            out.error("version", p, "version " + v + " differs from the document's version " + (version == null ? "0.4" : version));
        }
    }

    private void strictRequire(JsonNode o, String p, String what, List<String> keys) {
        if (!strict) {
            return;
        }
        for (String k : keys) {
            if (!o.has(k)) {
                out.warn("strict", p, what + " has no '" + k + "' (the strict schema requires it)");
            }
        }
    }

    private boolean nonNegativeInteger(JsonNode v, String p, String what) {
        if (!isInteger(v) || v.asDouble() < 0) {
            out.error("integer", p, what + " is a non-negative integer, not " + v);
            return false;
        }
        return true;
    }

    private boolean required(JsonNode o, String key, String p, String what) {
        if (!o.has(key)) {
            out.error("required", p, what + " needs '" + key + "'");
            return false;
        }
        return true;
    }

    private void optString(JsonNode o, String key, String p) {
        if (o.has(key)) {
            isString(o.get(key), p + "/" + key, key);
        }
    }

    private boolean isString(JsonNode v, String p, String what) {
        if (!v.isTextual()) {
            out.error("type", p, what + " is a string, not " + kind(v));
            return false;
        }
        return true;
    }

    private boolean isArray(JsonNode v, String p, String what) {
        if (!v.isArray()) {
            out.error("type", p, what + " is a list, not " + kind(v));
            return false;
        }
        return true;
    }

    private boolean isObject(JsonNode v, String p, String what) {
        if (!v.isObject()) {
            out.error("type", p, what + " is an object, not " + kind(v));
            return false;
        }
        return true;
    }

    private void unique(JsonNode l, String p, String what) {
        Map<JsonNode, Integer> first = new HashMap<>(); // JSON equality (Jackson's equals and hashCode)
        for (int i = 0; i < l.size(); i++) {
            Integer j = first.putIfAbsent(l.get(i), i);
            if (j != null) {
                out.error("unique", p + "/" + i, "entry " + i + " of " + what + " repeats entry " + j);
            }
        }
    }

    static boolean isInteger(JsonNode v) {
        return v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Double.isFinite(v.asDouble());
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "the string " + (v.textValue().length() > 40 ? "'" + v.textValue().substring(0, 40) + "...'" : "'" + v.textValue() + "'");
            case NUMBER -> "the number " + v;
            case BOOLEAN -> v.asText();
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
