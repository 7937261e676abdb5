package dev.ngff.codecs.kernels;

/**
 * Chooses the kernels at run time, once, when this class initialises: the C kernels of {@code native/} for
 * byte and bit shuffles when they loaded ({@link NativeKernels#isAvailable()}), else the Vector API version
 * when the {@code jdk.incubator.vector} module is in the boot layer, else the scalar one. The
 * property {@code ngff.kernels} set to {@code java} keeps to Java, {@code scalar} to the scalar kernels.
 * Every choice gives identical output.
 */
public final class Kernels {
    private static final String VECTOR_CAUSE;
    private static final ShuffleKernels VECTOR;
    private static final ShuffleKernels BEST;

    static {
        ShuffleKernels v = null;
        String cause = null;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            cause = "the jdk.incubator.vector module is not loaded (run java with --add-modules jdk.incubator.vector)";
        } else {
            try {
                v = VectorKernels.INSTANCE;
                // a first call proves the species resolve on this CPU
                byte[] probe = new byte[256];
                v.unshuffle(probe, 0, new byte[256], 0, 256, 4);
            } catch (LinkageError | RuntimeException e) {
                v = null;
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                cause = "the Vector API failed to initialise: " + e + (root != e ? " (cause: " + root + ")" : "");
            }
        }
        VECTOR = v;
        VECTOR_CAUSE = cause;
        String choice = System.getProperty("ngff.kernels", "");
        ShuffleKernels javaBest = v != null && !choice.equals("scalar") ? v : ScalarKernels.INSTANCE;
        // JMH (docs/kernels.md, 2 MiB): the C byte (un)shuffles run 8-20x the Java loops, the C bit shuffles
        // 1.5-2x the Vector API ones
        BEST = NativeKernels.isAvailable() && choice.isEmpty() ? NativeKernels.INSTANCE : javaBest;
    }

    private Kernels() {
    }

    /** The kernels every codec uses. */
    public static ShuffleKernels best() {
        return BEST;
    }

    /** The best pure-Java kernels: Vector API when available, else scalar. */
    public static ShuffleKernels java() {
        return VECTOR != null ? VECTOR : ScalarKernels.INSTANCE;
    }

    /** The C kernels of {@code native/}; {@link IllegalStateException} naming the cause when unavailable. */
    public static ShuffleKernels nativeKernels() {
        if (!NativeKernels.isAvailable()) {
            throw new IllegalStateException("native kernels unavailable: " + NativeKernels.unavailabilityCause());
        }
        return NativeKernels.INSTANCE;
    }

    /**
     * The C kernels with their bit shuffles pinned to one instruction set ({@code sse2}, {@code avx2} or
     * {@code avx512}), to compare them on one machine; {@link IllegalStateException} when the library did not
     * load or this CPU cannot run that set.
     */
    public static ShuffleKernels nativeKernels(String isa) {
        return NativeKernels.forIsa(isa).orElseThrow(() -> new IllegalStateException("native " + isa
                + " kernels unavailable: " + (NativeKernels.isAvailable() ? "this CPU runs only "
                + NativeKernels.supportedIsas() : NativeKernels.unavailabilityCause())));
    }

    /** The plain-Java kernels (always available). */
    public static ShuffleKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Whether the Vector API kernels can run in this JVM. */
    public static boolean isVectorAvailable() {
        return VECTOR != null;
    }

    /** Why the Vector API kernels cannot run, or null when they can. */
    public static String vectorUnavailabilityCause() {
        return VECTOR_CAUSE;
    }

    /** The Vector API kernels; {@link IllegalStateException} naming the cause when they are unavailable. */
    public static ShuffleKernels vector() {
        if (VECTOR == null) {
            throw new IllegalStateException("vector kernels unavailable: " + VECTOR_CAUSE);
        }
        return VECTOR;
    }
}
