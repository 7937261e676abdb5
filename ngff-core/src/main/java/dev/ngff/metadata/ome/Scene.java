package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Set;

/**
 * A 0.6 scene: coordinate systems and the transformations that place images (referred to by path in
 * the transformations' input/output) in them.
 */
public record Scene(List<Multiscale.CoordinateSystem> coordinateSystems, List<Transform> coordinateTransformations,
                    ObjectNode extra) {
    public Scene {
        coordinateSystems = coordinateSystems == null ? null : List.copyOf(coordinateSystems);
        coordinateTransformations = coordinateTransformations == null ? null : List.copyOf(coordinateTransformations);
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    static Scene parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        return new Scene(r.optList("coordinateSystems", Multiscale.CoordinateSystem::parse),
                r.optList("coordinateTransformations", Transform::parse),
                r.extra(Set.of("coordinateSystems", "coordinateTransformations")));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        if (coordinateSystems != null) {
            o.set("coordinateSystems", JsonWriter.list(coordinateSystems, Multiscale.CoordinateSystem::toJson));
        }
        if (coordinateTransformations != null) {
            o.set("coordinateTransformations", JsonWriter.list(coordinateTransformations, Transform::toJson));
        }
        return JsonWriter.withExtra(o, extra);
    }
}
