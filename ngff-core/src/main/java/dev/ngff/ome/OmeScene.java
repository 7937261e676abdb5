package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Scene;

import java.io.IOException;

/**
 * A 0.6 scene: coordinate systems and transformations that place the images below the group (named by
 * path in the transformations' input and output) in a common space.
 */
public record OmeScene(ZarrGroup group, OmeMetadata metadata) implements OmeNode {
    public Scene scene() {
        return metadata.scene();
    }

    /** Opens an image of the scene by its path relative to the scene group. */
    public OmeImage image(String path) throws IOException {
        return OmeZarr.openImage(group.openGroup(path));
    }
}
