/**
 * Where bytes live: the store SPI and the built-in stores. A store is split by capability:
 * {@link dev.ngff.store.ReadableStore} reads a byte range ({@link dev.ngff.store.ByteRange}: whole,
 * from an offset, bounded, or a suffix; ranges clip to the object's end, so an offset beyond it gives
 * present but empty bytes) of an object named by a validated {@link dev.ngff.store.Key};
 * {@link dev.ngff.store.WritableStore} adds writes that readers see whole or not at all and deletes
 * that tolerate missing keys; {@link dev.ngff.store.ListableStore} adds recursive and one-level
 * listings in lexicographic key order; {@link dev.ngff.store.Store} is all three. A missing key is
 * always {@link java.util.Optional#empty()}, never {@code null} and never an exception; failures of the
 * store itself are checked {@link dev.ngff.error.StoreException}s whose messages name the store
 * ({@link dev.ngff.store.ReadableStore#describe()}), the key and the byte range; caller bugs (invalid
 * keys, reserved names, writes to read-only kinds) are unchecked. Every store is safe for use by many
 * threads at once. Implementations here: {@link dev.ngff.store.MemoryStore},
 * {@link dev.ngff.store.FileSystemStore}, {@link dev.ngff.store.ZipStore} (read-only, {@code .ozx}
 * included), {@link dev.ngff.store.OzxWriter} (writes a {@code .ozx} archive in one pass; readers see it once
 * it is finished) and {@link dev.ngff.store.HttpStore} (read-only); {@link dev.ngff.store.Stores} opens one
 * from a path or URL. New implementations extend the abstract contract test suites in this package's
 * test sources ({@code ReadableStoreContract}, {@code ListableStoreContract}, {@code StoreContract}).
 */
package dev.ngff.store;
