package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * The contract every {@link BytesToBytesCodec} keeps. A subclass supplies the codec configurations under
 * test with {@link #codecs()}, and says with the hooks below what its format can promise.
 *
 * <ul>
 * <li>{@code decode(encode(x)) == x} for inputs of 0 bytes to a few MiB, compressible or not, with the
 *     exact size as the bound and with a looser one; on-heap and off-heap inputs alike;</li>
 * <li>the encoded size respects {@link BytesToBytesCodec#encodedSizeBound} and
 *     {@link BytesToBytesCodec#fixedSizeOverhead} where the codec states them;</li>
 * <li>a bound smaller than the real decoded size is a {@link CorruptDataException};</li>
 * <li>every truncation of a small encoding, and a sample for a large one, is a {@link CorruptDataException};</li>
 * <li>garbage and bit flips give a {@link CorruptDataException} or (for codecs without integrity checks)
 *     some output within the bound, never another exception;</li>
 * <li>{@link BytesToBytesCodec#decodeInto} writes exactly what {@code decode} returns, into heap slices and
 *     off-heap memory, and never a byte outside the destination; a destination of any other size than the
 *     decoded one, and truncated input, are {@link CorruptDataException}s;</li>
 * <li>one instance serves 8 threads at once;</li>
 * <li>{@link CodecRegistry#standard()} rebuilds an equal codec from {@link Codec#spec()}.</li>
 * </ul>
 * Random data comes from fixed seeds that appear in every failure message.
 */
public abstract class BytesToBytesCodecContract {
    /** Sizes every round trip covers: empty, tiny, around powers of two and block sizes. */
    protected static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 100, 255, 256, 1000, 4095, 4096, 4097,
            65535, 65536, 65537, 131072, 131075, 1 << 20};

    /** For subclasses, which supply the codecs. */
    protected BytesToBytesCodecContract() {
    }

    /** Kinds of content, from very compressible to incompressible. */
    protected enum Content { ZEROS, REPEATING, TEXT_LIKE, RANDOM }

    /** The codec configurations under test (at least one); each test runs against all of them. */
    protected abstract List<BytesToBytesCodec> codecs() throws Exception;

    /**
     * Whether every single-bit flip of an encoding is detected (a checksum over all of it). When false a
     * flipped encoding may also decode to some output.
     */
    protected boolean detectsEveryBitFlip() {
        return false;
    }

    /** Whether the registry is expected to rebuild the codec from its spec (true for registered codecs). */
    protected boolean registeredByName() {
        return true;
    }

    /** The chunk spec passed with an input of {@code n} bytes; uint8 [n] unless the codec needs otherwise. */
    protected ChunkSpec specFor(long n) {
        return new ChunkSpec(new long[] {n}, DataType.UINT8, FillValue.zero(DataType.UINT8));
    }

    /** Seeded content of the given kind and size. */
    protected static byte[] content(Content kind, int n, long seed) {
        byte[] b = new byte[n];
        Random r = new Random(seed);
        switch (kind) {
            case ZEROS -> {
                // all zero
            }
            case REPEATING -> {
                byte[] unit = new byte[1 + r.nextInt(13)];
                r.nextBytes(unit);
                for (int i = 0; i < n; i++) {
                    b[i] = unit[i % unit.length];
                }
            }
            case TEXT_LIKE -> {
                String[] words = {"zarr ", "chunk ", "shard ", "codec ", "array ", "ome ", "ngff ", "\n", "0.5 ", "{\"a\": 1} "};
                int i = 0;
                while (i < n) {
                    byte[] w = words[r.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    for (int k = 0; k < w.length && i < n; k++) {
                        b[i++] = w[k];
                    }
                }
            }
            case RANDOM -> r.nextBytes(b);
        }
        return b;
    }

    private static String where(BytesToBytesCodec c, Object what) {
        return c.spec() + " on " + what;
    }

    private Bytes encode(BytesToBytesCodec c, Bytes in) throws Exception {
        Bytes enc = c.encode(in, specFor(in.size()));
        long bound = c.encodedSizeBound(in.size());
        if (bound >= 0) {
            assertThat(enc.size()).as("encoded size within encodedSizeBound, %s", where(c, in.size() + " bytes"))
                    .isLessThanOrEqualTo(bound);
        }
        c.fixedSizeOverhead().ifPresent(o -> assertThat(enc.size()).as("fixed overhead of %s", c.spec())
                .isEqualTo(in.size() + o));
        return enc;
    }

    /** One round trip per (codec, content, size). */
    @TestFactory
    Stream<DynamicTest> roundTrips() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : Content.values()) {
                for (int n : SIZES) {
                    tests.add(DynamicTest.dynamicTest(c.spec() + ", " + kind + ", " + n + " bytes", () -> roundTrip(c, kind, n)));
                }
            }
        }
        return tests.stream();
    }

    private void roundTrip(BytesToBytesCodec c, Content kind, int n) throws Exception {
        long seed = 31L * n + kind.ordinal();
        byte[] data = content(kind, n, seed);
        Bytes enc = encode(c, Bytes.copyOf(data));
        String what = where(c, kind + " " + n + " bytes, seed " + seed);
        assertThat(c.decode(enc, specFor(n), n).toArray()).as("exact bound, %s", what).isEqualTo(data);
        assertThat(c.decode(enc, specFor(n), 2L * n + 1000).toArray()).as("loose bound, %s", what).isEqualTo(data);
    }

    @Test
    void roundTripOfSeveralMebibytes() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : List.of(Content.TEXT_LIKE, Content.RANDOM)) {
                int n = (kind == Content.RANDOM ? 3 : 5) << 20;
                byte[] data = content(kind, n, 7);
                Bytes enc = encode(c, Bytes.wrap(data));
                assertThat(c.decode(enc, specFor(n), n).toArray()).as(where(c, kind + " " + n + " bytes, seed 7"))
                        .isEqualTo(data);
            }
        }
    }

    @Test
    void roundTripOfSlicesAndOffHeapMemory() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            byte[] data = content(Content.TEXT_LIKE, 70_001, 3);
            Bytes slice = Bytes.wrap(data).slice(13, 50_000);
            byte[] expected = slice.toArray();
            Bytes enc = encode(c, slice);
            assertThat(c.decode(enc, specFor(expected.length), expected.length).toArray())
                    .as(where(c, "a heap slice")).isEqualTo(expected);
            // the encoding as a slice of a bigger array, and both directions off-heap
            byte[] padded = new byte[(int) enc.size() + 20];
            enc.copyTo(MemorySegment.ofArray(padded), 7);
            Bytes encSlice = Bytes.wrap(padded, 7, (int) enc.size());
            assertThat(c.decode(encSlice, specFor(expected.length), expected.length).toArray())
                    .as(where(c, "an encoding inside a bigger array")).isEqualTo(expected);
            MemorySegment nativeIn = Arena.ofAuto().allocate(expected.length);
            MemorySegment.copy(MemorySegment.ofArray(expected), 0, nativeIn, 0, expected.length);
            Bytes encNative = encode(c, Bytes.wrap(nativeIn));
            MemorySegment nativeEnc = Arena.ofAuto().allocate(encNative.size());
            encNative.copyTo(nativeEnc, 0);
            assertThat(c.decode(Bytes.wrap(nativeEnc), specFor(expected.length), expected.length).toArray())
                    .as(where(c, "off-heap memory")).isEqualTo(expected);
        }
    }

    @Test
    void decodingMoreThanTheBoundIsCorruptData() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (int n : new int[] {1, 2, 100, 4097, 65537, 1 << 20}) {
                for (Content kind : Content.values()) {
                    byte[] data = content(kind, n, n);
                    Bytes enc = encode(c, Bytes.wrap(data));
                    for (long bound : new long[] {0, n / 2, n - 1}) {
                        String what = where(c, kind + " " + n + " bytes, seed " + n + ", bound " + bound);
                        assertThatThrownBy(() -> c.decode(enc, specFor(n), bound)).as(what)
                                .isInstanceOf(CorruptDataException.class);
                    }
                }
            }
        }
    }

    @Test
    void everyTruncationOfASmallEncodingIsCorruptData() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            // not ZEROS: with a checksum codec, 4 zero bytes are a valid encoding of nothing
            for (Content kind : List.of(Content.TEXT_LIKE, Content.RANDOM, Content.REPEATING)) {
                byte[] data = content(kind, 300, 11);
                Bytes enc = encode(c, Bytes.wrap(data));
                for (long k = 0; k < enc.size(); k++) {
                    assertTruncationRejected(c, enc, k, data.length, where(c, kind + " 300 bytes, seed 11"));
                }
            }
        }
    }

    @Test
    void sampledTruncationsOfALargeEncodingAreCorruptData() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : List.of(Content.TEXT_LIKE, Content.RANDOM)) {
                byte[] data = content(kind, 300_000, 13);
                Bytes enc = encode(c, Bytes.wrap(data));
                TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, 4L, 9L, 10L, enc.size() / 2, enc.size() - 9,
                        enc.size() - 8, enc.size() - 5, enc.size() - 4, enc.size() - 3, enc.size() - 1));
                Random r = new Random(17);
                for (int i = 0; i < 40; i++) {
                    cuts.add((long) r.nextInt((int) enc.size()));
                }
                for (long k : cuts) {
                    if (k >= 0 && k < enc.size()) {
                        assertTruncationRejected(c, enc, k, data.length, where(c, kind + " 300000 bytes, seed 13"));
                    }
                }
            }
        }
    }

    private void assertTruncationRejected(BytesToBytesCodec c, Bytes enc, long k, int n, String what) {
        Throwable t = catchThrowable(() -> c.decode(enc.slice(0, k), specFor(n), n));
        assertThat(t).as("prefix of %d of %d bytes, %s", k, enc.size(), what).isInstanceOf(CorruptDataException.class);
    }

    @Test
    void garbageIsCorruptDataOrBoundedOutput() throws Exception {
        Random r = new Random(19);
        for (BytesToBytesCodec c : codecs()) {
            for (int i = 0; i < 300; i++) {
                int len = i < 40 ? i : r.nextInt(i < 250 ? 64 : 5000);
                byte[] junk = new byte[len];
                r.nextBytes(junk);
                assertCorruptOrBounded(c, Bytes.wrap(junk), 4096, false, "garbage #" + i + " of " + len + " bytes, seed 19");
            }
        }
    }

    @Test
    void bitFlipsAreCorruptDataOrBoundedOutput() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : List.of(Content.TEXT_LIKE, Content.RANDOM)) {
                byte[] data = content(kind, 2000, 23);
                byte[] enc = encode(c, Bytes.wrap(data)).toArray();
                Random r = new Random(29);
                int flips = Math.min(enc.length * 8, 800);
                for (int i = 0; i < flips; i++) {
                    int bit = enc.length * 8 <= 800 ? i : r.nextInt(enc.length * 8);
                    byte[] bad = enc.clone();
                    bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    assertCorruptOrBounded(c, Bytes.wrap(bad), data.length, detectsEveryBitFlip(),
                            kind + " 2000 bytes, seed 23, bit " + bit + " flipped");
                }
            }
        }
    }

    private void assertCorruptOrBounded(BytesToBytesCodec c, Bytes in, long bound, boolean mustDetect, String what) {
        Bytes out;
        try {
            out = c.decode(in, specFor(bound), bound);
        } catch (CorruptDataException expected) {
            return;
        } catch (Throwable t) {
            throw new AssertionError(where(c, what) + ": expected CorruptDataException or a result, got " + t, t);
        }
        if (mustDetect) {
            fail(where(c, what) + ": decoded without noticing the corruption");
        }
        assertThat(out.size()).as("output within the bound, %s", where(c, what)).isLessThanOrEqualTo(bound);
    }

    private static final byte GUARD = (byte) 0xA5;

    /** Decodes into the middle of a larger segment filled with guard bytes and checks the guards. */
    private static void decodeIntoGuarded(BytesToBytesCodec c, Bytes enc, ChunkSpec spec, MemorySegment outer, long size,
                                          String what) throws Exception {
        outer.fill(GUARD);
        MemorySegment dest = outer.asSlice(64, size);
        try {
            c.decodeInto(enc, spec, dest);
        } finally {
            for (long i = 0; i < 64; i++) {
                assertThat(outer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i)).as("byte %d before the destination, %s", 64 - i, what)
                        .isEqualTo(GUARD);
                assertThat(outer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 64 + size + i))
                        .as("byte %d after the destination, %s", i, what).isEqualTo(GUARD);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> decodeIntoEqualsDecode() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : Content.values()) {
                for (int n : new int[] {0, 1, 7, 100, 4097, 65537, 1 << 20}) {
                    tests.add(DynamicTest.dynamicTest(c.spec() + ", " + kind + ", " + n + " bytes", () -> {
                        long seed = 41L * n + kind.ordinal();
                        byte[] data = content(kind, n, seed);
                        Bytes enc = encode(c, Bytes.wrap(data));
                        byte[] expected = c.decode(enc, specFor(n), n).toArray();
                        String what = where(c, kind + " " + n + " bytes, seed " + seed);
                        MemorySegment heap = MemorySegment.ofArray(new byte[n + 128]);
                        decodeIntoGuarded(c, enc, specFor(n), heap, n, "heap, " + what);
                        assertThat(heap.asSlice(64, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                .as("heap destination, %s", what).isEqualTo(expected);
                        MemorySegment off = Arena.ofAuto().allocate(n + 128);
                        decodeIntoGuarded(c, enc, specFor(n), off, n, "off-heap, " + what);
                        assertThat(off.asSlice(64, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                .as("off-heap destination, %s", what).isEqualTo(expected);
                        // the encoding off-heap and as a slice of a bigger array
                        MemorySegment encOff = Arena.ofAuto().allocate(Math.max(1, enc.size()));
                        enc.copyTo(encOff, 0);
                        decodeIntoGuarded(c, Bytes.wrap(encOff.asSlice(0, enc.size())), specFor(n), heap, n,
                                "off-heap encoding, " + what);
                        assertThat(heap.asSlice(64, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                .as("off-heap encoding, %s", what).isEqualTo(expected);
                        byte[] padded = new byte[(int) enc.size() + 9];
                        enc.copyTo(MemorySegment.ofArray(padded), 5);
                        decodeIntoGuarded(c, Bytes.wrap(padded, 5, (int) enc.size()), specFor(n), heap, n,
                                "encoding inside a bigger array, " + what);
                        assertThat(heap.asSlice(64, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                .as("encoding inside a bigger array, %s", what).isEqualTo(expected);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void decodeIntoADestinationOfAnotherSizeIsCorruptData() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : List.of(Content.ZEROS, Content.TEXT_LIKE, Content.RANDOM)) {
                for (int n : new int[] {1, 100, 4097, 65537, 1 << 20}) {
                    byte[] data = content(kind, n, n + 3);
                    Bytes enc = encode(c, Bytes.wrap(data));
                    long decodedSize = c.decode(enc, specFor(n), n).size();
                    for (long size : new long[] {0, decodedSize / 2, decodedSize - 1, decodedSize + 1, 2 * decodedSize + 8}) {
                        if (size == decodedSize || size < 0) {
                            continue;
                        }
                        String what = where(c, kind + " " + n + " bytes, seed " + (n + 3) + ", destination of " + size);
                        for (MemorySegment outer : List.of(MemorySegment.ofArray(new byte[(int) size + 128]),
                                Arena.ofAuto().allocate(size + 128))) {
                            assertThatThrownBy(() -> decodeIntoGuarded(c, enc, specFor(size), outer, size, what))
                                    .as(what).isInstanceOf(CorruptDataException.class);
                        }
                    }
                }
            }
        }
    }

    @Test
    void decodeIntoFromTruncatedInputIsCorruptData() throws Exception {
        for (BytesToBytesCodec c : codecs()) {
            for (Content kind : List.of(Content.TEXT_LIKE, Content.RANDOM)) {
                byte[] data = content(kind, 3000, 43);
                Bytes enc = encode(c, Bytes.wrap(data));
                Random r = new Random(47);
                TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, 4L, enc.size() / 2, enc.size() - 4, enc.size() - 1));
                for (int i = 0; i < 20; i++) {
                    cuts.add((long) r.nextInt((int) enc.size()));
                }
                for (long k : cuts) {
                    if (k < 0 || k >= enc.size()) {
                        continue;
                    }
                    String what = where(c, kind + " 3000 bytes, seed 43, prefix of " + k);
                    MemorySegment outer = MemorySegment.ofArray(new byte[3000 + 128]);
                    assertThatThrownBy(() -> decodeIntoGuarded(c, enc.slice(0, k), specFor(3000), outer, 3000, what))
                            .as(what).isInstanceOf(CorruptDataException.class);
                }
            }
        }
    }

    @Test
    void oneInstanceServesEightThreadsAtOnce() throws Exception {
        int threads = 8;
        int rounds = 25;
        for (BytesToBytesCodec c : codecs()) {
            CyclicBarrier start = new CyclicBarrier(threads);
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < rounds; i++) {
                            Content kind = Content.values()[(id + i) % Content.values().length];
                            int n = 1 + (id * 7919 + i * 104_729) % 200_000;
                            long seed = id * 1000L + i;
                            byte[] data = content(kind, n, seed);
                            Bytes enc = c.encode(Bytes.wrap(data), specFor(n));
                            byte[] back = c.decode(enc, specFor(n), n).toArray();
                            assertThat(back).as(where(c, "thread " + id + " round " + i + ", " + kind + " " + n
                                    + " bytes, seed " + seed)).isEqualTo(data);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.MINUTES);
                }
            }
        }
    }

    @Test
    void registryRebuildsTheCodecFromItsSpec() throws Exception {
        if (!registeredByName()) {
            return;
        }
        for (BytesToBytesCodec c : codecs()) {
            Codec again = CodecRegistry.standard().create(c.spec());
            assertThat(again).isInstanceOf(BytesToBytesCodec.class);
            assertThat(again.spec()).isEqualTo(c.spec());
            byte[] data = content(Content.TEXT_LIKE, 5000, 37);
            Bytes enc = ((BytesToBytesCodec) again).encode(Bytes.wrap(data), specFor(data.length));
            assertThat(c.decode(enc, specFor(data.length), data.length).toArray()).as(where(c, "rebuilt codec"))
                    .isEqualTo(data);
        }
    }
}
