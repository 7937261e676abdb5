package dev.ngff.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The random inputs of one property case, drawn from a seeded {@link SplittableRandom} (see {@link Properties}).
 *
 * <p>Edge values are drawn on purpose: case 0 of every property takes the low edge of every draw (the
 * minimum of a range, 0 for an unbounded number, {@code false}, the first choice, the shortest array),
 * case 1 the high edge (maximum, {@code MAX_VALUE}, {@code true}, the last choice, the longest array), and
 * in the other cases each draw is an edge value (bounds, their neighbours, zero) about once in 16.
 *
 * <p>Every draw is noted, so that a failure can name the input it ran on. Not thread-safe: one per case.
 */
public final class Gen {
    private static final int EDGE_ODDS = 16;
    private static final int MAX_NOTES = 24;
    private static final int MAX_NOTE_CHARS = 80;

    /** How the draws of one case choose their values. */
    enum Mode { LOW, HIGH, RANDOM }

    private enum Pick { LOW, HIGH, EDGE, RANDOM }

    private final SplittableRandom random;
    private Mode mode;
    private final List<String> notes = new ArrayList<>();
    private int dropped;

    Gen(SplittableRandom random, Mode mode) {
        this.random = random;
        this.mode = mode;
    }

    /** An int in {@code [min, max]}. */
    public int intIn(int min, int max) {
        return note("int[" + min + ".." + max + "]", (int) drawLong(min, max));
    }

    /** A long in {@code [min, max]}. */
    public long longIn(long min, long max) {
        return note("long[" + min + ".." + max + "]", drawLong(min, max));
    }

