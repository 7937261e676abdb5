package dev.ngff.conformance.matrix;

/** Which side writes a cell and which reads it. */
enum Direction {
    /** The peer writes through its own API and metadata; ngff-engine reads and must see the formula's values. */
    PEER_WRITES("peer writes, ngff reads"),
    /** ngff-engine writes; the peer opens our metadata unchanged and must read the formula's values. */
    NGFF_WRITES("ngff writes, peer reads");

    final String label;

    Direction(String label) {
        this.label = label;
    }
}
