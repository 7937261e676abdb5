package dev.ngff.codec;

import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Service-provider interface: makes codecs from their metadata spec. Found through
 * {@link java.util.ServiceLoader}; a provider may answer to several names (the v3 name and aliases such
 * as {@code numcodecs.zlib} / {@code zlib}).
 */
public interface CodecProvider {

    /** The names this provider answers to. */
    Set<String> names();

    /**
     * Makes a codec from a spec whose name is one of {@link #names()}; an invalid configuration is an
     * {@link dev.ngff.error.InvalidMetadataException}. {@code registry} builds nested codec chains.
     */
    Codec create(CodecSpec spec, CodecRegistry registry) throws NgffException;
}
