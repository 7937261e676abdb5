package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A coordinate transformation: the two of 0.4/0.5 ({@code scale}, {@code translation}, plus
 * {@code identity}) and every type of RFC-5 / 0.6. Parameters that a type may store in a Zarr array
 * instead of inline come with a {@code path}. Each value carries a {@link Link}: its name, input and
 * output (absent before 0.6) and any members this model does not know.
 */
public sealed interface Transform {
    /**
     * What every transformation has besides its parameters.
     *
     * @param name   optional name
     * @param input  input coordinate system: a name string (0.6.dev4) or an object {@code {"name"|"path"}}
     *               (0.6rc0); null when absent
     * @param output output coordinate system, same forms as {@code input}
     * @param extra  unknown members (for example {@code input_axes} inside {@code byDimension})
     */
    record Link(String name, JsonNode input, JsonNode output, ObjectNode extra) {
        public static final Link NONE = new Link(null, null, null, null);

        public Link {
            input = input == null || input.isNull() ? null : input.deepCopy();
            output = output == null || output.isNull() ? null : output.deepCopy();
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        /** A link between two named coordinate systems, in the 0.6rc0 object form. */
        public static Link between(String input, String output) {
            ObjectNode in = Json.object().put("name", input);
            ObjectNode out = Json.object().put("name", output);
            return new Link(null, in, out, null);
        }

        /** The input's coordinate-system name (from the string or the object form), or null. */
        public String inputName() {
            return refName(input, "name");
        }

        public String outputName() {
            return refName(output, "name");
        }

        /** The input's array path (0.6rc0 {@code {"path": ...}}), or null. */
        public String inputPath() {
            return refName(input, "path");
        }

        private static String refName(JsonNode ref, String key) {
            if (ref == null) {
                return null;
            }
            if (ref.isTextual()) {
                return key.equals("name") ? ref.textValue() : null;
            }
            JsonNode v = ref.get(key);
            return v != null && v.isTextual() ? v.textValue() : null;
        }
    }

    String type();

    Link link();

    record Identity(Link link) implements Transform {
        public String type() {
            return "identity";
        }
    }

    /** Axis permutation; the parameter's form changed between drafts (list of indices or of names), so it stays JSON. */
    record MapAxis(JsonNode mapAxis, Link link) implements Transform {
        public MapAxis {
            mapAxis = Objects.requireNonNull(mapAxis, "mapAxis").deepCopy();
        }

        public String type() {
            return "mapAxis";
        }
    }

    record Translation(double[] translation, String path, Link link) implements Transform {
        public Translation {
            translation = translation == null ? null : translation.clone();
            if (translation == null && path == null) {
                throw new IllegalArgumentException("translation needs values or a path");
            }
        }

        public static Translation of(double... t) {
            return new Translation(t, null, Link.NONE);
        }

        public String type() {
            return "translation";
        }

        @Override
        public double[] translation() {
            return translation == null ? null : translation.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Translation t && Arrays.equals(translation, t.translation)
                    && Objects.equals(path, t.path) && link.equals(t.link);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(translation) * 31 + Objects.hash(path, link);
        }
    }

    record Scale(double[] scale, String path, Link link) implements Transform {
        public Scale {
            scale = scale == null ? null : scale.clone();
            if (scale == null && path == null) {
                throw new IllegalArgumentException("scale needs values or a path");
            }
        }

        public static Scale of(double... s) {
            return new Scale(s, null, Link.NONE);
        }

        public String type() {
            return "scale";
        }

        @Override
        public double[] scale() {
            return scale == null ? null : scale.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scale s && Arrays.equals(scale, s.scale) && Objects.equals(path, s.path)
                    && link.equals(s.link);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(scale) * 31 + Objects.hash(path, link);
        }
    }

    /** Affine matrix, rows of {@code input rank + 1} columns (the last is the translation). */
    record Affine(double[][] affine, String path, Link link) implements Transform {
        public Affine {
            affine = affine == null ? null : Arrays.stream(affine).map(double[]::clone).toArray(double[][]::new);
        }

