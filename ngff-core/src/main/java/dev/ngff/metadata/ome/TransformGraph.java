package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 0.6 coordinate-transformation graph: coordinate systems (by name) are its nodes, each transformation
 * an edge from its input to its output, and each invertible transformation also an edge back. Maps points
 * from one coordinate system to another along the shortest chain of transformations (fewest edges; among
 * equals, forward edges before inverses, then document order).
 *
 * <p>Supported: identity, mapAxis, scale, translation, affine, rotation, sequence, bijection and byDimension
 * with inline parameters. Parameters stored in arrays ({@code path}), displacements and coordinates fields
 * are {@link UnsupportedExtensionException}s naming the transformation. Immutable and thread-safe.
 */
public final class TransformGraph {
    /** One traversable edge: a transformation, forwards or backwards. */
    private record Edge(String from, String to, Transform transform, boolean inverse) {
    }

    private final Map<String, List<Edge>> edges;

    private TransformGraph(Map<String, List<Edge>> edges) {
        this.edges = edges;
    }

    /** The graph of these transformations; each needs an input and an output coordinate-system name. */
    public static TransformGraph of(List<Transform> transformations) throws InvalidMetadataException {
        Map<String, List<Edge>> edges = new HashMap<>();
        for (int i = 0; i < transformations.size(); i++) {
            Transform t = transformations.get(i);
            String in = t.link().inputName();
            String out = t.link().outputName();
            if (in == null || out == null) {
                throw new InvalidMetadataException("coordinateTransformations/" + i + ": a transformation of the graph needs"
                        + " an input and an output coordinate system");
            }
            edges.computeIfAbsent(in, k -> new ArrayList<>()).add(new Edge(in, out, t, false));
            edges.computeIfAbsent(out, k -> new ArrayList<>());
        }
        for (Transform t : transformations) {
            if (invertible(t)) {
                edges.get(t.link().outputName()).add(new Edge(t.link().outputName(), t.link().inputName(), t, true));
            }
        }
        edges.replaceAll((k, v) -> List.copyOf(v.stream().sorted((a, b) -> Boolean.compare(a.inverse(), b.inverse())).toList()));
        return new TransformGraph(Map.copyOf(edges));
    }

    /** The graph of a scene. */
    public static TransformGraph of(Scene scene) throws InvalidMetadataException {
        return of(scene.coordinateTransformations() == null ? List.of() : scene.coordinateTransformations());
    }

