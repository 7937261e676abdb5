package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;

import java.io.IOException;
import java.util.List;

/** A {@code labels} group: it names the label images below it. */
public record OmeLabels(ZarrGroup group, OmeMetadata metadata) implements OmeNode {
    public List<String> names() {
        return metadata.labels() == null ? List.of() : metadata.labels();
    }

    /** Opens one label image by name. */
    public OmeImage open(String name) throws IOException {
        return OmeZarr.openImage(group.openGroup(name));
    }
}
