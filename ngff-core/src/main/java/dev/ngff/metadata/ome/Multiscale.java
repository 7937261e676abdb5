package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code multiscales}: a pyramid of datasets, finest first.
 *
 * @param version                   the per-entry {@code version} (0.4 and older), or null
 * @param name                      optional name
 * @param axes                      the axes (up to 0.5); null in 0.6, where {@link #coordinateSystems()} hold them
 * @param coordinateSystems         0.6 coordinate systems (the first is the pyramid's physical system), or null
 * @param datasets                  the levels, finest first
 * @param coordinateTransformations transformations applied after each dataset's own (0.4/0.5), or null
 * @param type                      how the levels were downsampled ({@code "gaussian"}, ...), or null
 * @param metadata                  free-form details of the downsampling, or null
 * @param extra                     unknown members, kept for the round trip
 */
public record Multiscale(String version, String name, List<Axis> axes, List<CoordinateSystem> coordinateSystems,
                         List<Dataset> datasets, List<Transform> coordinateTransformations, String type,
                         JsonNode metadata, ObjectNode extra) {
    private static final Set<String> KNOWN = Set.of("version", "name", "axes", "coordinateSystems", "datasets",
            "coordinateTransformations", "type", "metadata");

    /**
     * One level of the pyramid.
     *
     * @param path                      the array's path relative to the image group
     * @param coordinateTransformations the level's transformations (a scale, then optionally a translation)
     */
    public record Dataset(String path, List<Transform> coordinateTransformations, ObjectNode extra) {
        public Dataset {
            Objects.requireNonNull(path, "path");
            coordinateTransformations = coordinateTransformations == null ? List.of() : List.copyOf(coordinateTransformations);
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        static Dataset parse(JsonReader r) throws InvalidMetadataException {
            r.requireObject();
            List<Transform> ts = r.optList("coordinateTransformations", Transform::parse);
            return new Dataset(r.string("path"), ts, r.extra(Set.of("path", "coordinateTransformations")));
        }

        ObjectNode toJson() {
            ObjectNode o = JsonWriter.object();
            o.put("path", path);
            if (!coordinateTransformations.isEmpty()) {
                o.set("coordinateTransformations", JsonWriter.list(coordinateTransformations, Transform::toJson));
            }
            return JsonWriter.withExtra(o, extra);
        }
    }

    /** A named coordinate system (0.6) with its axes. */
    public record CoordinateSystem(String name, List<Axis> axes, ObjectNode extra) {
        public CoordinateSystem {
            Objects.requireNonNull(name, "name");
            axes = List.copyOf(axes);
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        static CoordinateSystem parse(JsonReader r) throws InvalidMetadataException {
            r.requireObject();
            return new CoordinateSystem(r.string("name"), r.list("axes", Axis::parse), r.extra(Set.of("name", "axes")));
        }

        ObjectNode toJson() {
            ObjectNode o = JsonWriter.object();
            o.put("name", name);
            o.set("axes", JsonWriter.list(axes, Axis::toJson));
            return JsonWriter.withExtra(o, extra);
        }
    }

    public Multiscale {
        axes = axes == null ? null : List.copyOf(axes);
        coordinateSystems = coordinateSystems == null ? null : List.copyOf(coordinateSystems);
        datasets = List.copyOf(datasets);
        coordinateTransformations = coordinateTransformations == null ? null : List.copyOf(coordinateTransformations);
        metadata = metadata == null || metadata.isNull() ? null : metadata.deepCopy();
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    /**
     * The pyramid's axes, whatever the version: {@code axes} up to 0.5, else the axes of the coordinate
     * system the datasets map to (the first one named as an output, or the first system).
     */
    public List<Axis> effectiveAxes() {
        if (axes != null) {
            return axes;
        }
        if (coordinateSystems == null || coordinateSystems.isEmpty()) {
            return List.of();
        }
        String target = null;
        if (!datasets.isEmpty() && !datasets.getFirst().coordinateTransformations().isEmpty()) {
            target = datasets.getFirst().coordinateTransformations().getFirst().link().outputName();
        }
        for (CoordinateSystem cs : coordinateSystems) {
            if (cs.name().equals(target)) {
                return cs.axes();
            }
        }
        return coordinateSystems.getFirst().axes();
    }

    /**
     * The axis-aligned scale and translation of a level in physical units, combining its own
     * transformations with the multiscale-wide ones. Empty when they are not a pure scale and
     * translation (affine, displacement fields, ...) or when a parameter lives in an array.
     */
    public Optional<ScaleTranslation> levelTransform(int level) {
        int rank = effectiveAxes().size();
        Optional<ScaleTranslation> own = ScaleTranslation.compose(datasets.get(level).coordinateTransformations(), rank);
        if (own.isEmpty() || coordinateTransformations == null) {
            return own;
        }
        Optional<ScaleTranslation> global = ScaleTranslation.compose(coordinateTransformations, rank);
        return global.map(g -> own.get().then(g));
    }

    static Multiscale parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        return new Multiscale(
                r.looseString("version"),
                r.optString("name"),
                r.optList("axes", Axis::parse),
                r.optList("coordinateSystems", CoordinateSystem::parse),
                r.list("datasets", Dataset::parse),
                r.optList("coordinateTransformations", Transform::parse),
                r.optString("type"),
                r.raw("metadata"),
                r.extra(KNOWN));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        JsonWriter.putIfSet(o, "version", version);
        JsonWriter.putIfSet(o, "name", name);
        if (axes != null) {
            o.set("axes", JsonWriter.list(axes, Axis::toJson));
        }
        if (coordinateSystems != null) {
            o.set("coordinateSystems", JsonWriter.list(coordinateSystems, CoordinateSystem::toJson));
        }
        o.set("datasets", JsonWriter.list(datasets, Dataset::toJson));
        if (coordinateTransformations != null) {
            o.set("coordinateTransformations", JsonWriter.list(coordinateTransformations, Transform::toJson));
        }
        JsonWriter.putIfSet(o, "type", type);
        JsonWriter.putIfSet(o, "metadata", metadata);
        return JsonWriter.withExtra(o, extra);
    }
}
