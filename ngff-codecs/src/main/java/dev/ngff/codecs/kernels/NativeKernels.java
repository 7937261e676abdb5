package dev.ngff.codecs.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The C kernels of {@code native/} (byte shuffle and unshuffle, built by GCC for AVX-512, AVX2 and baseline
 * x86-64 with the choice made at load time), called through {@code java.lang.foreign} on the Java arrays
 * themselves (critical downcalls, no copies). The library ships in this jar for linux-x86_64; elsewhere, or
 * when the build had no C compiler, {@link #isAvailable()} is false and {@link #unavailabilityCause()} says
 * why. Bit shuffle and byte swap go to the Java kernels. Stateless and thread-safe.
 */
public final class NativeKernels implements ShuffleKernels {
    private static final String RESOURCE = "linux-x86_64/libngffkernels.so";
    private static final MethodHandle SHUFFLE;
    private static final MethodHandle UNSHUFFLE;
    private static final String CAUSE;
    private static final int ISA;
    static final NativeKernels INSTANCE;

    static {
        MethodHandle sh = null;
        MethodHandle un = null;
        String cause = null;
        int isa = -1;
        String platform = System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        if (!platform.equals("Linux-amd64")) {
            cause = "no native kernels for " + platform + " (only linux-x86_64 is bundled)";
        } else {
            try (InputStream in = NativeKernels.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    cause = "the jar has no " + RESOURCE + " (it was built without a C compiler)";
                } else {
                    Path tmp = Files.createTempFile("ngffkernels", ".so");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    tmp.toFile().deleteOnExit();
                    SymbolLookup lib = SymbolLookup.libraryLookup(tmp, Arena.global());
                    Linker linker = Linker.nativeLinker();
                    FunctionDescriptor fd = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
                    Linker.Option critical = Linker.Option.critical(true);
                    sh = linker.downcallHandle(lib.findOrThrow("ngff_shuffle"), fd, critical);
                    un = linker.downcallHandle(lib.findOrThrow("ngff_unshuffle"), fd, critical);
                    isa = (int) linker.downcallHandle(lib.findOrThrow("ngff_kernels_isa"),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
                }
            } catch (Throwable e) {
                sh = null;
                un = null;
                cause = "the native kernels failed to load: " + e;
            }
        }
        SHUFFLE = sh;
        UNSHUFFLE = un;
        CAUSE = cause;
        ISA = isa;
        INSTANCE = sh != null ? new NativeKernels() : null;
    }

    private NativeKernels() {
    }

    /** Whether the C kernels loaded. */
    public static boolean isAvailable() {
        return INSTANCE != null;
    }

    /** Why the C kernels are not available, or null when they are. */
    public static String unavailabilityCause() {
        return CAUSE;
    }

    @Override
    public String name() {
        return "native-" + switch (ISA) {
            case 2 -> "avx512";
            case 1 -> "avx2";
            default -> "x86-64";
        };
    }

    private static void call(MethodHandle h, byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        try {
            h.invokeExact(MemorySegment.ofArray(src).asSlice(srcOff, length),
                    MemorySegment.ofArray(dst).asSlice(dstOff, length), (long) length, typesize);
        } catch (Throwable e) {
            throw new IllegalStateException("native kernel failed", e);
        }
    }

    @Override
    public void shuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        call(SHUFFLE, src, srcOff, dst, dstOff, length, typesize);
    }

    @Override
    public void unshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        call(UNSHUFFLE, src, srcOff, dst, dstOff, length, typesize);
    }

    @Override
    public void bitshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        Kernels.java().bitshuffle(src, srcOff, dst, dstOff, length, typesize, scratch);
    }

    @Override
    public void bitunshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        Kernels.java().bitunshuffle(src, srcOff, dst, dstOff, length, typesize, scratch);
    }

    @Override
    public void byteSwap(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        Kernels.java().byteSwap(src, srcOff, dst, dstOff, length, typesize);
    }
}
