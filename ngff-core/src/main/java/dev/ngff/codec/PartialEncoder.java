package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes into one stored chunk without re-encoding what a write does not touch: the counterpart of
 * {@link PartialDecoder}. A chunk is made of <em>units</em> that are encoded independently: the inner
 * chunks of a {@code sharding_indexed} shard, or the whole chunk for every other codec. A unit is
 * addressed by its linear index (C order) in the chunk's grid of units.
 *
 * <p>Contract of {@link #encode(Map)}:
 * <ul>
 *   <li>units without an update keep their stored encoded bytes as they are (read raw, never decoded);
 *       a unit that is not stored stays not stored;</li>
 *   <li>{@link UnitUpdate.Replace} units are encoded from new data without reading them;</li>
 *   <li>{@link UnitUpdate.Merge} units are read, decoded (the fill value when not stored), changed
 *       and re-encoded;</li>
 *   <li>units whose every element equals the fill value are dropped where the codec skips such
 *       units (sharding always does);</li>
 *   <li>the result is the whole new chunk as pieces for one
 *       {@link dev.ngff.store.WritableStore#write(dev.ngff.store.Key, List)}, or empty when no unit
 *       remains stored and the codec skips fill chunks ({@link ArrayToBytesCodec#skipsFillChunks}):
 *       the caller then deletes the object (or stores an encoded fill chunk itself);</li>
 *   <li>nothing is written: the caller writes the result, and must keep other writers of the same
 *       chunk out between this read and that write (the stored chunk is read from the
 *       {@link ChunkSource} given when the encoder was made; a missing source is an empty chunk).</li>
 * </ul>
 * Corrupt stored data is a {@link dev.ngff.error.CorruptDataException} naming the source. One encoder
 * serves one read-modify-write of one chunk; it may run unit encodings in parallel where it was given
 * a task runner.
 */
public interface PartialEncoder {

    /** The shape of a unit: the inner chunk shape of a shard, else the chunk shape. */
    long[] unitShape();

    /** Units per dimension of the chunk: its shape divided by {@link #unitShape()} (all ones when the unit is the chunk). */
    long[] unitGrid();

    /**
     * Encodes one whole unit (of {@link #unitShape()}) from data alone, without reading anything:
     * empty when every element is the fill value (the unit is then not stored). The result never
     * shares memory with {@code unit}, which the caller may reuse. Thread-safe; the result is a
     * {@link UnitUpdate.Encoded} for a later {@link #encode(Map)}.
     */
    Optional<Bytes> encodeUnit(NdBuffer unit) throws IOException;

    /**
     * {@link #encodeUnit} for a unit whose memory the caller hands over and never writes again: the
     * result may then be a view of {@code unit} (a codec that passes bytes through, such as {@code bytes}
     * alone, copies nothing), and the caller may reuse the unit's memory only when the result does not
     * overlap it. Thread-safe. The default encodes as {@link #encodeUnit} does (always a copy).
     */
    default Optional<Bytes> encodeHandedOverUnit(NdBuffer unit) throws IOException {
        return encodeUnit(unit);
    }

    /** Decodes one unit's encoded bytes (from {@link #encodeUnit}) into a new writable buffer of {@link #unitShape()}. */
    NdBuffer decodeUnit(Bytes encoded) throws IOException;

    /** The new chunk with {@code updates} (by unit linear index) applied; see the class contract. */
    Optional<List<Bytes>> encode(Map<Long, UnitUpdate> updates) throws IOException;

    /**
     * Writes the box {@code [offset, offset + shape)} of the chunk from {@code src} at {@code srcOffset}:
     * units the box covers wholly are replaced, units it cuts are merged, all others are kept.
     */
    default Optional<List<Bytes>> write(long[] offset, NdBuffer src, long[] srcOffset, long[] shape) throws IOException {
        return encode(Units.boxUpdates(unitShape(), unitGrid(), offset, src, srcOffset, shape));
    }

    /** How a write changes one unit. */
    sealed interface UnitUpdate {
        /** Replaces the unit with already encoded bytes ({@link #encodeUnit}); empty drops it. */
        record Encoded(Optional<Bytes> bytes) implements UnitUpdate {
            public Encoded {
                java.util.Objects.requireNonNull(bytes, "bytes");
            }
        }

        /** Replaces the unit: {@code change} gets a unit buffer holding the fill value, the stored unit is not read. */
        record Replace(UnitChange change) implements UnitUpdate {
            public Replace {
                java.util.Objects.requireNonNull(change, "change");
            }
        }

        /** Changes the stored unit: {@code change} gets it decoded (the fill value when it is not stored). */
        record Merge(UnitChange change) implements UnitUpdate {
            public Merge {
                java.util.Objects.requireNonNull(change, "change");
            }
        }
    }

    /** Writes new elements into a writable, decoded unit. Called once per encode, possibly on another thread. */
    @FunctionalInterface
    interface UnitChange {
        void apply(NdBuffer unit) throws IOException;
    }
}
