package dev.ngff.conformance.matrix;

/** The outcome of one cell for one peer and direction. */
enum Status {
    PASS("pass"),
    FAIL("FAIL"),
    NOT_SUPPORTED_BY_PEER("not supported by peer"),
    NOT_IMPLEMENTED("not implemented by ngff-engine (yet)"),
    PEER_MISSING("peer not installed");

    final String label;

    Status(String label) {
        this.label = label;
    }
}
