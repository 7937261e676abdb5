package dev.ngff.codecs.kernels;

/**
 * Chooses the kernels at run time: the Vector API version when the {@code jdk.incubator.vector} module is
 * in the boot layer (and the property {@code ngff.kernels} is not {@code scalar}), else the scalar one. The
 * choice is made once, when this class initialises; both give identical output.
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
                cause = "the Vector API failed to initialise: " + e;
            }
        }
        VECTOR = v;
        VECTOR_CAUSE = cause;
        BEST = v != null && !"scalar".equals(System.getProperty("ngff.kernels")) ? v : ScalarKernels.INSTANCE;
    }

    private Kernels() {
    }

    /** The kernels every codec uses. */
    public static ShuffleKernels best() {
        return BEST;
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
