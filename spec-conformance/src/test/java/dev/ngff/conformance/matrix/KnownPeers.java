package dev.ngff.conformance.matrix;

import dev.ngff.conformance.matrix.MatrixPeer.Limit;

import java.util.EnumSet;
import java.util.List;

/**
 * The peers of the matrix with their pinned versions (scripts/peers-venv.sh, src/test/js/package-lock.json)
 * and what each cannot do. Every limit here was seen failing in a run and is worded with its cause; a
 * limit that hides a bug of ours would be a defect of this file.
 */
final class KnownPeers {
    private KnownPeers() {
    }

    static List<MatrixPeer> all() {
        return List.of(zarrPython(), zarrs(), tensorstore());
    }

    /** zarr-python checks the inner chunk shape against the untransposed chunk (both Python peers share that layer). */
    private static final Limit SHARDING_AFTER_TRANSPOSE = Limit.both(
            c -> c.format() == 3 && c.order().equals("F") && isSharded(c) && !palindrome(c.shape().chunks()),
            "zarr-python checks sharding_indexed's inner chunk_shape against the array's chunk shape, ignoring the"
                    + " transpose codec before it (the spec gives each codec the representation the previous one"
                    + " produced; tensorstore and ngff-engine follow that): 'The array's chunk_shape needs to be"
                    + " divisible by the shard's inner chunk_shape'");

    static MatrixPeer zarrPython() {
        return new MatrixPeer("zarr-python", "zarr-python 3.1.3 (default codec pipeline), numcodecs 0.16.6",
                MatrixPeer.Runtime.PYTHON, EnumSet.allOf(Direction.class), List.of(
                SHARDING_AFTER_TRANSPOSE,
                Limit.only(Direction.NGFF_WRITES, c -> c.codec().id().equals("sharding-nested") && innerShardsCutOnTwoAxes(c),
                        "zarr-python fails on reads that need part of a shard nested in a shard: 'AssertionError:"
                                + " byte_range is not supported within shards' (a whole-array read needs that when edge"
                                + " shards cut inner shards on two or more axes; a one-element read fails on any such array)"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 3 && c.order().equals("F") && isSharded(c)
                                && c.missing().equals("first-chunks"),
                        "zarr-python raises NotImplementedError when a write covers part of a shard and a transpose"
                                + " codec comes before sharding_indexed")));
    }

    static MatrixPeer zarrs() {
        return new MatrixPeer("zarrs", "zarr-python 3.1.3 with the zarrs 0.2.3 codec pipeline (Rust), strict: no fallback"
                + " to the Python pipeline", MatrixPeer.Runtime.PYTHON, EnumSet.allOf(Direction.class), List.of(
                SHARDING_AFTER_TRANSPOSE,
                Limit.only(Direction.NGFF_WRITES, c -> c.format() == 2 && c.endian().equals("big"),
                        "the zarrs pipeline refuses to read into a big-endian NumPy array, which zarr-python asks"
                                + " for with a v2 '>' dtype: 'Non-native byte order not supported'"),
                Limit.only(Direction.NGFF_WRITES, c -> c.format() == 2 && c.order().equals("F")
                                && c.shape().shape().length > 1,
                        "the zarrs pipeline cannot read v2 order F into zarr-python's output array: 'input array must"
                                + " be a C contiguous array'"),
                Limit.only(Direction.NGFF_WRITES, c -> c.dtype().name().startsWith("complex") && c.endian().equals("big")
                                && hasEdgeChunks(c),
                        "zarrs 0.2.3 swaps the real and imaginary parts of big-endian complex elements in edge chunks"
                                + " (seen also on arrays that zarr-python writes; zarr-python and tensorstore read the"
                                + " same bytes correctly)")));
    }

    static MatrixPeer tensorstore() {
        return new MatrixPeer("tensorstore", "tensorstore 0.1.86 (drivers zarr and zarr3)",
                MatrixPeer.Runtime.PYTHON, EnumSet.allOf(Direction.class), List.of(
                Limit.both(c -> c.format() == 3 && uses(c, "numcodecs."),
                        "tensorstore's zarr3 driver knows only the codecs of the Zarr v3 core spec and blosc/zstd/gzip;"
                                + " numcodecs.* codecs are zarr-python's extension names: '\"numcodecs.zlib\" is not"
                                + " registered'"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 2 && c.order().equals("F")
                                && c.shape().shape().length == 1,
                        "tensorstore writes order \"C\" into .zarray for a rank-1 array created with order \"F\","
                                + " then rejects its own spec: 'Expected \"order\" of \"F\" but received: \"C\"'")));
    }

    static MatrixPeer zarrita() {
        return new MatrixPeer("zarrita", "zarrita 0.7.5 (npm) on Node.js, reader",
                MatrixPeer.Runtime.NODE, EnumSet.of(Direction.NGFF_WRITES), List.of());
    }

    /** Whether the cell's metadata names a codec that starts with this prefix. */
    static boolean uses(Cell c, String codecPrefix) {
        return CellDocs.doc(c).toString().contains("\"" + codecPrefix);
    }

    static boolean isSharded(Cell c) {
        return uses(c, "sharding_indexed");
    }

    static boolean hasEdgeChunks(Cell c) {
        for (int d = 0; d < c.shape().shape().length; d++) {
            if (c.shape().shape()[d] % c.shape().chunks()[d] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the array's extents are not multiples of the inner shard shape on two or more axes. */
    static boolean innerShardsCutOnTwoAxes(Cell c) {
        long[] inner = CellDocs.halved(c.shape().chunks());
        int cut = 0;
        for (int d = 0; d < inner.length; d++) {
            if (c.shape().shape()[d] % inner[d] != 0) {
                cut++;
            }
        }
        return cut >= 2;
    }

    static boolean palindrome(long[] v) {
        for (int i = 0; i < v.length / 2; i++) {
            if (v[i] != v[v.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }
}
