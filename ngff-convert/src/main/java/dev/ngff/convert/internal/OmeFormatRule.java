package dev.ngff.convert.internal;

import dev.ngff.array.ZarrGroup;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.convert.ConvertOptionException;

import java.util.Optional;

/**
 * The OME-NGFF rule a Zarr-level copy keeps: each OME-NGFF version lives in one Zarr format (up to 0.4
 * Zarr v2, from 0.5 Zarr v3; {@link NgffVersion#zarrFormat()}), so a copy that changes a group's Zarr
 * format under its OME metadata would write a hierarchy that OME-Zarr readers and validators reject.
 */
public final class OmeFormatRule {
    private OmeFormatRule() {
    }

    /**
     * Refuses (a usage error naming {@code ngff convert}) to write {@code group}'s attributes into a group of
     * Zarr format {@code format} when they carry OME metadata of a version that needs the other format and
     * the copy changes the format. Attributes whose OME metadata does not parse, or carries no version, are
     * copied as they are: a Zarr-level copy does not judge them.
     */
    public static void requireFits(ZarrGroup group, int format) {
        if (format == group.zarrFormat()) {
            return; // a faithful copy writes nothing the source did not hold
        }
        String where = group.store().describe() + " '" + (group.path().isRoot() ? "/" : group.path().path()) + "'";
        Optional<OmeMetadata> meta;
        try {
            meta = OmeMetadata.parse(group.attributes(), where);
        } catch (InvalidMetadataException e) {
            return;
        }
        Optional<NgffVersion> v = meta.flatMap(OmeMetadata::version);
        if (v.isPresent() && v.get().zarrFormat() != format) {
            String to = format == 3 ? "0.5" : "0.4";
            throw new ConvertOptionException(where + " holds OME-NGFF " + v.get().text()
                    + " metadata, which needs Zarr v" + v.get().zarrFormat() + "; a Zarr v" + format
                    + " copy of it would be invalid OME-Zarr, so nothing was written: use 'ngff convert --ngff-version "
                    + to + "' to rewrite the metadata for Zarr v" + format);
        }
    }
}