    /**
     * Maps points (each an array of coordinates in {@code source}'s axis order) into {@code target}. A name
     * that no transformation mentions, or two systems without a chain between them, is an
     * {@link InvalidMetadataException} naming them.
     */
    public double[][] map(String source, String target, double[][] points) throws InvalidMetadataException,
            UnsupportedExtensionException {
        List<Edge> chain = path(source, target).orElseThrow(() -> new InvalidMetadataException(
                !edges.containsKey(source) ? "no transformation mentions coordinate system '" + source + "'"
                        : !edges.containsKey(target) ? "no transformation mentions coordinate system '" + target + "'"
                        : "no chain of transformations leads from '" + source + "' to '" + target + "'"));
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            double[] p = points[i].clone();
            for (Edge e : chain) {
                p = e.inverse() ? applyInverse(e.transform(), p) : apply(e.transform(), p);
            }
            out[i] = p;
        }
        return out;
    }

    private Optional<List<Edge>> path(String source, String target) {
        if (!edges.containsKey(source) || !edges.containsKey(target)) {
            return Optional.empty();
        }
        Map<String, Edge> via = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(source));
        via.put(source, null);
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(target)) {
                List<Edge> chain = new ArrayList<>();
                for (Edge e = via.get(n); e != null; e = via.get(e.from())) {
                    chain.addFirst(e);
                }
                return Optional.of(chain);
            }
            for (Edge e : edges.get(n)) {
                if (!via.containsKey(e.to())) {
                    via.put(e.to(), e);
                    queue.add(e.to());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@link #applyInverse} can run for this transformation (ignoring a singular matrix). */
    static boolean invertible(Transform t) {
        return switch (t) {
            case Transform.Identity i -> true;
            case Transform.MapAxis m -> true;
            case Transform.Scale s -> s.scale() != null;
            case Transform.Translation tr -> tr.translation() != null;
            case Transform.Affine a -> a.affine() != null;
            case Transform.Rotation r -> r.rotation() != null;
            case Transform.Bijection b -> true;
            case Transform.Sequence s -> s.transformations().stream().allMatch(TransformGraph::invertible);
            case Transform.ByDimension b -> b.transformations().stream().allMatch(p -> invertible(p.transformation()));
            default -> false;
        };
    }

    /** Applies a transformation to one point. */
    public static double[] apply(Transform t, double[] p) throws UnsupportedExtensionException, InvalidMetadataException {
        return switch (t) {
            case Transform.Identity i -> p.clone();
            case Transform.MapAxis m -> mapAxis(m, p, false);
            case Transform.Scale s -> {
                double[] f = inline(s.scale(), t);
                double[] out = new double[sameRank(f.length, p, t)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = p[i] * f[i];
                }
                yield out;
            }
            case Transform.Translation tr -> {
                double[] d = inline(tr.translation(), t);
                double[] out = new double[sameRank(d.length, p, t)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = p[i] + d[i];
                }
                yield out;
            }
            case Transform.Affine a -> affine(inline(a.affine(), t), p, t);
            case Transform.Rotation r -> multiply(inline(r.rotation(), t), p, t);
            case Transform.Sequence s -> {
                double[] q = p;
                for (Transform step : s.transformations()) {
                    q = apply(step, q);
                }
                yield q;
            }
            case Transform.Bijection b -> apply(b.forward(), p);
            case Transform.ByDimension b -> byDimension(b, p, false);
            default -> throw new UnsupportedExtensionException("coordinate transformation '" + t.type()
                    + "' cannot be evaluated here (only inline identity, mapAxis, scale, translation, affine, rotation,"
                    + " sequence, bijection and byDimension)");
        };
    }

    /** Applies the inverse of a transformation to one point. */
    public static double[] applyInverse(Transform t, double[] p) throws UnsupportedExtensionException,
            InvalidMetadataException {
        return switch (t) {
            case Transform.Identity i -> p.clone();
            case Transform.MapAxis m -> mapAxis(m, p, true);
            case Transform.Scale s -> {
                double[] f = inline(s.scale(), t);
                double[] out = new double[sameRank(f.length, p, t)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = p[i] / f[i];
                }
                yield out;
            }
            case Transform.Translation tr -> {
                double[] d = inline(tr.translation(), t);
                double[] out = new double[sameRank(d.length, p, t)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = p[i] - d[i];
                }
                yield out;
            }
            case Transform.Affine a -> {
                double[][] m = inline(a.affine(), t);
                int n = m[0].length - 1;
                double[][] linear = new double[m.length][n];
                double[] shifted = new double[m.length];
                for (int r = 0; r < m.length; r++) {
                    System.arraycopy(m[r], 0, linear[r], 0, n);
                    shifted[r] = (r < p.length ? p[r] : 1) - m[r][n];
                }
                int rows = m.length == n + 1 ? n : m.length; // a homogeneous matrix carries a last row 0...0 1
                yield solve(java.util.Arrays.copyOf(linear, rows), java.util.Arrays.copyOf(shifted, rows), t);
            }
            case Transform.Rotation r -> solve(inline(r.rotation(), t), p, t);
            case Transform.Sequence s -> {
                double[] q = p;
                for (Transform step : s.transformations().reversed()) {
                    q = applyInverse(step, q);
                }
                yield q;
            }
            case Transform.Bijection b -> apply(b.inverse(), p);
            case Transform.ByDimension b -> byDimension(b, p, true);
            default -> throw new UnsupportedExtensionException("the inverse of coordinate transformation '" + t.type()
                    + "' cannot be evaluated here");
        };
    }

    /** Output axis i takes input axis mapAxis[i]; the inverse puts it back. */
    private static double[] mapAxis(Transform.MapAxis m, double[] p, boolean inverse) throws InvalidMetadataException {
        int[] map = indices(m.mapAxis(), "mapAxis");
        double[] out = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            int k = checkIndex(map[i], map.length, "mapAxis");
            if (inverse) {
                out[k] = p[i];
            } else {
                out[i] = p[k];
            }
        }
        return out;
    }

    private static double[] byDimension(Transform.ByDimension b, double[] p, boolean inverse)
            throws UnsupportedExtensionException, InvalidMetadataException {
        int rank = 0;
        for (Transform.Part part : b.transformations()) {
            for (int a : indices(inverse ? part.inputAxes() : part.outputAxes(), "byDimension axes")) {
                rank = Math.max(rank, a + 1);
            }
        }
        double[] out = new double[rank];
        for (Transform.Part part : b.transformations()) {
            int[] from = indices(inverse ? part.outputAxes() : part.inputAxes(), "byDimension axes");
            int[] to = indices(inverse ? part.inputAxes() : part.outputAxes(), "byDimension axes");
            double[] sub = new double[from.length];
            for (int i = 0; i < from.length; i++) {
                sub[i] = p[checkIndex(from[i], p.length, "byDimension")];
            }
            double[] r = inverse ? applyInverse(part.transformation(), sub) : apply(part.transformation(), sub);
            if (r.length != to.length) {
                throw new InvalidMetadataException("byDimension: a part maps " + from.length + " axes to " + r.length
                        + " values for " + to.length + " output axes");
            }
            for (int i = 0; i < to.length; i++) {
                out[to[i]] = r[i];
            }
        }
        return out;
    }

    /** {@code m} is n_out x (n_in + 1): a linear part and a last column of offsets. */
    private static double[] affine(double[][] m, double[] p, Transform t) throws InvalidMetadataException {
        int n = m[0].length - 1;
        if (n != p.length) {
            throw new InvalidMetadataException(t.type() + ": a matrix of " + m[0].length + " columns for a point of "
                    + p.length + " coordinates (needs " + (p.length + 1) + ")");
        }
        int rows = m.length == n + 1 ? n : m.length;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double v = m[r][n];
            for (int c = 0; c < n; c++) {
                v += m[r][c] * p[c];
            }
            out[r] = v;
        }
        return out;
    }

    private static double[] multiply(double[][] m, double[] p, Transform t) throws InvalidMetadataException {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            if (m[r].length != p.length) {
                throw new InvalidMetadataException(t.type() + ": a matrix row of " + m[r].length + " for a point of "
                        + p.length + " coordinates");
            }
            for (int c = 0; c < p.length; c++) {
                out[r] += m[r][c] * p[c];
            }
        }
        return out;
    }

    /** Solves the square system {@code a x = b} by Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b, Transform t) throws InvalidMetadataException {
        int n = b.length;
        double[][] m = new double[n][];
        for (int r = 0; r < n; r++) {
            if (a[r].length != n) {
                throw new InvalidMetadataException(t.type() + ": only a square linear part can be inverted, not "
                        + n + "x" + a[r].length);
            }
            m[r] = java.util.Arrays.copyOf(a[r], n + 1);
            m[r][n] = b[r];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(m[pivot][c]) < 1e-300) {
                throw new InvalidMetadataException(t.type() + ": the matrix is singular and has no inverse");
            }
            double[] tmp = m[c];
            m[c] = m[pivot];
            m[pivot] = tmp;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int r = 0; r < n; r++) {
            x[r] = m[r][n] / m[r][r];
        }
        return x;
    }

    private static <T> T inline(T parameters, Transform t) throws UnsupportedExtensionException {
        if (parameters == null) {
            throw new UnsupportedExtensionException(t.type() + " with parameters stored in an array (path) cannot be"
                    + " evaluated here");
        }
        return parameters;
    }

    private static int sameRank(int n, double[] p, Transform t) throws InvalidMetadataException {
        if (n != p.length) {
            throw new InvalidMetadataException(t.type() + " has " + n + " values for a point of " + p.length + " coordinates");
        }
        return n;
    }

    private static int[] indices(JsonNode list, String what) throws InvalidMetadataException {
        if (list == null || !list.isArray()) {
            throw new InvalidMetadataException(what + ": a list of axis indices is missing");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!list.get(i).canConvertToInt()) {
                throw new InvalidMetadataException(what + "/" + i + ": an axis index is an integer, not " + list.get(i));
            }
            out[i] = list.get(i).asInt();
        }
        return out;
    }

    private static int checkIndex(int i, int rank, String what) throws InvalidMetadataException {
        if (i < 0 || i >= rank) {
            throw new InvalidMetadataException(what + ": axis index " + i + " outside 0.." + (rank - 1));
        }
        return i;
    }
}
