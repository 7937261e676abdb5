package dev.ngff.conformance.matrix;

import dev.ngff.conformance.matrix.MatrixPeer.Limit;

import java.io.IOException;
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
        return List.of(zarrPython(), zarrs(), tensorstore(), zarrita());
    }

    /** zarr-python checks the inner chunk shape against the untransposed chunk (both Python peers share that layer). */
    private static final Limit SHARDING_AFTER_TRANSPOSE = Limit.both(
            c -> c.format() == 3 && c.order().equals("F") && isSharded(c) && !palindrome(c.shape().chunks()),
            "zarr-python checks sharding_indexed's inner chunk_shape against the array's chunk shape, ignoring the"
                    + " transpose codec before it (the spec gives each codec the representation the previous one"
                    + " produced; tensorstore and ngff-engine follow that): 'The array's chunk_shape needs to be"
                    + " divisible by the shard's inner chunk_shape'; https://github.com/zarr-developers/zarr-python/issues/2050"
                    + " (the spec point: https://github.com/zarr-developers/zarr-specs/issues/241)");

    /** numcodecs' pcodec and zfpy work on native-order arrays only; zarr-python applies the v2 '>' dtype after them. */
    private static final Limit NUMCODECS_NATIVE_BIG_ENDIAN = Limit.both(
            c -> c.format() == 2 && usesCodec(c, "pcodec", "zfpy") && c.endian().equals("big"),
            "numcodecs' PCodec and ZFPY take only native-order arrays: writing a v2 '>' array fails ('TypeError:"
                    + " Unsupported data type: dtype('>i2')', zfpy 'TypeError: Unknown dtype: >i8'), and reading one they"
                    + " decode to native-order values that zarr-python then views as the '>' dtype, byte-swapped (numcodecs"
                    + " decodes our chunk of v2.pcodec.int16.F.be... to int16 15437, -25956, ...: the right values; zarrs"
                    + " writes such arrays and we read them)");

    static MatrixPeer zarrPython() {
        return new MatrixPeer("zarr-python", "zarr-python 3.1.3 (default codec pipeline), numcodecs 0.16.6",
                MatrixPeer.Runtime.PYTHON, EnumSet.allOf(Direction.class), List.of(
                SHARDING_AFTER_TRANSPOSE,
                Limit.only(Direction.NGFF_WRITES, c -> c.codec().id().equals("sharding-nested") && innerShardsCutOnTwoAxes(c),
                        "zarr-python fails on reads that need part of a shard nested in a shard: 'AssertionError:"
                                + " byte_range is not supported within shards' (a whole-array read needs that when edge"
                                + " shards cut inner shards on two or more axes; a one-element read fails on any such array);"
                                + " https://github.com/zarr-developers/zarr-python/issues/3652, fixed after 3.1.3 by"
                                + " https://github.com/zarr-developers/zarr-python/pull/3655"),
                Limit.only(Direction.NGFF_WRITES, c -> c.format() == 3 && usesCodec(c, "delta")
                                && c.endian().equals("big") && CellDocs.itemSize(c.dtype().name()) > 1,
                        "zarr-python 3.1.3 reads a v3 array with numcodecs.delta and a big-endian bytes codec"
                                + " byte-swapped, its own included: int32 [1, 2, 4, 8] written by zarr-python (chunk"
                                + " 00000001 00000001 00000002 00000004, the right big-endian deltas) reads back as"
                                + " [16777216, 33554432, 67108864, 134217728]"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 3 && c.order().equals("F")
                                && CellDocs.variableLength(c.dtype().name()) && c.shape().shape().length > 1
                                && hasEdgeChunks(c) && c.missing().equals("first-chunks"),
                        "zarr-python 3.1.3 stores the elements of a partly written edge chunk of a variable-length"
                                + " array behind the order-F transpose codec in the wrong places, and reads its own array"
                                + " back just as wrongly (v3.zstd.variable_length_bytes.F.le.3d-edges...: element"
                                + " [2,8,1] holds [3,8,0]'s bytes and the other way round); it reads the same cell"
                                + " written by ngff-engine correctly"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 3 && c.order().equals("F") && isSharded(c)
                                && c.missing().equals("first-chunks"),
                        "zarr-python raises NotImplementedError when a write covers part of a shard and a transpose"
                                + " codec comes before sharding_indexed"),
                NUMCODECS_NATIVE_BIG_ENDIAN,
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 3 && usesCodec(c, "pcodec", "zfpy"),
                        "zarr-python 3.1.3 hands numcodecs.pcodec and numcodecs.zfpy non-contiguous chunk views when it"
                                + " writes v3, which they refuse: pcodec 'ValueError: an array with contiguous memory is"
                                + " required', zfpy 'ValueError: The zfp codec does not support F order arrays' (it reads"
                                + " such arrays)"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 2 && usesCodec(c, "zfpy") && c.order().equals("F"),
                        "numcodecs' ZFPY refuses order-F chunks: 'ValueError: The zfp codec does not support F order"
                                + " arrays'")));
    }

    static MatrixPeer zarrs() {
        return new MatrixPeer("zarrs", "zarr-python 3.1.3 with the zarrs 0.2.3 codec pipeline (Rust), strict: no fallback"
                + " to the Python pipeline", MatrixPeer.Runtime.PYTHON, EnumSet.allOf(Direction.class), List.of(
                SHARDING_AFTER_TRANSPOSE,
                Limit.both(c -> CellDocs.variableLength(c.dtype().name()),
                        "the zarrs 0.2.3 codec pipeline takes no variable-length text or bytes arrays, v2 or v3:"
                                + " 'zarrs.pipeline.UnsupportedDataTypeError' in strict mode (zarrs itself has them;"
                                + " its snapshot fixtures are read in ZarrsFixturesTest)"),
                Limit.both(c -> c.format() == 2 && c.codec().v2() != null && c.codec().v2().toString().contains("\"crc32c\""),
                        "the zarrs pipeline has no v2 crc32c (numcodecs CRC32C): UnsupportedMetadataError in strict mode"),
                Limit.both(c -> usesCodec(c, "crc32", "adler32", "fletcher32", "lzma", "lz4", "delta", "packbits"),
                        "zarrs 0.2.3 has no numcodecs crc32, adler32, fletcher32, lzma, lz4, delta or packbits codec"
                                + " (v2 or v3): 'UnsupportedMetadataError()' (no message) in strict mode, for"
                                + " arrays it creates as for arrays it opens"),
                Limit.both(c -> usesCodec(c, "zfpy"),
                        "the zarrs 0.2.3 pipeline has no numcodecs.zfpy (v2 zfpy or v3 numcodecs.zfpy; zarrs' own zfp"
                                + " codec is named zfp): 'UnsupportedMetadataError()' (no message) in strict mode, for"
                                + " arrays it creates as for arrays it opens"),
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
                Limit.both(c -> CellDocs.variableLength(c.dtype().name()),
                        "tensorstore 0.1.86 has no variable-length text or bytes type in either driver: zarr3 'Error"
                                + " parsing object member \"data_type\": string data type is not one of the supported data"
                                + " types' (variable_length_bytes likewise), zarr 'Error parsing object member \"dtype\":"
                                + " Unsupported zarr dtype: \"|O\"'"),
                Limit.both(c -> c.format() == 2 && c.codec().v2() != null && c.codec().v2().toString().contains("\"crc32c\""),
                        "tensorstore's zarr (v2) driver has no crc32c compressor: '\"crc32c\" is not registered'"),
                Limit.both(c -> c.format() == 2 && c.codec().v2() != null && c.codec().v2().path("filters").size() > 0,
                        "tensorstore's zarr (v2) driver accepts no filters: 'Error parsing object member \"filters\":"
                                + " filters are not supported' (reading our .zarray as creating its own)"),
                Limit.both(c -> c.format() == 2 && usesCodec(c, "pcodec", "zfpy"),
                        "tensorstore's zarr (v2) driver has no pcodec or zfpy compressor: 'Error parsing object member"
                                + " \"id\": \"pcodec\" is not registered' (reading our .zarray as creating its own)"),
                Limit.both(c -> c.format() == 2 && usesCodec(c, "lz4", "lzma"),
                        "tensorstore's zarr (v2) driver has no lz4 or lzma compressor (it has blosc, zlib, gzip, bz2"
                                + " and zstd): 'Error parsing object member \"id\": \"lz4\" is not registered'"),
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 2 && c.order().equals("F")
                                && c.shape().shape().length == 1,
                        "tensorstore writes order \"C\" into .zarray for a rank-1 array created with order \"F\","
                                + " then rejects its own spec: 'Expected \"order\" of \"F\" but received: \"C\"'")));
    }

    static MatrixPeer zarrita() {
        return new MatrixPeer("zarrita", "zarrita 0.7.5 (npm) on Node.js (the reader web viewers use; it writes Zarr v3 too)",
                MatrixPeer.Runtime.NODE, EnumSet.allOf(Direction.class), List.of(
                Limit.only(Direction.PEER_WRITES, c -> c.format() == 2, "zarrita's create writes Zarr v3 only"),
                Limit.only(Direction.PEER_WRITES, c -> CellDocs.variableLength(c.dtype().name()),
                        "zarrita 0.7.5 decodes vlen-utf8 but does not encode it (its encode is unimplementedEncode), and"
                                + " has no vlen-bytes codec"),
                Limit.only(Direction.NGFF_WRITES, c -> CellDocs.variableLength(c.dtype().name()) && usesCodec(c, "shuffle"),
                        "zarrita's shuffle codec refuses arrays without a fixed element size: 'Shuffle codec requires"
                                + " a fixed-size dtype, got \"string\"' (numcodecs shuffles the vlen bytes with elementsize 1)"),
                Limit.only(Direction.NGFF_WRITES, c -> CellDocs.variableLength(c.dtype().name()) && isSharded(c)
                                && innerChainEndsUncompressed(c),
                        "zarrita's VLenUTF8.decode reads from offset 0 of the input's ArrayBuffer (new DataView(bytes.buffer),"
                                + " bytes.buffer.slice(pos, ...)), ignoring the Uint8Array's byteOffset: an inner chunk that"
                                + " reaches it as a view into the shard (no compressor after vlen-utf8) decodes from the"
                                + " wrong bytes and reads other strings"),
                Limit.only(Direction.NGFF_WRITES, c -> c.dtype().name().equals("variable_length_bytes"),
                        "zarrita 0.7.5 has no variable_length_bytes data type or vlen-bytes codec (only vlen-utf8 text)"),
                Limit.both(c -> c.format() == 2 && c.codec().v2() != null && c.codec().v2().toString().contains("\"crc32c\""),
                        "zarrita maps a v2 compressor id to numcodecs.<id> and has no numcodecs.crc32c:"
                                + " 'Unknown codec: numcodecs.crc32c'"),
                Limit.both(c -> usesCodec(c, "crc32", "adler32", "fletcher32", "bz2", "lzma", "packbits"),
                        "zarrita 0.7.5 has no numcodecs crc32, adler32, fletcher32, bz2, lzma or packbits codec"
                                + " (a v2 id maps to numcodecs.<id>): 'Unknown codec: numcodecs.adler32'"),
                Limit.both(c -> usesCodec(c, "pcodec", "zfpy"),
                        "zarrita 0.7.5 has no pcodec or zfpy codec: 'UnknownCodecError: Unknown codec: numcodecs.pcodec'"
                                + " ('numcodecs.zfpy' likewise)"),
                Limit.only(Direction.PEER_WRITES, c -> c.keys().equals("v2dot"),
                        "zarrita's create writes only the default chunk key encoding"),
                Limit.only(Direction.PEER_WRITES, c -> uses(c, "gzip") || uses(c, "numcodecs.zlib") || uses(c, "crc32c"),
                        "zarrita 0.7.5 decodes gzip, zlib and crc32c but does not encode them: 'Failed to encode chunk"
                                + " via codec' (their encode is unimplemented)"),
                Limit.only(Direction.PEER_WRITES, KnownPeers::isSharded,
                        "zarrita cannot write sharded arrays: 'set on sharded arrays' is unsupported"),
                Limit.only(Direction.PEER_WRITES, c -> c.dtype().name().endsWith("int64") && c.fill().equals("special"),
                        "zarrita writes metadata with JSON.stringify over JavaScript numbers, so a 64-bit integer"
                                + " fill value beyond 2^53 comes out rounded"),
                Limit.both(c -> c.dtype().name().startsWith("complex"),
                        "zarrita has no complex data types: 'Unknown or unsupported dataType: complex64'"),
                Limit.both(c -> c.dtype().name().equals("float16")
                                && !nodeHasFloat16Array(),
                        "zarrita maps float16 to globalThis.Float16Array, which this Node.js lacks (Node 20; it"
                                + " arrived in Node 24): 'Unknown or unsupported dataType: float16'"),
                Limit.both(c -> c.codec().id().equals("sharding-nested"),
                        "zarrita implements sharding as a chunk getter of the array, not as a codec, so a"
                                + " sharding_indexed inside a shard is unknown: 'Unknown codec: sharding_indexed'"),
                Limit.both(c -> isSharded(c) && CellDocs.doc(c).toString().contains("\"index_location\":\"start\""),
                        "zarrita 0.7.5 always reads the shard index from the end of the shard (a suffix read) and"
                                + " ignores index_location: the chunks then fail to decode"),
                Limit.both(c -> c.dtype().name().equals("uint64") && c.fill().equals("special")
                                && !c.missing().equals("none"),
                        "zarrita parses metadata with JSON.parse, so a uint64 fill_value of 2^64-1 (a valid JSON"
                                + " integer) loses precision and missing chunks read as another value"),
                Limit.both(c -> c.format() == 3 && c.order().equals("F") && c.codec().id().equals("transpose")
                                && c.shape().shape().length >= 3,
                        "zarrita's transpose decode sets the chunk's strides from its own order instead of composing"
                                + " them with the strides it was given, so two transpose codecs in a row (order F, then a"
                                + " rotation) read wrongly; zarr-python, zarrs and tensorstore read the same bytes"
                                + " correctly"),
                Limit.both(c -> c.format() == 3 && c.order().equals("F") && isSharded(c) && !palindrome(c.shape().chunks()),
                        "zarrita lays the inner chunks of a shard out on the array's axes, ignoring the transpose"
                                + " codec before sharding_indexed: the chunks fail to decode")));
    }

    /** Whether the cell's metadata names a codec that starts with this prefix. */
    static boolean uses(Cell c, String codecPrefix) {
        return CellDocs.doc(c).toString().contains("\"" + codecPrefix);
    }

    /**
     * Whether the cell's metadata names one of these numcodecs codecs: a v3 codec {@code numcodecs.<id>}
     * (at any depth, so inside a shard too) or a v2 filter or compressor {@code <id>}.
     */
    static boolean usesCodec(Cell c, String... numcodecsIds) {
        java.util.Set<String> names = new java.util.HashSet<>();
        collectCodecNames(CellDocs.doc(c), names);
        for (String id : numcodecsIds) {
            if (names.contains(id) || names.contains("numcodecs." + id)) {
                return true;
            }
        }
        return false;
    }

    private static void collectCodecNames(com.fasterxml.jackson.databind.JsonNode n, java.util.Set<String> out) {
        if (n.isObject()) {
            for (String field : List.of("name", "id")) {
                if (n.path(field).isTextual()) {
                    out.add(n.get(field).textValue());
                }
            }
        }
        if (n.isContainerNode()) {
            n.forEach(child -> collectCodecNames(child, out));
        }
    }

    /** Whether the data chain inside the shard ends with the array-to-bytes codec or a checksum (no copying compressor). */
    static boolean innerChainEndsUncompressed(Cell c) {
        for (com.fasterxml.jackson.databind.JsonNode codec : CellDocs.doc(c).path("codecs")) {
            if (codec.path("name").asText().equals("sharding_indexed")) {
                com.fasterxml.jackson.databind.JsonNode inner = codec.path("configuration").path("codecs");
                String last = inner.get(inner.size() - 1).path("name").asText();
                return last.startsWith("vlen-") || last.equals("crc32c") || last.equals("sharding_indexed");
            }
        }
        return false;
    }

    static boolean isSharded(Cell c) {
        return uses(c, "sharding_indexed");
    }

    /** Node.js 24 and newer have Float16Array, which zarrita needs for float16. */
    static boolean nodeHasFloat16Array() {
        return NODE_MAJOR >= 24;
    }

    private static final int NODE_MAJOR = nodeMajor();

    private static int nodeMajor() {
        try {
            Process p = new ProcessBuilder(System.getenv().getOrDefault("NGFF_NODE", "node"), "--version")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            p.waitFor();
            return Integer.parseInt(v.replaceFirst("^v(\\d+).*", "$1"));
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 0;
        }
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
