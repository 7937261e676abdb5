package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Plate;

import java.io.IOException;

/** An HCS plate; wells are groups at {@code <row>/<column>} below it. */
public record OmePlate(ZarrGroup group, OmeMetadata metadata) implements OmeNode {
    public Plate plate() {
        return metadata.plate();
    }

    /** Opens a well by its path ({@code "A/1"}). */
    public OmeWell well(String path) throws IOException {
        if (OmeZarr.open(group.openGroup(path)) instanceof OmeWell w) {
            return w;
        }
        throw new dev.ngff.error.InvalidMetadataException(group.store().describe() + " '" + group.path().resolve(path)
                + "' has no 'well' metadata");
    }
}
