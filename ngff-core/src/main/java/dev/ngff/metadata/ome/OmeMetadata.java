package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OME-NGFF metadata of one Zarr group, for every version: the blocks a group may carry, each null when
 * absent. Up to 0.4 the blocks are top-level attributes (with per-block versions); from 0.5 they sit under
 * {@code attributes.ome} next to one {@code version}. Immutable; unknown members are kept and written back.
 *
 * @param versionText         the version as written (top-level {@code ome.version}, else the first block
 *                            version found), or null when the document has none
 * @param nested              true when the blocks came from (or go to) {@code attributes.ome}
 * @param multiscales         images: the pyramids (the first is the default), or null
 * @param omero               channel rendering, or null
 * @param labels              a {@code labels} group: the names of the label images, or null
 * @param imageLabel          a label image's {@code image-label}, or null
 * @param plate               HCS plate, or null
 * @param well                HCS well, or null
 * @param bioformats2rawLayout {@code bioformats2raw.layout} (3), or null
 * @param series              the {@code OME/} group's series list, or null
 * @param scene               0.6 scene, or null
 * @param extra               unknown members of {@code attributes.ome} (0.5+), kept for the round trip
 */
public record OmeMetadata(String versionText, boolean nested, List<Multiscale> multiscales, Omero omero,
                          List<String> labels, ImageLabel imageLabel, Plate plate, Well well,
                          Integer bioformats2rawLayout, List<String> series, Scene scene, ObjectNode extra) {
    /** The attribute keys this model reads, at the top level (up to 0.4) or under {@code ome}. */
    public static final Set<String> KEYS = Set.of("multiscales", "omero", "labels", "image-label", "plate", "well",
            "bioformats2raw.layout", "series", "scene");
    private static final Set<String> KNOWN_NESTED;

    static {
        java.util.HashSet<String> s = new java.util.HashSet<>(KEYS);
        s.add("version");
        KNOWN_NESTED = Set.copyOf(s);
    }

    public OmeMetadata {
        multiscales = multiscales == null ? null : List.copyOf(multiscales);
        labels = labels == null ? null : List.copyOf(labels);
        series = series == null ? null : List.copyOf(series);
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    /** The version, when the document carries a well-formed one. */
    public Optional<NgffVersion> version() {
        return NgffVersion.isWellFormed(versionText) ? Optional.of(NgffVersion.of(versionText)) : Optional.empty();
    }

    public boolean isImage() {
        return multiscales != null && !multiscales.isEmpty();
    }

    @Override
    public ObjectNode extra() {
        return extra.deepCopy();
    }

    /** A builder-style copy with another version and the matching layout (nested from 0.5 on). */
    public OmeMetadata withVersion(NgffVersion v) {
        return new OmeMetadata(v.text(), v.nestedUnderOme(), multiscales, omero, labels, imageLabel, plate, well,
                bioformats2rawLayout, series, scene, extra);
    }

    /**
     * Reads the OME metadata from a group's (or array's) attributes. Empty when the attributes carry none
     * of the OME keys. A malformed block is an {@link InvalidMetadataException} naming {@code where} and the
     * JSON pointer of the bad value.
     */
    public static Optional<OmeMetadata> parse(ObjectNode attributes, String where) throws InvalidMetadataException {
        JsonNode ome = attributes.get("ome");
        if (ome != null && ome.isObject()) {
            JsonReader r = new JsonReader(ome, where, "/ome");
            return Optional.of(read(r, r.looseString("version"), true, r.extra(KNOWN_NESTED)));
        }
        JsonReader r = new JsonReader(attributes, where, "");
        boolean any = false;
        for (String k : KEYS) {
            any |= attributes.has(k);
        }
        if (!any) {
            return Optional.empty();
        }
        return Optional.of(read(r, null, false, null));
    }

    private static OmeMetadata read(JsonReader r, String version, boolean nested, ObjectNode extra)
            throws InvalidMetadataException {
        List<Multiscale> ms = r.optList("multiscales", Multiscale::parse);
        Omero omero = r.has("omero") ? Omero.parse(r.at("omero")) : null;
        List<String> labels = r.has("labels") ? r.strings("labels") : null;
        ImageLabel il = r.has("image-label") ? ImageLabel.parse(r.at("image-label")) : null;
        Plate plate = r.has("plate") ? Plate.parse(r.at("plate")) : null;
        Well well = r.has("well") ? Well.parse(r.at("well")) : null;
        Integer layout = r.optInt("bioformats2raw.layout");
        List<String> series = r.has("series") ? r.strings("series") : null;
        Scene scene = r.has("scene") ? Scene.parse(r.at("scene")) : null;
        if (version == null) { // up to 0.4 each block carries its own version
            if (ms != null && !ms.isEmpty()) {
                version = ms.getFirst().version();
            } else if (plate != null) {
                version = plate.version();
            } else if (well != null) {
                version = well.version();
            } else if (il != null) {
                version = il.version();
            }
        }
        return new OmeMetadata(version, nested, ms, omero, labels, il, plate, well, layout, series, scene, extra);
    }

    /**
     * Writes this metadata into a copy of {@code base} (the group's other attributes are kept): under
     * {@code ome} when {@link #nested()}, else as top-level keys.
     */
    public ObjectNode toAttributes(ObjectNode base) {
        ObjectNode attrs = base == null ? Json.object() : base.deepCopy();
        ObjectNode target;
        if (nested) {
            target = JsonWriter.object();
            JsonWriter.putIfSet(target, "version", versionText);
        } else {
            target = attrs;
            for (String k : KEYS) {
                target.remove(k);
            }
        }
        if (multiscales != null) {
            target.set("multiscales", JsonWriter.list(multiscales, Multiscale::toJson));
        }
        if (omero != null) {
            target.set("omero", omero.toJson());
        }
        if (labels != null) {
            target.set("labels", JsonWriter.strings(labels));
        }
        if (imageLabel != null) {
            target.set("image-label", imageLabel.toJson());
        }
        if (plate != null) {
            target.set("plate", plate.toJson());
        }
        if (well != null) {
            target.set("well", well.toJson());
        }
        if (bioformats2rawLayout != null) {
            target.put("bioformats2raw.layout", bioformats2rawLayout);
        }
        if (series != null) {
            target.set("series", JsonWriter.strings(series));
        }
        if (scene != null) {
            target.set("scene", scene.toJson());
        }
        if (nested) {
            JsonWriter.withExtra(target, extra);
            attrs.set("ome", target);
        }
        return attrs;
    }
}
