package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Well;

import java.io.IOException;

/** A well of a plate; its fields of view are images below it. */
public record OmeWell(ZarrGroup group, OmeMetadata metadata) implements OmeNode {
    public Well well() {
        return metadata.well();
    }

    /** Opens field {@code i} (in the order of {@code well.images}). */
    public OmeImage field(int i) throws IOException {
        return OmeZarr.openImage(group.openGroup(well().images().get(i).path()));
    }
}
