package dev.ngff.conformance.matrix;

import dev.ngff.conformance.matrix.Catalogue.CodecVariant;
import dev.ngff.conformance.matrix.Catalogue.DtypeEntry;
import dev.ngff.conformance.matrix.Catalogue.ShapeCase;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Chooses the matrix's cells: every codec variant with every data type it accepts, per format, and the
 * remaining factors (order, byte order, shape, fill, missing chunks, chunk key encoding) assigned greedily so that every pair
 * of values of any two factors appears in at least one cell (a pairwise covering array, built the way
 * AETG/IPO do it). Deterministic: the same catalogue gives the same cells.
 *
 * <p>Codec variants that ngff-engine does not implement yet are laid out after the implemented ones, so the
 * pairs covered by cells that actually run do not depend on pending ones.
 */
final class CoveringDesign {
    private CoveringDesign() {
    }

    private static final int CODEC = 0, DTYPE = 1, ORDER = 2, ENDIAN = 3, SHAPE = 4, FILL = 5, MISSING = 6, KEYS = 7;

    static List<Cell> cells(Catalogue cat, int format, Predicate<CodecVariant> implemented) {
        List<CodecVariant> codecs = new ArrayList<>();
        cat.codecs().stream().filter(c -> c.supportsFormat(format) && implemented.test(c)).forEach(codecs::add);
        cat.codecs().stream().filter(c -> c.supportsFormat(format) && !implemented.test(c)).forEach(codecs::add);
        int[] sizes = {codecs.size(), cat.dtypes().size(), cat.orders().size(), cat.endians().size(),
                cat.shapes().size(), cat.fills().size(), cat.missing().size(), cat.keys(format).size()};
        Set<Long> uncovered = new HashSet<>();
        for (int f = 0; f < sizes.length; f++) {
            for (int g = f + 1; g < sizes.length; g++) {
                for (int a = 0; a < sizes[f]; a++) {
                    for (int b = 0; b < sizes[g]; b++) {
                        if (f == CODEC && g == DTYPE && !accepts(codecs.get(a), cat.dtypes().get(b))) {
                            continue; // a codec x data type pair the codec rejects is no pair to cover
                        }
                        uncovered.add(pair(f, a, g, b));
                    }
                }
            }
        }
        List<int[]> rows = new ArrayList<>();
        for (int c = 0; c < codecs.size(); c++) {
            for (int d = 0; d < cat.dtypes().size(); d++) {
                if (!accepts(codecs.get(c), cat.dtypes().get(d))) {
                    continue;
                }
                rows.add(complete(new int[] {c, d, -1, -1, -1, -1, -1, -1}, sizes, uncovered, rows.size()));
            }
        }
        // pairs among the other factors that the codec x dtype rows left over get rows of their own
        while (!uncovered.isEmpty()) {
            long p = uncovered.iterator().next();
            int[] row = {-1, -1, -1, -1, -1, -1, -1, -1};
            row[(int) (p >>> 48) & 0xff] = (int) (p >>> 32) & 0xffff;
            row[(int) (p >>> 24) & 0xff] = (int) p & 0xffffff;
            if (row[CODEC] < 0) {
                row[CODEC] = 0;
            }
            if (row[DTYPE] < 0) {
                row[DTYPE] = firstAccepted(codecs.get(row[CODEC]), cat.dtypes());
            }
            int before = uncovered.size();
            rows.add(complete(row, sizes, uncovered, rows.size()));
            if (uncovered.size() == before) {
                uncovered.remove(p); // a pair no valid row can hold (a codec that rejects that data type)
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (int[] r : rows) {
            DtypeEntry dtype = cat.dtypes().get(r[DTYPE]);
            String endian = CellDocs.itemSize(dtype.name()) > 1 ? cat.endians().get(r[ENDIAN]) : "little";
            cells.add(new Cell(format, codecs.get(r[CODEC]), dtype, cat.orders().get(r[ORDER]), endian, cat.shapes().get(r[SHAPE]), cat.fills().get(r[FILL]),
                    cat.missing().get(r[MISSING]), cat.keys(format).get(r[KEYS])));
        }
        return cells;
    }

    private static int firstAccepted(CodecVariant c, List<DtypeEntry> dtypes) {
        for (int i = 0; i < dtypes.size(); i++) {
            if (accepts(c, dtypes.get(i))) {
                return i;
            }
        }
        return 0;
    }

    static boolean accepts(CodecVariant c, DtypeEntry d) {
        return (c.kinds() == null || c.kinds().contains(kindOf(d.name()))) && (c.dtypes() == null || c.dtypes().contains(d.name()));
    }

    static String kindOf(String dtype) {
        if (dtype.startsWith("uint")) {
            return "uint";
        }
        if (dtype.startsWith("int")) {
            return "int";
        }
        if (dtype.startsWith("float")) {
            return "float";
        }
        if (dtype.startsWith("complex")) {
            return "complex";
        }
        return dtype;
    }

    /** Fills the unset factors of a row, each with the value that covers the most uncovered pairs. */
    private static int[] complete(int[] row, int[] sizes, Set<Long> uncovered, int rowIndex) {
        for (int f = 0; f < sizes.length; f++) {
            if (row[f] >= 0) {
                continue;
            }
            int best = -1;
            int bestGain = -1;
            for (int k = 0; k < sizes[f]; k++) {
                int v = (k + rowIndex) % sizes[f]; // rotate the tie-break so ties spread over the values
                int gain = 0;
                for (int g = 0; g < sizes.length; g++) {
                    if (g != f && row[g] >= 0 && uncovered.contains(ordered(f, v, g, row[g]))) {
                        gain++;
                    }
                }
                if (gain > bestGain) {
                    bestGain = gain;
                    best = v;
                }
            }
            row[f] = best;
        }
        for (int f = 0; f < sizes.length; f++) {
            for (int g = f + 1; g < sizes.length; g++) {
                uncovered.remove(pair(f, row[f], g, row[g]));
            }
        }
        return row;
    }

    private static long ordered(int f, int a, int g, int b) {
        return f < g ? pair(f, a, g, b) : pair(g, b, f, a);
    }

    private static long pair(int f, int a, int g, int b) {
        return ((long) f << 48) | ((long) a << 32) | ((long) g << 24) | b;
    }
}
