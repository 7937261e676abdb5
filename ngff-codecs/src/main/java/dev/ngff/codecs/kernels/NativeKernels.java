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
import java.util.List;
import java.util.Optional;

/**
 * The C kernels of {@code native/} (byte and bit shuffles, built by GCC for AVX-512, AVX2 and baseline
 * x86-64 with the choice made at load time), called through {@code java.lang.foreign} on the Java arrays
 * themselves (critical downcalls, no copies). The library ships in this jar for linux-x86_64; elsewhere, or
 * when the build had no C compiler, {@link #isAvailable()} is false and {@link #unavailabilityCause()} says
 * why. Byte swap goes to the Java kernels. The bit shuffles need no scratch (the C code works in L1-sized
 * tiles on its own stack); the argument is still checked, as the contract says. Stateless and thread-safe.
 *
 * <p>Besides the instance the loader's CPU check picks, {@link #forIsa} gives instances pinned to one
 * instruction set for the bit shuffles, so tests and benchmarks compare all of them on one machine.
 */
public final class NativeKernels implements ShuffleKernels {
    private static final String RESOURCE = "linux-x86_64/libngffkernels.so";
    private static final MethodHandle SHUFFLE;
    private static final MethodHandle UNSHUFFLE;
    private static final MethodHandle BITSHUFFLE;
    private static final MethodHandle BITUNSHUFFLE;
    private static final MethodHandle BITSHUFFLE_ISA;
    private static final MethodHandle BITUNSHUFFLE_ISA;
    private static final String CAUSE;
    private static final int ISA;
    /** Instruction set names by the C library's numbers (ngff_kernels_isa). */
    private static final List<String> ISA_NAMES = List.of("sse2", "avx2", "avx512");
    static final NativeKernels INSTANCE;

    static {
        MethodHandle sh = null;
        MethodHandle un = null;
        MethodHandle bsh = null;
        MethodHandle bun = null;
        MethodHandle bshIsa = null;
        MethodHandle bunIsa = null;
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
                    bsh = linker.downcallHandle(lib.findOrThrow("ngff_bitshuffle"), fd, critical);
                    bun = linker.downcallHandle(lib.findOrThrow("ngff_bitunshuffle"), fd, critical);
                    FunctionDescriptor fdIsa = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
                    bshIsa = linker.downcallHandle(lib.findOrThrow("ngff_bitshuffle_isa"), fdIsa, critical);
                    bunIsa = linker.downcallHandle(lib.findOrThrow("ngff_bitunshuffle_isa"), fdIsa, critical);
                    isa = (int) linker.downcallHandle(lib.findOrThrow("ngff_kernels_isa"),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
                }
            } catch (Throwable e) {
                sh = null;
                un = null;
                bsh = null;
                bun = null;
                bshIsa = null;
                bunIsa = null;
                cause = "the native kernels failed to load: " + e;
            }
        }
        SHUFFLE = sh;
        UNSHUFFLE = un;
        BITSHUFFLE = bsh;
        BITUNSHUFFLE = bun;
        BITSHUFFLE_ISA = bshIsa;
        BITUNSHUFFLE_ISA = bunIsa;
        CAUSE = cause;
        ISA = isa;
        INSTANCE = sh != null ? new NativeKernels(-1) : null;
    }

    /** The instruction set the bit shuffles are pinned to, or -1 for the one the loader picked. */
    private final int pinnedIsa;

    private NativeKernels(int pinnedIsa) {
        this.pinnedIsa = pinnedIsa;
    }

    /**
     * Kernels whose bit shuffles use one instruction set ({@code sse2}, {@code avx2} or {@code avx512});
     * byte shuffles still use the loader's choice. Empty when the library did not load, the name is
     * unknown, or this CPU cannot run that set.
     */
    static Optional<NativeKernels> forIsa(String isa) {
        int level = ISA_NAMES.indexOf(isa);
        if (INSTANCE == null || level < 0 || level > ISA) {
            return Optional.empty();
        }
        return Optional.of(new NativeKernels(level));
    }

    /** The instruction sets this CPU runs, narrowest first (empty when the library did not load). */
    static List<String> supportedIsas() {
        return INSTANCE == null ? List.of() : ISA_NAMES.subList(0, ISA + 1);
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
        return pinnedIsa < 0 ? "native-" + ISA_NAMES.get(ISA) : "native-bits-" + ISA_NAMES.get(pinnedIsa);
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

    private void bitCall(MethodHandle auto, MethodHandle pinned, byte[] src, int srcOff, byte[] dst, int dstOff,
                         int length, int typesize, byte[] scratch) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        ShuffleKernels.checkScratch(scratch, length);
        if (pinnedIsa < 0) {
            call(auto, src, srcOff, dst, dstOff, length, typesize);
            return;
        }
        int rc;
        try {
            rc = (int) pinned.invokeExact(MemorySegment.ofArray(src).asSlice(srcOff, length),
                    MemorySegment.ofArray(dst).asSlice(dstOff, length), (long) length, typesize, pinnedIsa);
        } catch (Throwable e) {
            throw new IllegalStateException("native kernel failed", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("this CPU cannot run the " + ISA_NAMES.get(pinnedIsa) + " bit shuffle");
        }
    }

    @Override
    public void bitshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        bitCall(BITSHUFFLE, BITSHUFFLE_ISA, src, srcOff, dst, dstOff, length, typesize, scratch);
    }

    @Override
    public void bitunshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        bitCall(BITUNSHUFFLE, BITUNSHUFFLE_ISA, src, srcOff, dst, dstOff, length, typesize, scratch);
    }

    @Override
    public void byteSwap(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        Kernels.java().byteSwap(src, srcOff, dst, dstOff, length, typesize);
    }
}
