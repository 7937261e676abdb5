package dev.ngff.conformance.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.V2Details;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the matrix: ngff-engine writes every cell it implements once, then each peer runs as one process
 * per direction over all the cells it supports (a JSON manifest in, JSON results out), and ngff-engine
 * reads what each peer wrote. Every (peer, direction, cell) ends in a {@link Verdict}.
 *
 * <p>Not thread-safe; one run per instance. Arrays stay under the work folder for inspection.
 */
final class MatrixRun {
    private final Path work;
    private final List<Cell> cells;
    private final List<MatrixPeer> peers;
    private final PeerProcesses processes;
    private final CodecRegistry registry = CodecRegistry.standard();
    private final Map<Cell, ObjectNode> docs = new LinkedHashMap<>();
    private final Map<Cell, String> engineGaps = new LinkedHashMap<>();
    private final Map<Cell, String> ourWriteErrors = new LinkedHashMap<>();
    private final Map<Cell, Expected> expected = new LinkedHashMap<>();

    private record Expected(DataType type, NdBuffer values, String digest) {
    }

    private final boolean probeLimits;

    /**
     * @param probeLimits also run the cells a peer's limits exclude: one that passes then fails as a stale limit,
     *                    one that fails stays "not supported" with the error appended as evidence
     */
    MatrixRun(Path work, List<Cell> cells, List<MatrixPeer> peers, PeerProcesses processes, boolean probeLimits) {
        this.probeLimits = probeLimits;
        this.work = work;
        this.cells = List.copyOf(cells);
        this.peers = List.copyOf(peers);
        this.processes = processes;
    }

