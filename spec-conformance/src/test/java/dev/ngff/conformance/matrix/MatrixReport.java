package dev.ngff.conformance.matrix;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Renders the verdicts as the Markdown matrix (peer x feature x direction). */
final class MatrixReport {
    private MatrixReport() {
    }

    static String reproduceCommand(String peer, String cell) {
        return "./mvnw -B -pl spec-conformance -am verify -Dtest=ConformanceMatrixTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dngff.peer=" + peer + " -Dngff.cell='" + cell + "'";
    }

    static String render(List<Verdict> verdicts, List<MatrixPeer> peers, int cellCount, String filter) {
        StringBuilder md = new StringBuilder();
        md.append("# Conformance matrix\n\n");
        md.append("Written by `spec-conformance` (`ConformanceMatrixTest`) on every `./test`; how the cells are chosen and how")
                .append(" this copy is refreshed: [conformance.md](conformance.md). ")
                .append(cellCount).append(" cells (Zarr format x codec x data type, the other factors pairwise), each ")
                .append("in both directions against every peer:\n\n");
        for (MatrixPeer p : peers) {
            md.append("- `").append(p.id()).append("`: ").append(p.label()).append('\n');
        }
        if (filter != null) {
            md.append("\n**Partial run** (").append(filter).append("): not a full matrix.\n");
        }
        md.append("\nStatuses: pass (values equal bit for bit, our metadata opened unchanged), FAIL, not supported by")
                .append(" peer (reason below), not implemented by ngff-engine (yet) (the codec or data type comes with")
                .append(" another branch).\n");

        md.append("\n## Summary\n\n| peer | direction | pass | FAIL | not supported by peer | not implemented by ngff-engine (yet) | peer not installed |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (MatrixPeer p : peers) {
            for (Direction d : Direction.values()) {
                Map<Status, Integer> n = counts(verdicts.stream().filter(v -> v.peer().equals(p) && v.direction() == d).toList());
                md.append("| ").append(p.id()).append(" | ").append(d.label);
                for (Status s : Status.values()) {
                    md.append(" | ").append(n.getOrDefault(s, 0));
                }
                md.append(" |\n");
            }
        }

        md.append("\n## By feature\n\nEach entry: passed / run, then how many more cells the peer does not support (n/s) or")
                .append(" ngff-engine does not implement yet (n/i). A feature row counts every cell that has it.\n");
        byFeature(md, "Codec (per Zarr format)", verdicts, peers, v -> "v" + v.cell().format() + " " + v.cell().codec().id());
        byFeature(md, "Data type", verdicts, peers, v -> v.cell().dtype().name());
        byFeature(md, "Order, byte order, shape", verdicts, peers, v -> "order " + v.cell().order());
        appendRows(md, verdicts, peers, v -> "endian " + v.cell().endian());
        appendRows(md, verdicts, peers, v -> "shape " + v.cell().shape().id());
        byFeature(md, "Fill value and missing chunks", verdicts, peers, v -> "fill " + v.cell().fill());
        appendRows(md, verdicts, peers, v -> "missing " + v.cell().missing());
        byFeature(md, "Chunk key encoding", verdicts, peers, v -> "v" + v.cell().format() + " keys " + v.cell().keys());

        List<Verdict> fails = verdicts.stream().filter(v -> v.status() == Status.FAIL || v.status() == Status.PEER_MISSING).toList();
        md.append("\n## Failures\n\n");
        if (fails.isEmpty()) {
            md.append("None.\n");
        }
        for (Verdict v : fails) {
            md.append("- `").append(v.cell().id()).append("`, ").append(v.peer().id()).append(", ").append(v.direction().label)
                    .append(": ").append(oneLine(v.detail())).append("  \n  reproduce: `").append(v.reproduce()).append("`\n");
        }

        md.append("\n## Not supported by peer\n\n| peer | direction | cells | reason |\n|---|---|---|---|\n");
        Map<String, Integer> ns = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            if (v.status() == Status.NOT_SUPPORTED_BY_PEER) {
                ns.merge(v.peer().id() + " | " + v.direction().label + " | \u0000 | " + oneLine(v.detail()), 1, Integer::sum);
            }
        }
        ns.forEach((k, n) -> md.append("| ").append(k.replace("\u0000", String.valueOf(n))).append(" |\n"));

        md.append("\n## Not implemented by ngff-engine (yet)\n\nCounted once per cell (each such cell is listed for every")
                .append(" peer and direction).\n\n| cells | what is missing |\n|---|---|\n");
        Map<String, Integer> ni = new TreeMap<>();
        verdicts.stream().filter(v -> v.status() == Status.NOT_IMPLEMENTED)
                .map(v -> v.cell().id() + "\u0000" + v.detail()).distinct()
                .forEach(k -> ni.merge(k.substring(k.indexOf('\u0000') + 1), 1, Integer::sum));
        ni.forEach((k, n) -> md.append("| ").append(n).append(" | ").append(k).append(" |\n"));
        return md.toString();
    }

    private static void byFeature(StringBuilder md, String title, List<Verdict> verdicts, List<MatrixPeer> peers,
                                  Function<Verdict, String> key) {
        md.append("\n### ").append(title).append("\n\n| feature |");
        for (MatrixPeer p : peers) {
            md.append(' ').append(p.id()).append(" writes |").append(' ').append(p.id()).append(" reads |");
        }
        md.append("\n|---|");
        md.append("---|".repeat(peers.size() * 2));
        md.append('\n');
        appendRows(md, verdicts, peers, key);
    }

    private static void appendRows(StringBuilder md, List<Verdict> verdicts, List<MatrixPeer> peers,
                                   Function<Verdict, String> key) {
        Map<String, List<Verdict>> rows = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            rows.computeIfAbsent(key.apply(v), k -> new ArrayList<>()).add(v);
        }
        rows.forEach((feature, vs) -> {
            md.append("| ").append(feature).append(" |");
            for (MatrixPeer p : peers) {
                for (Direction d : new Direction[] {Direction.PEER_WRITES, Direction.NGFF_WRITES}) {
                    md.append(' ').append(entry(counts(vs.stream().filter(v -> v.peer().equals(p) && v.direction() == d).toList())))
                            .append(" |");
                }
            }
            md.append('\n');
        });
    }

    private static String entry(Map<Status, Integer> n) {
        int pass = n.getOrDefault(Status.PASS, 0);
        int fail = n.getOrDefault(Status.FAIL, 0) + n.getOrDefault(Status.PEER_MISSING, 0);
        int notSupported = n.getOrDefault(Status.NOT_SUPPORTED_BY_PEER, 0);
        int notImplemented = n.getOrDefault(Status.NOT_IMPLEMENTED, 0);
        List<String> parts = new ArrayList<>();
        if (pass + fail > 0) {
            parts.add(fail > 0 ? "**" + pass + "/" + (pass + fail) + " FAIL**" : pass + "/" + pass);
        }
        if (notSupported > 0) {
            parts.add(pass + fail == 0 && notImplemented == 0 ? "n/s" : "+" + notSupported + " n/s");
        }
        if (notImplemented > 0) {
            parts.add(pass + fail == 0 && notSupported == 0 ? "n/i (yet)" : "+" + notImplemented + " n/i");
        }
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }

    private static Map<Status, Integer> counts(List<Verdict> vs) {
        Map<Status, Integer> n = new EnumMap<>(Status.class);
        vs.forEach(v -> n.merge(v.status(), 1, Integer::sum));
        return n;
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ').replace("|", "\\|");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
