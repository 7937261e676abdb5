package dev.ngff.conformance.matrix;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cross-implementation matrix: every cell of {@link CoveringDesign} against every peer of
 * {@link KnownPeers}, in both directions. Writes {@code target/conformance-matrix.md} on every run and, with
 * {@code -Dngff.updateDocs=true} on a full run, {@code docs/conformance-matrix.md}. One dynamic test per
 * cell, peer and direction that ran; cells a peer does not support or ngff-engine does not implement yet
 * are listed in the Markdown with their reason.
 *
 * <p>{@code -Dngff.cell=REGEX} and {@code -Dngff.peer=a,b} narrow the run; {@code -Dngff.probeLimits=true} also
 * runs the cells that peers' limits exclude, to catch stale limits. Missing Python or Node fails
 * under {@code CI=true} and skips loudly otherwise.
 */
class ConformanceMatrixTest {

    @TestFactory
    List<DynamicNode> matrix() throws IOException, InterruptedException {
        Path module = Path.of("").toAbsolutePath();
        Path repo = Path.of(System.getenv().getOrDefault("NGFF_REPO_ROOT", module.getParent().toString()));
        Path target = module.resolve("target");
        Path work = target.resolve("conformance-data");
        deleteTree(work);
        Files.createDirectories(work);

        String cellFilter = System.getProperty("ngff.cell", "").trim();
        String peerFilter = System.getProperty("ngff.peer", "").trim();
        Catalogue cat = Catalogue.load();
        MatrixRun probe = new MatrixRun(work, List.of(), List.of(), null, false);
        List<Cell> cells = new ArrayList<>();
        for (int format : new int[] {3, 2}) {
            cells.addAll(CoveringDesign.cells(cat, format, c -> probe.engineGap(sampleCell(c, cat)).isEmpty()));
        }
        if (!cellFilter.isEmpty()) {
            Pattern p = Pattern.compile(cellFilter);
            cells.removeIf(c -> !c.id().equals(cellFilter) && !p.matcher(c.id()).matches());
        }
        List<MatrixPeer> peers = new ArrayList<>(KnownPeers.all());
        if (!peerFilter.isEmpty()) {
            List<String> wanted = List.of(peerFilter.split(","));
            peers.removeIf(p -> !wanted.contains(p.id()));
        }
        long t0 = System.nanoTime();
        List<Verdict> verdicts = new MatrixRun(work, cells, peers, new PeerProcesses(repo, work),
                Boolean.getBoolean("ngff.probeLimits")).run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String filter = cellFilter.isEmpty() && peerFilter.isEmpty() ? null
                : "-Dngff.cell=" + cellFilter + " -Dngff.peer=" + peerFilter;
        String md = MatrixReport.render(verdicts, peers, cells.size(), filter);
        Files.writeString(target.resolve("conformance-matrix.md"), md, StandardCharsets.UTF_8);
        if (filter == null && Boolean.getBoolean("ngff.updateDocs")) {
            Files.writeString(repo.resolve("docs/conformance-matrix.md"), md, StandardCharsets.UTF_8);
        }
        System.out.printf("conformance matrix: %d cells, %d verdicts in %.1f s -> %s%n", cells.size(), verdicts.size(),
                seconds, target.resolve("conformance-matrix.md"));

        boolean ci = "true".equals(System.getenv("CI"));
        verdicts.stream().filter(v -> v.status() == Status.PEER_MISSING)
                .map(v -> "PEER TESTS SKIPPED: " + v.peer().label() + ": " + v.detail()).distinct()
                .forEach(System.err::println); // once per peer here; each cell's test then aborts or fails
        List<DynamicNode> nodes = new ArrayList<>();
        for (MatrixPeer peer : peers) {
            for (Direction dir : Direction.values()) {
                List<DynamicTest> tests = new ArrayList<>();
                verdicts.stream().filter(v -> v.peer().equals(peer) && v.direction() == dir)
                        .filter(v -> v.status() == Status.PASS || v.status() == Status.FAIL || v.status() == Status.PEER_MISSING)
                        .sorted(Comparator.comparing(v -> v.cell().id()))
                        .forEach(v -> tests.add(DynamicTest.dynamicTest(v.cell().id(), () -> judge(v, ci))));
                if (!tests.isEmpty()) {
                    nodes.add(DynamicContainer.dynamicContainer(peer.id() + ": " + dir.label, tests));
                }
            }
        }
        return nodes;
    }

    private static void judge(Verdict v, boolean ci) {
        switch (v.status()) {
            case PASS -> {
            }
            case PEER_MISSING -> {
                String msg = "PEER TESTS SKIPPED: " + v.peer().label() + ": " + v.detail();
                if (ci) {
                    fail(msg + "; under CI this is a failure");
                }
                org.junit.jupiter.api.Assumptions.abort(msg);
            }
            default -> fail(v.cell().id() + " (" + v.peer().id() + ", " + v.direction().label + "): " + v.detail()
                    + "\nreproduce: " + v.reproduce());
        }
    }

    /** A cell of a codec variant, used to ask whether ngff-engine implements the variant at all. */
    private static Cell sampleCell(Catalogue.CodecVariant c, Catalogue cat) {
        Catalogue.DtypeEntry dtype = cat.dtypes().stream().filter(d -> d.pending() == null
                && CoveringDesign.accepts(c, d)).findFirst().orElse(cat.dtypes().get(0));
        return new Cell(c.supportsFormat(3) ? 3 : 2, c, dtype, "C", "little", cat.shapes().get(0), "zero", "none", "dot");
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
