package dev.ngff.convert;

import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;

import java.util.List;

/**
 * The levels of an image made anew from {@code source} (its level 0) in one streaming pass
 * ({@link PyramidWriter}): {@code levels.get(k)} is written at {@code levelPaths.get(k)} and every level is
 * published after the pass. A runner journals the pass as one block (block 0 of the step's unit) after the
 * levels are published: a resumed run keeps the levels of a finished pass when every object is as recorded, and
 * otherwise makes them again (the pass is deterministic, so with the same bytes). A file image's own levels are
 * pyramid steps of one level each ({@link PyramidPlan#single}).
 *
 * @param path   the image group (or the level, for a step of one level)
 * @param source level 0: a source array, or a file read directly (TIFF, raw)
 */
public record PyramidStep(Key path, LevelSource source, List<Key> levelPaths, List<ArrayMetadata> levels,
                          PyramidPlan plan, Downsampling method) implements Step {
    public PyramidStep {
        levelPaths = List.copyOf(levelPaths);
        levels = List.copyOf(levels);
        if (levelPaths.size() != levels.size() || levels.size() != plan.levels()) {
            throw new IllegalArgumentException(levelPaths.size() + " paths and " + levels.size()
                    + " level documents for a plan of " + plan.levels() + " levels");
        }
    }
}
