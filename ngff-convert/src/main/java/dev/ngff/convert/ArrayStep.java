package dev.ngff.convert;

import dev.ngff.array.ZarrArray;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.store.Key;

/**
 * An array: the elements of {@code source} written with {@code meta} (same shape and data type), published after
 * its data. Copied block by block by {@link ArrayCopier}.
 */
public record ArrayStep(Key path, ZarrArray source, ArrayMetadata meta) implements Step {
}
