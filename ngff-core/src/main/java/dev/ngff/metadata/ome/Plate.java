package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Set;

/**
 * A high-content-screening plate.
 *
 * @param version      per-block version (0.4), or null
 * @param rows         row names ({@code "A"}, {@code "B"}, ...)
 * @param columns      column names ({@code "1"}, {@code "2"}, ...)
 * @param wells        the wells that exist
 * @param acquisitions acquisitions, or null
 * @param fieldCount   largest number of fields per well, or null
 */
public record Plate(String version, String name, List<String> rows, List<String> columns, List<WellRef> wells,
                    List<Acquisition> acquisitions, Integer fieldCount, ObjectNode extra) {
    private static final Set<String> KNOWN = Set.of("version", "name", "rows", "columns", "wells", "acquisitions",
            "field_count");

    /** A well of the plate: {@code path} is {@code "<row>/<column>"}. */
    public record WellRef(String path, int rowIndex, int columnIndex, ObjectNode extra) {
        public WellRef {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }
    }

    /** An acquisition (a run of the microscope over the plate). */
    public record Acquisition(int id, String name, Integer maximumFieldCount, ObjectNode extra) {
        public Acquisition {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }
    }

    public Plate {
        rows = List.copyOf(rows);
        columns = List.copyOf(columns);
        wells = List.copyOf(wells);
        acquisitions = acquisitions == null ? null : List.copyOf(acquisitions);
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    static Plate parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        return new Plate(r.looseString("version"), r.optString("name"),
                r.list("rows", x -> x.requireObject().string("name")),
                r.list("columns", x -> x.requireObject().string("name")),
                r.list("wells", w -> {
                    w.requireObject();
                    Integer ri = w.optInt("rowIndex");
                    Integer ci = w.optInt("columnIndex");
                    if (ri == null || ci == null) {
                        throw w.error("a well needs rowIndex and columnIndex");
                    }
                    return new WellRef(w.string("path"), ri, ci, w.extra(Set.of("path", "rowIndex", "columnIndex")));
                }),
                r.optList("acquisitions", a -> {
                    a.requireObject();
                    Integer id = a.optInt("id");
                    if (id == null) {
                        throw a.error("an acquisition needs an id");
                    }
                    return new Acquisition(id, a.optString("name"), a.optInt("maximumfieldcount"),
                            a.extra(Set.of("id", "name", "maximumfieldcount")));
                }),
                r.optInt("field_count"), r.extra(KNOWN));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        JsonWriter.putIfSet(o, "version", version);
        JsonWriter.putIfSet(o, "name", name);
        o.set("rows", JsonWriter.list(rows, n -> Json.object().put("name", n)));
        o.set("columns", JsonWriter.list(columns, n -> Json.object().put("name", n)));
        o.set("wells", JsonWriter.list(wells, w -> JsonWriter.withExtra(Json.object().put("path", w.path())
                .put("rowIndex", w.rowIndex()).put("columnIndex", w.columnIndex()), w.extra())));
        if (acquisitions != null) {
            o.set("acquisitions", JsonWriter.list(acquisitions, a -> {
                ObjectNode an = Json.object().put("id", a.id());
                JsonWriter.putIfSet(an, "name", a.name());
                JsonWriter.putIfSet(an, "maximumfieldcount", a.maximumFieldCount());
                return JsonWriter.withExtra(an, a.extra());
            }));
        }
        JsonWriter.putIfSet(o, "field_count", fieldCount);
        return JsonWriter.withExtra(o, extra);
    }
}
