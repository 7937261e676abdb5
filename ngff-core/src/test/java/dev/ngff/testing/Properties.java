package dev.ngff.testing;

import org.opentest4j.TestAbortedException;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Property tests as plain JUnit: a property runs a number of cases, each on inputs drawn by a {@link Gen}
 * from one seed. The seed is printed once per property; it is random on each run unless the system
 * property {@value #SEED_PROPERTY} fixes it (e.g. {@code ./mvnw test -Dtest=FooTest -Dngff.seed=123}), and
 * then every case is drawn again exactly. A failing case fails the test with one line naming the property,
 * the seed, the case index and its input; the original failure is the cause. No shrinking.
 *
 * <pre>{@code
 * Properties.forAll(300, g -> {
 *     int n = g.intIn(0, 40);
 *     long seed = g.anyLong();
 *     assertThat(...).isTrue();
 * });
 * }</pre>
 */
public final class Properties {
    /** The system property that fixes the seed of every property of a run. */
    public static final String SEED_PROPERTY = "ngff.seed";
    private static final int MAX_INPUT_CHARS = 300;

    private Properties() {
    }

    /** A property over inputs and assertions in one body: the draws it made name the input of a failing case. */
    @FunctionalInterface
    public interface Check<T> {
        void check(T input) throws Exception;
    }

    /** Runs {@code property} on {@code cases} cases, named after the calling test class and method. */
    public static void forAll(int cases, Check<Gen> property) {
        forAll(callerName(), cases, property);
    }

    /** Runs {@code property} on {@code cases} cases under {@code name}. */
    public static void forAll(String name, int cases, Check<Gen> property) {
        run(name, cases, seed(), g -> g, property, Gen::draws);
    }

    /**
     * Runs {@code property} on {@code cases} inputs made by {@code generator}, named after the calling test
     * class and method; a failing case names its input by the input's {@code toString} (arrays by elements).
     */
    public static <T> void forAll(int cases, Function<Gen, T> generator, Check<? super T> property) {
        forAll(callerName(), cases, generator, property);
    }

    /** Runs {@code property} on {@code cases} inputs made by {@code generator}, under {@code name}. */
    public static <T> void forAll(String name, int cases, Function<Gen, T> generator, Check<? super T> property) {
        run(name, cases, seed(), generator, property, null);
    }

    /** A property's name for a test class (nested classes as Outer.Inner) and method: for contracts that subclasses run. */
    public static String name(Class<?> testClass, String method) {
        String n = testClass.getName();
        return n.substring(n.lastIndexOf('.') + 1).replace('$', '.') + "." + method;
    }

    /** Runs the cases from {@code seed}; a failing case is named by {@code drawsOf} if given, else by its input. */
    static <T> void run(String name, int cases, long seed, Function<Gen, T> generator, Check<? super T> property,
                        Function<Gen, String> drawsOf) {
        if (cases < 1) {
            throw new IllegalArgumentException("property " + name + ": " + cases + " cases");
        }
        System.out.println("property " + name + ": seed " + seed + ", " + cases + " cases; rerun with -D"
                + SEED_PROPERTY + "=" + seed);
        SplittableRandom master = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++) {
            Gen g = new Gen(master.split(), i == 0 ? Gen.Mode.LOW : i == 1 ? Gen.Mode.HIGH : Gen.Mode.RANDOM);
            T input = null;
            boolean generated = false;
            try {
                input = generator.apply(g);
                generated = true;
                property.check(input);
            } catch (TestAbortedException | VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                String what = drawsOf != null || !generated ? g.draws() : Gen.describe(input, MAX_INPUT_CHARS);
                if (what.length() > MAX_INPUT_CHARS) {
                    what = what.substring(0, MAX_INPUT_CHARS) + "...";
                }
                throw new AssertionError("property " + name + " failed on case " + i + " of " + cases + ", seed " + seed
                        + " (rerun with -D" + SEED_PROPERTY + "=" + seed + "); input: " + what + "; " + firstLine(t), t);
            }
        }
    }

    private static long seed() {
        String fixed = System.getProperty(SEED_PROPERTY);
        if (fixed == null || fixed.isBlank()) {
            return new SplittableRandom().nextLong();
        }
        try {
            return Long.parseLong(fixed.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + "=" + fixed + " is not a long", e);
        }
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl) + " ...";
        return m.length() <= MAX_INPUT_CHARS ? m : m.substring(0, MAX_INPUT_CHARS) + "...";
    }

    private static String callerName() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> f.getDeclaringClass() != Properties.class).findFirst()
                .map(f -> name(f.getDeclaringClass(), f.getMethodName())).orElse("?"));
    }
}
