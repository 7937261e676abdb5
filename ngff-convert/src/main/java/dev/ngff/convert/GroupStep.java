package dev.ngff.convert;

import dev.ngff.metadata.GroupMetadata;
import dev.ngff.store.Key;

/** A group's metadata, written after everything below it. */
public record GroupStep(Key path, GroupMetadata meta) implements Step {
}