        public String type() {
            return "affine";
        }
    }

    record Rotation(double[][] rotation, String path, Link link) implements Transform {
        public Rotation {
            rotation = rotation == null ? null : Arrays.stream(rotation).map(double[]::clone).toArray(double[][]::new);
        }

        public String type() {
            return "rotation";
        }
    }

    record Sequence(List<Transform> transformations, Link link) implements Transform {
        public Sequence {
            transformations = List.copyOf(transformations);
        }

        public String type() {
            return "sequence";
        }
    }

    /** A displacement field stored as a Zarr array at {@code path}. */
    record Displacements(String path, String interpolation, Link link) implements Transform {
        public String type() {
            return "displacements";
        }
    }

    /** A coordinate field stored as a Zarr array at {@code path}. */
    record Coordinates(String path, String interpolation, Link link) implements Transform {
        public String type() {
            return "coordinates";
        }
    }

    record Bijection(Transform forward, Transform inverse, Link link) implements Transform {
        public String type() {
            return "bijection";
        }
    }

    /**
     * One part of a {@code byDimension}: a transformation and the axes it reads and writes.
     *
     * @param inputAxes  the axes, as written ({@code inputAxes} or, in older drafts, {@code input_axes}); null if absent
     * @param outputAxes likewise for the output axes
     * @param extra      unknown members, and which spelling of the axis keys the document used
     */
    record Part(Transform transformation, JsonNode inputAxes, JsonNode outputAxes, ObjectNode extra) {
        public Part {
            Objects.requireNonNull(transformation, "transformation");
            inputAxes = inputAxes == null ? null : inputAxes.deepCopy();
            outputAxes = outputAxes == null ? null : outputAxes.deepCopy();
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        static Part parse(JsonReader r) throws InvalidMetadataException {
            r.requireObject();
            boolean snake = r.has("input_axes") || r.has("output_axes");
            String in = snake ? "input_axes" : "inputAxes";
            String out = snake ? "output_axes" : "outputAxes";
            if (!r.has("transformation") && r.has("type")) {
                // the part is the transformation itself, axes beside its parameters (the form of
                // ome-zarr-transformations-conformance 0.1.2); written back in the schema's form
                return new Part(Transform.parse(r), r.raw(in), r.raw(out), Json.object().put("@axesKeys", snake ? "snake" : "camel"));
            }
            return new Part(Transform.parse(r.object("transformation")), r.raw(in), r.raw(out),
                    r.extra(Set.of("transformation", in, out)).put("@axesKeys", snake ? "snake" : "camel"));
        }

        ObjectNode toJson() {
            ObjectNode o = JsonWriter.object();
            o.set("transformation", Transform.toJson(transformation));
            boolean snake = "snake".equals(extra.path("@axesKeys").asText());
            JsonWriter.putIfSet(o, snake ? "input_axes" : "inputAxes", inputAxes);
            JsonWriter.putIfSet(o, snake ? "output_axes" : "outputAxes", outputAxes);
            ObjectNode rest = extra.deepCopy();
            rest.remove("@axesKeys");
            return JsonWriter.withExtra(o, rest);
        }
    }

    /** Transformations applied to subsets of axes. */
    record ByDimension(List<Part> transformations, Link link) implements Transform {
        public ByDimension {
            transformations = List.copyOf(transformations);
        }

        public String type() {
            return "byDimension";
        }
    }

    /** A type this model does not know; all its members are in {@link Link#extra()}. */
    record Other(String type, Link link) implements Transform {
    }