    /** Any int; edges are 0, 1, -1, MIN_VALUE and MAX_VALUE. */
    public int anyInt() {
        int v = switch (pick()) {
            case LOW -> 0;
            case HIGH -> Integer.MAX_VALUE;
            case EDGE -> new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}[random.nextInt(5)];
            case RANDOM -> random.nextInt();
        };
        return note("int", v);
    }

    /** Any long (a seed, usually); edges are 0, 1, -1, MIN_VALUE and MAX_VALUE. */
    public long anyLong() {
        long v = switch (pick()) {
            case LOW -> 0L;
            case HIGH -> Long.MAX_VALUE;
            case EDGE -> new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}[random.nextInt(5)];
            case RANDOM -> random.nextLong();
        };
        return note("long", v);
    }

    /** A boolean. */
    public boolean bool() {
        boolean v = switch (pick()) {
            case LOW -> false;
            case HIGH -> true;
            case EDGE, RANDOM -> random.nextBoolean();
        };
        return note("bool", v);
    }

    /** A double in {@code [min, max]}; edges are the bounds and 0 when inside. */
    public double doubleIn(double min, double max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
        double v = switch (pick()) {
            case LOW -> min;
            case HIGH -> max;
            case EDGE -> min < 0 && max > 0 && random.nextBoolean() ? 0.0 : random.nextBoolean() ? min : max;
            case RANDOM -> min == max ? min : Math.min(max, min + random.nextDouble() * (max - min));
        };
        return note("double[" + min + ".." + max + "]", v);
    }

    /**
     * Any float: every bit pattern (NaNs and infinities included) is possible; edges are the zeros, +-1,
     * MIN_VALUE, MIN_NORMAL, +-MAX_VALUE and the infinities.
     */
    public float anyFloat() {
        float v = switch (pick()) {
            case LOW -> 0.0f;
            case HIGH -> Float.MAX_VALUE;
            case EDGE -> new float[] {0.0f, -0.0f, 1, -1, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
                    -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[random.nextInt(10)];
            case RANDOM -> Float.intBitsToFloat(random.nextInt());
        };
        return note("float", v);
    }

    /** One of the choices, uniformly; edges are the first and the last. */
    public <T> T oneOf(List<? extends T> choices) {
        return note("choice", choices.get(index(choices.size())));
    }

    /** One of the choices, uniformly; edges are the first and the last. */
    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return note("choice", choices[index(choices.length)]);
    }

    /** An index {@code i} with probability {@code weights[i] / sum(weights)}; edges are the first and the last. */
    public int weightedIndex(int... weights) {
        int total = Arrays.stream(weights).sum();
        int i = switch (pick()) {
            case LOW -> 0;
            case HIGH -> weights.length - 1;
            case EDGE -> random.nextBoolean() ? 0 : weights.length - 1;
            case RANDOM -> {
                int r = random.nextInt(total);
                int k = 0;
                while (r >= weights[k]) {
                    r -= weights[k++];
                }
                yield k;
            }
        };
        return note("weighted", i);
    }

    /** Random bytes, {@code minLength} to {@code maxLength} of them; edges are the shortest and the longest. */
    public byte[] bytes(int minLength, int maxLength) {
        byte[] b = new byte[(int) drawLong(minLength, maxLength)];
        random.nextBytes(b);
        return note("bytes", b);
    }

    /** {@code length} ints, each in {@code [min, max]} (with edges like {@link #intIn}). */
    public int[] ints(int length, int min, int max) {
        int[] a = new int[length];
        for (int i = 0; i < length; i++) {
            a[i] = (int) drawLong(min, max);
        }
        return note("ints", a);
    }

    /** {@code length} longs, each in {@code [min, max]} (with edges like {@link #longIn}). */
    public long[] longs(int length, long min, long max) {
        long[] a = new long[length];
        for (int i = 0; i < length; i++) {
            a[i] = drawLong(min, max);
        }
        return note("longs", a);
    }

    /** ASCII letters, {@code minLength} to {@code maxLength} of them. */
    public String alpha(int minLength, int maxLength) {
        char[] c = new char[(int) drawLong(minLength, maxLength)];
        for (int i = 0; i < c.length; i++) {
            int k = random.nextInt(52);
            c[i] = (char) (k < 26 ? 'a' + k : 'A' + k - 26);
        }
        return note("alpha", new String(c));
    }

    /** A list of {@code minSize} to {@code maxSize} elements, each drawn by {@code element}. */
    public <T> List<T> listOf(int minSize, int maxSize, Function<Gen, ? extends T> element) {
        int n = (int) drawLong(minSize, maxSize);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.apply(this));
        }
        return out;
    }

    /**
     * A value of {@code generator} that {@code accept} takes; after a refused one, draws are random (not
     * edges), and after 10000 refusals this fails as a mistake of the test.
     */
    public <T> T filtered(Function<Gen, ? extends T> generator, Predicate<? super T> accept) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            T v = generator.apply(this);
            if (accept.test(v)) {
                return v;
            }
            mode = Mode.RANDOM;
        }
        throw new IllegalStateException("the filter refused 10000 generated values in a row");
    }

    /** The draws so far, shortened: what a failure names as its input. */
    String draws() {
        return String.join(", ", notes) + (dropped > 0 ? ", ... (" + dropped + " more)" : "");
    }

    /** A short text for any generated value: arrays by their elements, long texts cut. */
    static String describe(Object value, int maxChars) {
        String s = switch (value) {
            case null -> "null";
            case byte[] b -> "byte[" + b.length + "] " + HexFormat.of().formatHex(b, 0, Math.min(b.length, maxChars / 2));
            case int[] a -> Arrays.toString(a);
            case long[] a -> Arrays.toString(a);
            case double[] a -> Arrays.toString(a);
            case float[] a -> Arrays.toString(a);
            case boolean[] a -> Arrays.toString(a);
            case Object[] a -> Arrays.deepToString(a);
            default -> String.valueOf(value);
        };
        return s.length() <= maxChars ? s : s.substring(0, maxChars) + "...";
    }

    private <T> T note(String what, T value) {
        if (notes.size() < MAX_NOTES) {
            notes.add(what + "=" + describe(value, MAX_NOTE_CHARS));
        } else {
            dropped++;
        }
        return value;
    }

    private int index(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        return switch (pick()) {
            case LOW -> 0;
            case HIGH -> size - 1;
            case EDGE -> random.nextBoolean() ? 0 : size - 1;
            case RANDOM -> random.nextInt(size);
        };
    }

    private long drawLong(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
        return switch (pick()) {
            case LOW -> min;
            case HIGH -> max;
            case EDGE -> {
                long[] edges = {min, max, min < 0 && max > 0 ? 0 : min, min < max ? min + 1 : min, min < max ? max - 1 : max};
                yield edges[random.nextInt(edges.length)];
            }
            case RANDOM -> {
                if (max < Long.MAX_VALUE) {
                    yield random.nextLong(min, max + 1);
                } else if (min > Long.MIN_VALUE) {
                    yield random.nextLong(min - 1, max) + 1;
                } else {
                    yield random.nextLong();
                }
            }
        };
    }

    private Pick pick() {
        return switch (mode) {
            case LOW -> Pick.LOW;
            case HIGH -> Pick.HIGH;
            case RANDOM -> random.nextInt(EDGE_ODDS) == 0 ? Pick.EDGE : Pick.RANDOM;
        };
    }
}