    /** Why ngff-engine cannot do this cell yet (a codec or data type from another branch), or empty. */
    Optional<String> engineGap(Cell cell) {
        List<String> missing = new ArrayList<>();
        try {
            DataType.fromName(cell.dtype().name());
        } catch (UnsupportedExtensionException e) {
            missing.add("data type " + cell.dtype().name());
        }
        Set<String> needed = new TreeSet<>();
        if (cell.codec().engine() != null) {
            needed.addAll(cell.codec().engine());
        } else if (cell.format() == 3) {
            needed.addAll(CellDocs.codecNames(CellDocs.doc(cell).get("codecs")));
        } else {
            ObjectNode d = CellDocs.doc(cell);
            if (d.get("compressor").isObject()) {
                needed.add(V2Details.v3Name(d.get("compressor").get("id").asText()));
            }
            d.get("filters").forEach(f -> needed.add(V2Details.v3Name(f.get("id").asText())));
        }
        for (String n : needed) {
            if (!n.equals("transpose") && !n.equals("bytes") && !registry.supports(n)) {
                missing.add("codec " + n);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String pending = cell.dtype().pending() != null ? cell.dtype().pending() : cell.codec().pending();
        if (pending == null) {
            // the catalogue says we have it: a missing codec is our failure, not a gap to list
            return Optional.empty();
        }
        return Optional.of(String.join(", ", missing) + " (comes with " + pending + ")");
    }

    List<Verdict> run() throws IOException, InterruptedException {
        Files.createDirectories(work);
        for (Cell c : cells) {
            docs.put(c, CellDocs.doc(c));
            engineGap(c).ifPresent(g -> engineGaps.put(c, g));
        }
        writeOurs();
        List<Verdict> out = new ArrayList<>();
        for (MatrixPeer peer : peers) {
            for (Direction dir : Direction.values()) {
                out.addAll(runPeer(peer, dir));
            }
        }
        return out;
    }

    private Expected expectedOf(Cell c) throws IOException {
        Expected e = expected.get(c);
        if (e == null) {
            ObjectNode doc = docs.get(c);
            DataType type = DataType.fromName(c.dtype().name());
            FillValue fill = c.format() == 3
                    ? FillValue.fromV3(doc.get("fill_value"), type, c.id() + " /fill_value")
                    : FillValue.fromV2(doc.get("fill_value"), type, c.id() + " /fill_value");
            long[][] region = c.region();
            NdBuffer values = CellValues.expected(type, c.shape().shape(), fill.bytes(), region[0], region[1]);
            e = new Expected(type, values, CellValues.sha256(values));
            expected.put(c, e);
        }
        return e;
    }

    private ArrayMetadata parse(Cell c, ObjectNode doc) throws IOException {
        String where = "conformance cell " + c.id();
        return c.format() == 3 ? (ArrayMetadata) MetadataFormat.parseV3(doc, where)
                : MetadataFormat.parseV2Array(doc, null, where);
    }

    /** ngff-engine writes every implemented cell once; all peers read the same folders. */
    private void writeOurs() throws IOException {
        FileSystemStore store = FileSystemStore.open(work.resolve("ngff"));
        try (ExecutionContext ctx = ExecutionContext.create()) {
            for (Cell c : cells) {
                if (engineGaps.containsKey(c)) {
                    continue;
                }
                try {
                    Expected e = expectedOf(c);
                    ArrayMetadata meta = parse(c, docs.get(c));
                    ZarrArray a = Zarr.createArray(store, Key.of(c.id()), meta, ctx);
                    long[][] region = c.region();
                    a.write(region[0], e.values().copyRegion(region[0], region[1]));
                } catch (IOException | RuntimeException ex) {
                    ourWriteErrors.put(c, "ngff-engine could not write it: " + ex);
                }
            }
        }
    }

    private List<Verdict> runPeer(MatrixPeer peer, Direction dir) throws IOException, InterruptedException {
        List<Verdict> out = new ArrayList<>();
        List<Cell> toRun = new ArrayList<>();
        for (Cell c : cells) {
            Optional<String> limit = peer.unsupported(c, dir);
            if (engineGaps.containsKey(c)) {
                out.add(new Verdict(peer, dir, c, Status.NOT_IMPLEMENTED, engineGaps.get(c)));
            } else if (limit.isPresent() && (!probeLimits || !peer.directions().contains(dir))) {
                out.add(new Verdict(peer, dir, c, Status.NOT_SUPPORTED_BY_PEER, limit.get()));
            } else if (dir == Direction.NGFF_WRITES && ourWriteErrors.containsKey(c)) {
                out.add(new Verdict(peer, dir, c, Status.FAIL, ourWriteErrors.get(c)));
            } else {
                toRun.add(c);
            }
        }
        if (toRun.isEmpty()) {
            return out;
        }
        Optional<String> missing = processes.unavailable(peer);
        if (missing.isPresent()) {
            toRun.forEach(c -> out.add(new Verdict(peer, dir, c, Status.PEER_MISSING, missing.get())));
            return out;
        }
        Path root = dir == Direction.NGFF_WRITES ? work.resolve("ngff") : work.resolve(peer.id());
        Files.createDirectories(root);
        ObjectNode manifest = Json.object();
        manifest.put("peer", peer.id());
        manifest.put("mode", dir == Direction.NGFF_WRITES ? "read" : "write");
        manifest.put("root", root.toAbsolutePath().toString());
        ArrayNode list = manifest.putArray("cells");
        for (Cell c : toRun) {
            ObjectNode m = list.addObject();
            m.put("id", c.id());
            m.put("path", c.id());
            m.set("doc", docs.get(c));
            long[][] region = c.region();
            ObjectNode r = m.putObject("region");
            ArrayNode off = r.putArray("offset");
            ArrayNode len = r.putArray("shape");
            for (int d = 0; d < region[0].length; d++) {
                off.add(region[0][d]);
                len.add(region[1][d]);
            }
        }
        Path manifestFile = work.resolve("manifest-" + peer.id() + "-" + manifest.get("mode").asText() + ".json");
        Files.writeString(manifestFile, manifest.toPrettyString(), StandardCharsets.UTF_8);
        JsonNode results;
        try {
            results = processes.run(peer, manifestFile);
        } catch (IOException e) {
            toRun.forEach(c -> out.add(new Verdict(peer, dir, c, Status.FAIL, "the peer process failed: " + e.getMessage())));
            return out;
        }
        FileSystemStore store = FileSystemStore.open(root);
        try (ExecutionContext ctx = ExecutionContext.create()) {
            for (Cell c : toRun) {
                JsonNode r = results.path(c.id());
                Verdict v = dir == Direction.NGFF_WRITES ? judgePeerRead(peer, c, r) : judgeOurRead(peer, c, r, store, ctx);
                Optional<String> limit = peer.unsupported(c, dir);
                if (limit.isPresent()) {
                    v = v.status() == Status.PASS
                            ? new Verdict(peer, dir, c, Status.FAIL, "stale limit in KnownPeers, the cell passes: " + limit.get())
                            : new Verdict(peer, dir, c, Status.NOT_SUPPORTED_BY_PEER, limit.get() + " [probed: " + v.detail() + "]");
                }
                out.add(v);
            }
        }
        return out;
    }

    private Verdict judgePeerRead(MatrixPeer peer, Cell c, JsonNode r) throws IOException {
        Direction dir = Direction.NGFF_WRITES;
        if (r.isMissingNode()) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer reported nothing for this cell");
        }
        if (!r.path("ok").asBoolean()) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer could not read our array: " + r.path("error").asText());
        }
        long[] shape = new long[r.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = r.path("shape").get(i).asLong();
        }
        if (!Arrays.equals(shape, c.shape().shape())) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer sees shape " + Arrays.toString(shape));
        }
        Expected e = expectedOf(c);
        if (!e.digest().equals(r.path("digest").asText())) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer read other values (as " + r.path("dtype").asText()
                    + "): sha256 " + r.path("digest").asText() + ", expected " + e.digest());
        }
        return new Verdict(peer, dir, c, Status.PASS, "");
    }

    private Verdict judgeOurRead(MatrixPeer peer, Cell c, JsonNode r, FileSystemStore store, ExecutionContext ctx) {
        Direction dir = Direction.PEER_WRITES;
        if (r.isMissingNode()) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer reported nothing for this cell");
        }
        if (!r.path("ok").asBoolean()) {
            return new Verdict(peer, dir, c, Status.FAIL, "the peer could not write the cell: " + r.path("error").asText());
        }
        try {
            Expected e = expectedOf(c);
            ZarrArray a = Zarr.openArray(store, Key.of(c.id()), ctx);
            if (!Arrays.equals(a.shape(), c.shape().shape()) || !a.dataType().equals(e.type())) {
                return new Verdict(peer, dir, c, Status.FAIL, "we see " + a.dataType() + " " + Arrays.toString(a.shape()));
            }
            NdBuffer got = a.read();
            if (got.isVariableLength()) {
                for (long i = 0; i < got.elementCount(); i++) {
                    if (!Arrays.equals(got.elementBytesUnsafe(i), e.values().elementBytesUnsafe(i))) {
                        return new Verdict(peer, dir, c, Status.FAIL, "element " + i + " (C order) differs: we read "
                                + shortText(got, i) + ", expected " + shortText(e.values(), i));
                    }
                }
                return new Verdict(peer, dir, c, Status.PASS, "");
            }
            long at = got.segment().mismatch(e.values().segment());
            if (at >= 0) {
                int size = e.type().byteSize();
                long element = at / size;
                return new Verdict(peer, dir, c, Status.FAIL, "element " + element + " (C order) differs: we read "
                        + hex(got, element * size, size) + ", expected " + hex(e.values(), element * size, size));
            }
            return new Verdict(peer, dir, c, Status.PASS, "");
        } catch (IOException | RuntimeException ex) {
            return new Verdict(peer, dir, c, Status.FAIL, "ngff-engine could not read it: " + ex);
        }
    }

    private static String shortText(NdBuffer b, long i) {
        byte[] e = b.elementBytesUnsafe(i);
        return e.length + " bytes 0x" + HexFormat.of().formatHex(Arrays.copyOf(e, Math.min(e.length, 24)))
                + (e.length > 24 ? "..." : "");
    }

    private static String hex(NdBuffer b, long off, int size) {
        byte[] x = b.segment().asSlice(off, size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return "0x" + HexFormat.of().formatHex(x) + " (little-endian bytes)";
    }
}
