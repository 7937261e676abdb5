package dev.ngff.metadata;

import java.util.Optional;

/**
 * Which of the three Zarr stages a codec works in, asked while a Zarr v2 {@code .zarray} is turned into
 * the v3 model: v2 has one flat filter list, and the model needs to know where the array becomes bytes
 * (a numcodecs checksum or compressor among the filters starts the bytes stage; an object codec such as
 * {@code vlen-utf8} is the array-to-bytes codec of a {@code |O} array). {@link dev.ngff.codec.CodecRegistry}
 * answers from the codec it builds for the spec. Implementations are thread-safe.
 */
@FunctionalInterface
public interface CodecStages {

    /** The stages of a codec chain. */
    enum Stage { ARRAY_TO_ARRAY, ARRAY_TO_BYTES, BYTES_TO_BYTES }

    /**
     * The stage of the codec {@code spec} names (with its configuration), or empty when this lookup cannot
     * build it (no provider, an invalid configuration, a missing native library): such a codec then fails
     * with its own error when the pipeline is built.
     */
    Optional<Stage> stageOf(CodecSpec spec);

    /** A lookup that knows no codec: only {@link MetadataFormat}'s table of numcodecs ids applies. */
    CodecStages NONE = spec -> Optional.empty();
}
