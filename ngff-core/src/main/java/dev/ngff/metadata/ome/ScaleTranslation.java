package dev.ngff.metadata.ome;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An axis-aligned map from array indices to physical coordinates: {@code physical = index * scale + translation}.
 *
 * @param scale       per-axis scale
 * @param translation per-axis offset
 */
public record ScaleTranslation(double[] scale, double[] translation) {
    public ScaleTranslation {
        scale = scale.clone();
        translation = translation.clone();
        if (scale.length != translation.length) {
            throw new IllegalArgumentException("scale of rank " + scale.length + " with translation of rank "
                    + translation.length);
        }
    }

    public static ScaleTranslation identity(int rank) {
        double[] s = new double[rank];
        Arrays.fill(s, 1.0);
        return new ScaleTranslation(s, new double[rank]);
    }

    public int rank() {
        return scale.length;
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public double[] translation() {
        return translation.clone();
    }

    /** This map followed by {@code next}. */
    public ScaleTranslation then(ScaleTranslation next) {
        double[] s = new double[scale.length];
        double[] t = new double[scale.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = scale[i] * next.scale[i];
            t[i] = translation[i] * next.scale[i] + next.translation[i];
        }
        return new ScaleTranslation(s, t);
    }

    public double[] toPhysical(double[] index) {
        check(index);
        double[] out = new double[index.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = index[i] * scale[i] + translation[i];
        }
        return out;
    }

    public double[] toIndex(double[] physical) {
        check(physical);
        double[] out = new double[physical.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (physical[i] - translation[i]) / scale[i];
        }
        return out;
    }

    private void check(double[] p) {
        if (p.length != scale.length) {
            throw new IllegalArgumentException("point of rank " + p.length + " for a transform of rank " + scale.length);
        }
    }

    /**
     * Composes a list of identity/scale/translation (and sequences of them) into one map; empty for any
     * other type, for parameters stored in arrays, or for a rank other than {@code rank}.
     */
    static Optional<ScaleTranslation> compose(List<Transform> ts, int rank) {
        ScaleTranslation acc = identity(rank);
        for (Transform t : ts) {
            Optional<ScaleTranslation> step = switch (t) {
                case Transform.Identity i -> Optional.of(identity(rank));
                case Transform.Scale s when s.scale() != null && s.scale().length == rank ->
                        Optional.of(new ScaleTranslation(s.scale(), new double[rank]));
                case Transform.Translation tr when tr.translation() != null && tr.translation().length == rank ->
                        Optional.of(new ScaleTranslation(identity(rank).scale, tr.translation()));
                case Transform.Sequence seq -> compose(seq.transformations(), rank);
                default -> Optional.empty();
            };
            if (step.isEmpty()) {
                return Optional.empty();
            }
            acc = acc.then(step.get());
        }
        return Optional.of(acc);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaleTranslation st && Arrays.equals(scale, st.scale) && Arrays.equals(translation, st.translation);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(scale) * 31 + Arrays.hashCode(translation);
    }

    @Override
    public String toString() {
        return "ScaleTranslation[scale=" + Arrays.toString(scale) + ", translation=" + Arrays.toString(translation) + "]";
    }
}
