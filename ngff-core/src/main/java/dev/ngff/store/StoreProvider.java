package dev.ngff.store;

import java.io.IOException;
import java.util.Set;

/**
 * Opens stores for URI schemes that the core does not know, such as {@code s3://} (provided by the
 * {@code ngff-s3} module). {@link Stores#open} and {@link Stores#openWritable} find providers through
 * {@link java.util.ServiceLoader}, so the core never depends on the modules that implement them.
 *
 * <p>Contract: {@link #schemes()} is constant, lower-case, and never names {@code file}, {@code http}
 * or {@code https} (the core opens those itself). A location that a provider cannot parse is an
 * {@link IllegalArgumentException} naming it; failures to reach the store are {@link IOException}s.
 * Implementations are stateless and thread-safe, with a public no-argument constructor.
 */
public interface StoreProvider {

    /** The URI schemes this provider opens, lower case, such as {@code s3}. */
    Set<String> schemes();

    /** Opens a store for reading at {@code location}, a URI with one of {@link #schemes()}. */
    ReadableStore open(String location) throws IOException;

    /**
     * Opens a store for reading and writing.
     *
     * @throws IllegalArgumentException if stores of this kind are read-only
     */
    Store openWritable(String location) throws IOException;
}
