package dev.ngff.write;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The buffered state of one shard (or unsharded chunk): per unit either its encoded bytes (complete)
 * or a decoded buffer with a map of the elements written so far. Guarded by {@link #lock}; once
 * {@link #detached} it belongs to the write that commits it and is never changed again.
 */
final class PendingShard {
    /** Grid coordinates of a chunk, usable as a map key. */
    record Coords(long[] c) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Coords x && Arrays.equals(c, x.c);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(c);
        }

        @Override
        public String toString() {
            return Arrays.toString(c);
        }
    }

    /** One unit's buffered state and the bytes it is charged in the budget. */
    sealed interface Unit {
        long charge();
    }

    /** Complete: its encoding, empty when it is all fill value (not stored). */
    record Done(Optional<Bytes> encoded, long charge) implements Unit {
    }

    /** Partly written: the written elements are set in {@code written}; the others are not meant to change. */
    static final class Partial implements Unit {
        final NdBuffer data;
        final BitSet written;
        final long needed;
        final long charge;
        /** Counts changes, so that an encoding made before the latest change is not installed. */
        long version;

        Partial(NdBuffer data, long needed, long charge) {
            this.data = data;
            this.written = new BitSet(Math.toIntExact(data.elementCount()));
            this.needed = needed;
            this.charge = charge;
        }

        @Override
        public long charge() {
            return charge;
        }

        boolean complete() {
            return written.cardinality() >= needed;
        }
    }

    final Coords coords;
    /** In-bounds units: the shard is complete when all of them are {@link Done}. */
    final long unitsNeeded;
    final ReentrantLock lock = new ReentrantLock();
    final Map<Long, Unit> units = new HashMap<>();
    long done;
    /** In-bounds units already handed to {@link #stream} (they no longer sit in {@link #units}). */
    long emitted;
    /** Sum of the units' charges, read without the lock by eviction (a hint). */
    volatile long charged;
    boolean detached;
    /** Whether the store was asked if the shard exists, to decide on streaming it (asked once per pending shard). */
    boolean probed;
    /** While the store is being asked: eviction leaves the shard alone, for streaming it frees its bytes soon. */
    volatile boolean deciding;
    /** The streamed upload of this shard when it streams (see {@link ShardStream}), else null. */
    ShardStream stream;

    PendingShard(Coords coords, long unitsNeeded) {
        this.coords = coords;
        this.unitsNeeded = unitsNeeded;
    }

    /** Replaces a unit's state, keeping the count of complete units and the charge; returns the old charge. */
    long put(long linear, Unit unit) {
        Unit old = units.put(linear, unit);
        long oldCharge = old == null ? 0 : old.charge();
        if (old instanceof Done) {
            done--;
        }
        if (unit instanceof Done) {
            done++;
        }
        charged = charged - oldCharge + unit.charge();
        return oldCharge;
    }

    /** Removes a complete unit that goes to the stream; returns it. */
    Done emit(long linear) {
        Done d = (Done) units.remove(linear);
        done--;
        emitted++;
        charged -= d.charge();
        return d;
    }

    /** Whether a write to this unit comes too late for this pending shard: it has already been streamed. */
    boolean streamedPast(long linear) {
        return stream != null && linear < stream.cursor;
    }

    /** Bytes this shard holds that eviction would free: its units and what its upload still holds. */
    long evictable() {
        return charged + (stream == null ? 0 : stream.held);
    }

    boolean complete() {
        return done + emitted >= unitsNeeded;
    }
}
