package dev.ngff.conformance.matrix;

import java.util.Objects;

/**
 * The outcome of one cell for one peer in one direction.
 *
 * @param detail why (the peer's limit, the missing codec, the error or the first differing element); empty on a pass
 */
record Verdict(MatrixPeer peer, Direction direction, Cell cell, Status status, String detail) {
    Verdict {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    /** A command line that runs just this cell against just this peer. */
    String reproduce() {
        return MatrixReport.reproduceCommand(peer.id(), cell.id());
    }
}
