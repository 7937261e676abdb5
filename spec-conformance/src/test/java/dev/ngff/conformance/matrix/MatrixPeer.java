package dev.ngff.conformance.matrix;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A peer implementation of the matrix, the directions it takes part in, and the cells it cannot do
 * (each with the reason, so the report lists them instead of dropping them).
 *
 * @param id         short name, used in {@code -Dngff.peer=} and in the folders it writes
 * @param label      name and pinned version for the report
 * @param runtime    how it is started
 * @param directions the directions it is driven in
 * @param limits     the cells it does not support, with reasons
 */
record MatrixPeer(String id, String label, Runtime runtime, Set<Direction> directions, List<Limit> limits) {

    enum Runtime { PYTHON, NODE }

    /**
     * Cells a peer cannot do: where {@code applies} holds in one of {@code directions}.
     *
     * @param reason what the peer lacks, with a link to its issue or documentation where there is one
     */
    record Limit(Set<Direction> directions, Predicate<Cell> applies, String reason) {
        Limit {
            Objects.requireNonNull(reason, "reason");
            directions = EnumSet.copyOf(directions);
        }

        static Limit both(Predicate<Cell> applies, String reason) {
            return new Limit(EnumSet.allOf(Direction.class), applies, reason);
        }

        static Limit only(Direction d, Predicate<Cell> applies, String reason) {
            return new Limit(EnumSet.of(d), applies, reason);
        }
    }

    MatrixPeer {
        directions = EnumSet.copyOf(directions);
        limits = List.copyOf(limits);
    }

    /** Why this peer cannot do the cell in this direction, or empty when it can. */
    Optional<String> unsupported(Cell cell, Direction direction) {
        if (!directions.contains(direction)) {
            return Optional.of(label + " is driven only as a " + (directions.contains(Direction.NGFF_WRITES)
                    ? "reader" : "writer") + " here");
        }
        for (Limit l : limits) {
            if (l.directions().contains(direction) && l.applies().test(cell)) {
                return Optional.of(l.reason());
            }
        }
        return Optional.empty();
    }
}
