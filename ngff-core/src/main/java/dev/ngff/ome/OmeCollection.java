package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;

import java.io.IOException;
import java.util.List;

/**
 * A bioformats2raw collection ({@code bioformats2raw.layout: 3}): images at {@code 0}, {@code 1}, ... or at
 * the paths listed in {@code OME/} ({@code series}). {@code OME/METADATA.ome.xml} is carried, not parsed.
 *
 * @param seriesPaths the image paths, from {@code OME/series} when present, else the consecutive numbered
 *                    children that exist
 */
public record OmeCollection(ZarrGroup group, OmeMetadata metadata, List<String> seriesPaths) implements OmeNode {
    public OmeCollection {
        seriesPaths = List.copyOf(seriesPaths);
    }

    public OmeImage series(int i) throws IOException {
        return OmeZarr.openImage(group.openGroup(seriesPaths.get(i)));
    }
}
