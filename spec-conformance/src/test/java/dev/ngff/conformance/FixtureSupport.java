package dev.ngff.conformance;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Shared helpers for the conformance tests: where the fixtures are, one execution context, opening a
 * fixture directory as a read-only store, and the "must fail as unsupported, naming X" check.
 *
 * <p>The fixture root comes from {@link Fixtures} (env {@code NGFF_FIXTURES}, else
 * {@code NGFF_FIXTURES_DEFAULT}, which surefire sets to {@code ../shared/fixtures}). When it is absent the
 * tests fail on CI ({@code CI=true}) and are skipped, loudly, everywhere else. Fixture files are only ever read.
 */
final class FixtureSupport {
    private static final ExecutionContext CTX = ExecutionContext.create();

    private FixtureSupport() {
    }

    /** The fixture root ({@link Fixtures#root()}); aborts (or fails on CI) when it is missing. */
    static Path root() {
        return Fixtures.root();
    }

    /** A fixture path below the root; aborts (or fails on CI) when that set is missing. */
    static Path fixture(String relative) {
        return Fixtures.path(relative);
    }

    static ExecutionContext ctx() {
        return CTX;
    }

    static FileSystemStore store(Path dir) throws IOException {
        return FileSystemStore.open(dir);
    }

    /** Opens the node rooted at a directory. */
    static ZarrNode open(Path dir) throws IOException {
        return Zarr.open(store(dir), Key.ROOT, CTX);
    }

    static ZarrArray openArray(Path dir) throws IOException {
        ZarrNode n = open(dir);
        assertThat(n).as("node at %s", dir).isInstanceOf(ZarrArray.class);
        return (ZarrArray) n;
    }

    static ZarrGroup openGroup(Path dir) throws IOException {
        ZarrNode n = open(dir);
        assertThat(n).as("node at %s", dir).isInstanceOf(ZarrGroup.class);
        return (ZarrGroup) n;
    }

    static NdBuffer readAll(Path dir) throws IOException {
        return openArray(dir).read();
    }

    /**
     * Opens the node at {@code dir} and, if it is an array, reads it whole; that must fail with an
     * {@link UnsupportedExtensionException} whose message names at least one of {@code names}
     * (case-insensitive).
     */
    static UnsupportedExtensionException assertUnsupported(Path dir, String... names) {
        Throwable t = catchThrowable(() -> {
            ZarrNode n = open(dir);
            if (n instanceof ZarrArray a) {
                a.read();
            }
        });
        return assertUnsupportedThrowable(t, dir.toString(), names);
    }

    static UnsupportedExtensionException assertUnsupportedThrowable(Throwable t, String what, String... names) {
        assertThat(t).as("%s must fail as unsupported, naming one of %s", what, Arrays.toString(names))
                .isInstanceOf(UnsupportedExtensionException.class);
        String msg = t.getMessage().toLowerCase(Locale.ROOT);
        boolean named = Arrays.stream(names).anyMatch(n -> msg.contains(n.toLowerCase(Locale.ROOT)));
        assertThat(named).as("message of %s should name one of %s but was: %s", what, Arrays.toString(names),
                t.getMessage()).isTrue();
        return (UnsupportedExtensionException) t;
    }

    /** Path relative to the fixture root, for display names. */
    static String rel(Path p) {
        return root().relativize(p).toString();
    }

    /** Element values widened to double, C order. */
    static double[] doubles(NdBuffer b) {
        double[] out = new double[Math.toIntExact(b.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getAsDouble(i);
        }
        return out;
    }

    static long[] longs(NdBuffer b) {
        long[] out = new long[Math.toIntExact(b.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getAsLong(i);
        }
        return out;
    }

    static byte[] bytes(NdBuffer b) {
        return b.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The nearest float16 (round half to even) of a double, as its bit pattern: numpy's astype(float16). */
    static short doubleToHalf(double x) {
        short h = Float.floatToFloat16((float) x);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return h;
        }
        short best = h;
        double bestErr = Math.abs(Float.float16ToFloat(h) - x);
        for (int d = -1; d <= 1; d += 2) {
            short c = (short) (h + d);
            float cf = Float.float16ToFloat(c);
            if (Float.isNaN(cf) || Float.isInfinite(cf) || Math.signum(cf) * Math.signum(x) < 0) {
                continue;
            }
            double err = Math.abs(cf - x);
            if (err < bestErr || (err == bestErr && (c & 1) == 0)) {
                best = c;
                bestErr = err;
            }
        }
        return best;
    }

    /** Every element satisfies the predicate; the message names the first that does not. */
    static void allMatch(double[] v, java.util.function.DoublePredicate p) {
        for (int i = 0; i < v.length; i++) {
            if (!p.test(v[i])) {
                throw new AssertionError("element " + i + " = " + v[i] + " is outside the expected domain");
            }
        }
    }

    static void allMatch(long[] v, java.util.function.LongPredicate p) {
        for (int i = 0; i < v.length; i++) {
            if (!p.test(v[i])) {
                throw new AssertionError("element " + i + " = " + v[i] + " is outside the expected domain");
            }
        }
    }
}