    static Transform parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        String type = r.string("type");
        Set<String> known = switch (type) {
            case "identity" -> Set.of();
            case "mapAxis" -> Set.of("mapAxis");
            case "translation" -> Set.of("translation", "path");
            case "scale" -> Set.of("scale", "path");
            case "affine" -> Set.of("affine", "path");
            case "rotation" -> Set.of("rotation", "path");
            case "sequence", "byDimension" -> Set.of("transformations");
            case "displacements", "coordinates" -> Set.of("path", "interpolation");
            case "bijection" -> Set.of("forward", "inverse");
            default -> Set.of();
        };
        java.util.HashSet<String> all = new java.util.HashSet<>(known);
        all.addAll(Set.of("type", "name", "input", "output"));
        Link link = new Link(r.optString("name"), r.raw("input"), r.raw("output"), r.extra(all));
        return switch (type) {
            case "identity" -> new Identity(link);
            case "mapAxis" -> new MapAxis(r.at("mapAxis").node(), link);
            case "translation" -> {
                if (!r.has("translation") && !r.has("path")) {
                    throw r.error("a translation needs 'translation' or 'path'");
                }
                yield new Translation(r.optDoubles("translation"), r.optString("path"), link);
            }
            case "scale" -> {
                if (!r.has("scale") && !r.has("path")) {
                    throw r.error("a scale needs 'scale' or 'path'");
                }
                yield new Scale(r.optDoubles("scale"), r.optString("path"), link);
            }
            case "affine" -> new Affine(r.optMatrix("affine"), r.optString("path"), link);
            case "rotation" -> new Rotation(r.optMatrix("rotation"), r.optString("path"), link);
            case "sequence" -> new Sequence(r.list("transformations", Transform::parse), link);
            case "byDimension" -> new ByDimension(r.list("transformations", Part::parse), link);
            case "displacements" -> new Displacements(r.optString("path"), r.optString("interpolation"), link);
            case "coordinates" -> new Coordinates(r.optString("path"), r.optString("interpolation"), link);
            case "bijection" -> new Bijection(parse(r.object("forward")), parse(r.object("inverse")), link);
            default -> new Other(type, link);
        };
    }

    static ObjectNode toJson(Transform t) {
        ObjectNode o = JsonWriter.object();
        o.put("type", t.type());
        Link l = t.link();
        JsonWriter.putIfSet(o, "name", l.name());
        JsonWriter.putIfSet(o, "input", l.input());
        JsonWriter.putIfSet(o, "output", l.output());
        switch (t) {
            case Identity i -> { }
            case MapAxis m -> o.set("mapAxis", m.mapAxis().deepCopy());
            case Translation tr -> {
                if (tr.translation() != null) {
                    o.set("translation", JsonWriter.numbers(tr.translation()));
                }
                JsonWriter.putIfSet(o, "path", tr.path());
            }
            case Scale s -> {
                if (s.scale() != null) {
                    o.set("scale", JsonWriter.numbers(s.scale()));
                }
                JsonWriter.putIfSet(o, "path", s.path());
            }
            case Affine a -> {
                if (a.affine() != null) {
                    o.set("affine", JsonWriter.matrix(a.affine()));
                }
                JsonWriter.putIfSet(o, "path", a.path());
            }
            case Rotation r -> {
                if (r.rotation() != null) {
                    o.set("rotation", JsonWriter.matrix(r.rotation()));
                }
                JsonWriter.putIfSet(o, "path", r.path());
            }
            case Sequence s -> o.set("transformations", JsonWriter.list(s.transformations(), Transform::toJson));
            case ByDimension b -> o.set("transformations", JsonWriter.list(b.transformations(), Part::toJson));
            case Displacements d -> {
                JsonWriter.putIfSet(o, "path", d.path());
                JsonWriter.putIfSet(o, "interpolation", d.interpolation());
            }
            case Coordinates c -> {
                JsonWriter.putIfSet(o, "path", c.path());
                JsonWriter.putIfSet(o, "interpolation", c.interpolation());
            }
            case Bijection b -> {
                o.set("forward", toJson(b.forward()));
                o.set("inverse", toJson(b.inverse()));
            }
            case Other x -> { }
        }
        return JsonWriter.withExtra(o, l.extra());
    }
}
