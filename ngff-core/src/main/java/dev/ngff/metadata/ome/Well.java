package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Set;

/**
 * A well of a plate: the fields of view (images) in it.
 *
 * @param version per-block version (0.4), or null
 * @param images  the fields, each an image group at {@code path} below the well
 */
public record Well(String version, List<Field> images, ObjectNode extra) {
    /** One field of view; {@code acquisition} is the plate acquisition id, or null. */
    public record Field(String path, Integer acquisition, ObjectNode extra) {
        public Field {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }
    }

    public Well {
        images = List.copyOf(images);
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    static Well parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        return new Well(r.looseString("version"), r.list("images", f -> {
            f.requireObject();
            return new Field(f.string("path"), f.optInt("acquisition"), f.extra(Set.of("path", "acquisition")));
        }), r.extra(Set.of("version", "images")));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        JsonWriter.putIfSet(o, "version", version);
        o.set("images", JsonWriter.list(images, f -> {
            ObjectNode fn = Json.object().put("path", f.path());
            JsonWriter.putIfSet(fn, "acquisition", f.acquisition());
            return JsonWriter.withExtra(fn, f.extra());
        }));
        return JsonWriter.withExtra(o, extra);
    }
}
