package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link ReadableStore}, for every implementation to extend. A subclass says how to
 * build a store that holds given objects; nothing here assumes a file system, so stores of any kind
 * (memory, files, zip, HTTP, S3) run the same tests. Stores created through {@link #store(Map)} are
 * closed after each test.
 */
public abstract class ReadableStoreContract {

    /** A store holding exactly {@code contents}; keys that are prefixes of other keys are never passed. */
    protected abstract ReadableStore createStore(Map<Key, byte[]> contents) throws Exception;

    private final List<ReadableStore> opened = new ArrayList<>();

    /** Creates a store through {@link #createStore} and closes it after the test. */
    protected ReadableStore store(Map<Key, byte[]> contents) throws Exception {
        ReadableStore s = createStore(contents);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() throws IOException {
        for (ReadableStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    // ---------------------------------------------------------------- fixtures

    protected static final Key SMALL = Key.of("group/array/c/0/0");
    protected static final byte[] SMALL_BYTES = bytes("0123456789");
    protected static final Key EMPTY = Key.of("group/empty");
    protected static final Key LARGE = Key.of("group/large.bin");
    protected static final byte[] LARGE_BYTES = random(300_000, 42);
    protected static final Key ODD = Key.of("odd names/sp ace+plus%25 \u00e4#=&.bin");

    /** A small hierarchy: nested objects, an empty one, a large one and one with awkward characters. */
    protected static Map<Key, byte[]> sample() {
        Map<Key, byte[]> m = new LinkedHashMap<>();
        m.put(Key.of("zarr.json"), bytes("{\"zarr_format\":3}"));
        m.put(SMALL, SMALL_BYTES);
        m.put(Key.of("group/array/c/0/1"), bytes("abcdef"));
        m.put(Key.of("group/array/c/1/0"), bytes("xyz"));
        m.put(Key.of("group/array/zarr.json"), bytes("{}"));
        m.put(EMPTY, new byte[0]);
        m.put(LARGE, LARGE_BYTES);
        m.put(ODD, bytes("odd"));
        return m;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    protected static byte[] content(Optional<Bytes> read) {
        assertThat(read).as("object present").isPresent();
        return read.get().toArray();
    }

    // ---------------------------------------------------------------- missing keys

    @Test
    void readIntoFillsOnlyADestinationOfTheExactSize() throws Exception {
        ReadableStore s = store(sample());
        for (boolean offHeap : new boolean[] {false, true}) {
            for (var e : Map.of(SMALL, SMALL_BYTES, LARGE, LARGE_BYTES, EMPTY, new byte[0]).entrySet()) {
                byte[] want = e.getValue();
                for (int delta : new int[] {0, -1, 1}) {
                    int size = want.length + delta;
                    if (size < 0) {
                        continue;
                    }
                    java.lang.foreign.MemorySegment outer = offHeap
                            ? java.lang.foreign.Arena.ofAuto().allocate(size + 32)
                            : java.lang.foreign.MemorySegment.ofArray(new byte[size + 32]);
                    outer.fill((byte) 0x5A);
                    java.lang.foreign.MemorySegment dest = outer.asSlice(16, size);
                    String what = e.getKey() + " into " + (offHeap ? "off-heap" : "heap") + " memory of " + size + " bytes";
                    assertThat(s.readInto(e.getKey(), dest)).as(what).isEqualTo(want.length);
                    if (delta == 0) {
                        assertThat(dest.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).as(what).isEqualTo(want);
                    }
                    for (long i = 0; i < 16; i++) {
                        assertThat(outer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i)).as("guard before, %s", what)
                                .isEqualTo((byte) 0x5A);
                        assertThat(outer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 16 + size + i))
                                .as("guard after, %s", what).isEqualTo((byte) 0x5A);
                    }
                }
            }
        }
        java.lang.foreign.MemorySegment any = java.lang.foreign.MemorySegment.ofArray(new byte[10]);
        assertThat(s.readInto(Key.of("group/array/c/9/9"), any)).as("a missing key").isEqualTo(-1);
        assertThat(s.readInto(Key.of("group/array"), any)).as("a prefix, not an object").isEqualTo(-1);
    }

    @Test
    void missingKeyIsEmptyForEveryKindOfRead() throws Exception {
        ReadableStore s = store(sample());
        Key missing = Key.of("group/array/c/9/9");
        assertThat(s.read(missing)).isEmpty();
        assertThat(s.read(missing, ByteRange.from(3))).isEmpty();
        assertThat(s.read(missing, ByteRange.of(0, 4))).isEmpty();
        assertThat(s.read(missing, ByteRange.of(0, 0))).isEmpty();
        assertThat(s.read(missing, ByteRange.suffix(2))).isEmpty();
        assertThat(s.readRanges(missing, List.of(ByteRange.of(0, 1), ByteRange.suffix(1)))).isEmpty();
        assertThat(s.exists(missing)).isFalse();
    }

    /**
     * Reads with lent memory return the same bytes as without, whether the store uses the memory or not,
     * for scratch that fits and scratch that has none; a missing key is still empty.
     */
    @Test
    void readsWithLentMemoryMatchReadsWithout() throws Exception {
        ReadableStore s = store(sample());
        java.lang.foreign.MemorySegment big = java.lang.foreign.Arena.ofAuto().allocate(LARGE_BYTES.length + 64);
        List<ReadScratch> scratches = List.of(n -> n <= big.byteSize() ? big : null, n -> null);
        List<ByteRange> ranges = List.of(ByteRange.WHOLE, ByteRange.of(1, 5), ByteRange.from(3), ByteRange.suffix(2),
                ByteRange.of(0, 0));
        for (ReadScratch scratch : scratches) {
            for (Key k : List.of(SMALL, LARGE)) {
                for (ByteRange r : ranges) {
                    assertThat(s.read(k, r, scratch).orElseThrow().toArray()).as(k + " " + r)
                            .isEqualTo(s.read(k, r).orElseThrow().toArray());
                }
                List<Bytes> many = s.readRanges(k, List.of(ByteRange.of(1, 3), ByteRange.suffix(4), ByteRange.of(0, 2)),
                        Optional.empty(), scratch).orElseThrow();
                List<Bytes> plain = s.readRanges(k, List.of(ByteRange.of(1, 3), ByteRange.suffix(4), ByteRange.of(0, 2)))
                        .orElseThrow();
                for (int i = 0; i < plain.size(); i++) {
                    assertThat(many.get(i).toArray()).isEqualTo(plain.get(i).toArray());
                }
            }
            Key missing = Key.of("group/array/c/9/9");
            assertThat(s.read(missing, ByteRange.of(0, 4), scratch)).isEmpty();
            assertThat(s.readRanges(missing, List.of(ByteRange.of(0, 1), ByteRange.suffix(1)), Optional.empty(), scratch))
                    .isEmpty();
        }
    }

    @Test
    void emptyStoreHasNothing() throws Exception {
        ReadableStore s = store(Map.of());
        assertThat(s.read(Key.of("zarr.json"))).isEmpty();
        assertThat(s.exists(Key.of("zarr.json"))).isFalse();
    }

    @Test
    void prefixOfObjectsIsNotAnObject() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.read(Key.of("group/array"))).isEmpty();
        assertThat(s.read(Key.of("group"), ByteRange.of(0, 0))).isEmpty();
        assertThat(s.exists(Key.of("group/array/c"))).isFalse();
    }

    @Test
    void keyBelowAnObjectIsMissing() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.read(SMALL.resolve("below"))).isEmpty();
        assertThat(s.exists(SMALL.resolve("below"))).isFalse();
    }

    @Test
    void keysThatExtendOrTruncateAnObjectKeyAreMissing() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.read(Key.of("zarr.jso"))).isEmpty();
        assertThat(s.read(Key.of("zarr.json.bak"))).isEmpty();
    }

    // ---------------------------------------------------------------- whole reads

    @Test
    void readsWholeObjects() throws Exception {
        Map<Key, byte[]> sample = sample();
        ReadableStore s = store(sample);
        for (Map.Entry<Key, byte[]> e : sample.entrySet()) {
            assertThat(content(s.read(e.getKey()))).as(e.getKey().path()).isEqualTo(e.getValue());
            assertThat(content(s.read(e.getKey(), ByteRange.whole()))).as(e.getKey().path()).isEqualTo(e.getValue());
        }
    }

    @Test
    void emptyObjectIsPresentAndEmpty() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.read(EMPTY)).hasValueSatisfying(b -> assertThat(b.size()).isZero());
        assertThat(s.read(EMPTY, ByteRange.from(0))).hasValueSatisfying(b -> assertThat(b.isEmpty()).isTrue());
        assertThat(s.read(EMPTY, ByteRange.of(0, 10))).hasValueSatisfying(b -> assertThat(b.isEmpty()).isTrue());
        assertThat(s.read(EMPTY, ByteRange.suffix(10))).hasValueSatisfying(b -> assertThat(b.isEmpty()).isTrue());
        assertThat(s.exists(EMPTY)).isTrue();
    }

    @Test
    void awkwardCharactersInKeysRoundTrip() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(ODD))).isEqualTo(bytes("odd"));
        assertThat(s.exists(ODD)).isTrue();
        assertThat(s.read(Key.of("odd names/sp ace+plus%2525 \u00e4#=&.bin"))).isEmpty();
    }

    @Test
    void describeIsNotBlank() throws Exception {
        assertThat(store(Map.of()).describe()).isNotBlank();
    }

    // ---------------------------------------------------------------- ranges

    @Test
    void offsetRanges() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.from(0)))).isEqualTo(SMALL_BYTES);
        assertThat(content(s.read(SMALL, ByteRange.from(3)))).isEqualTo(bytes("3456789"));
        assertThat(content(s.read(SMALL, ByteRange.from(9)))).isEqualTo(bytes("9"));
        assertThat(content(s.read(SMALL, ByteRange.from(10)))).isEmpty();
        assertThat(content(s.read(SMALL, ByteRange.from(1_000_000)))).isEmpty();
    }

    @Test
    void boundedRanges() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.of(0, 10)))).isEqualTo(SMALL_BYTES);
        assertThat(content(s.read(SMALL, ByteRange.of(2, 3)))).isEqualTo(bytes("234"));
        assertThat(content(s.read(SMALL, ByteRange.of(9, 1)))).isEqualTo(bytes("9"));
    }

    @Test
    void boundedRangesClipToTheEnd() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.of(7, 100)))).isEqualTo(bytes("789"));
        assertThat(content(s.read(SMALL, ByteRange.of(0, Long.MAX_VALUE / 2)))).isEqualTo(SMALL_BYTES);
        assertThat(content(s.read(SMALL, ByteRange.of(10, 5)))).isEmpty();
        assertThat(content(s.read(SMALL, ByteRange.of(50, 5)))).isEmpty();
    }

    @Test
    void zeroLengthRangesOfPresentObjectsArePresentAndEmpty() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.of(0, 0)))).isEmpty();
        assertThat(content(s.read(SMALL, ByteRange.of(5, 0)))).isEmpty();
        assertThat(content(s.read(SMALL, ByteRange.of(500, 0)))).isEmpty();
        assertThat(content(s.read(SMALL, ByteRange.suffix(0)))).isEmpty();
    }

    @Test
    void suffixRanges() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.suffix(1)))).isEqualTo(bytes("9"));
        assertThat(content(s.read(SMALL, ByteRange.suffix(4)))).isEqualTo(bytes("6789"));
        assertThat(content(s.read(SMALL, ByteRange.suffix(10)))).isEqualTo(SMALL_BYTES);
    }

    @Test
    void suffixLongerThanTheObjectIsTheWholeObject() throws Exception {
        ReadableStore s = store(sample());
        assertThat(content(s.read(SMALL, ByteRange.suffix(11)))).isEqualTo(SMALL_BYTES);
        assertThat(content(s.read(SMALL, ByteRange.suffix(1L << 40)))).isEqualTo(SMALL_BYTES);
    }

    @Test
    void rangesOfALargeObjectMatchSlicesOfIt() throws Exception {
        ReadableStore s = store(sample());
        int n = LARGE_BYTES.length;
        assertThat(content(s.read(LARGE, ByteRange.of(123_456, 65_536)))).isEqualTo(slice(LARGE_BYTES, 123_456, 123_456 + 65_536));
        assertThat(content(s.read(LARGE, ByteRange.from(n - 1000)))).isEqualTo(slice(LARGE_BYTES, n - 1000, n));
        assertThat(content(s.read(LARGE, ByteRange.suffix(70_000)))).isEqualTo(slice(LARGE_BYTES, n - 70_000, n));
        assertThat(content(s.read(LARGE, ByteRange.of(n - 10, 100)))).isEqualTo(slice(LARGE_BYTES, n - 10, n));
    }

    @Test
    void readRangesReturnsRangesInTheOrderGiven() throws Exception {
        ReadableStore s = store(sample());
        List<ByteRange> ranges = List.of(ByteRange.suffix(2), ByteRange.of(0, 3), ByteRange.of(5, 0),
                ByteRange.from(8), ByteRange.of(4, 2), ByteRange.of(20, 2), ByteRange.whole());
        Optional<List<Bytes>> read = s.readRanges(SMALL, ranges);
        assertThat(read).isPresent();
        assertThat(read.get()).extracting(Bytes::toArray).containsExactly(
                bytes("89"), bytes("012"), new byte[0], bytes("89"), bytes("45"), new byte[0], SMALL_BYTES);
        assertThat(s.readRanges(SMALL, List.of())).hasValueSatisfying(l -> assertThat(l).isEmpty());
    }

    // ---------------------------------------------------------------- exists and concurrency

    @Test
    void existsForEveryObject() throws Exception {
        Map<Key, byte[]> sample = sample();
        ReadableStore s = store(sample);
        for (Key k : sample.keySet()) {
            assertThat(s.exists(k)).as(k.path()).isTrue();
        }
    }

    @Test
    void rootKeyNamesNoObject() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.read(Key.ROOT)).isEmpty();
        assertThat(s.exists(Key.ROOT)).isFalse();
    }

    @Test
    void sizeOfObjects() throws Exception {
        ReadableStore s = store(sample());
        assertThat(s.size(SMALL)).hasValue(SMALL_BYTES.length);
        assertThat(s.size(EMPTY)).hasValue(0);
        assertThat(s.size(LARGE)).hasValue(LARGE_BYTES.length);
        assertThat(s.size(ODD)).hasValue(s.read(ODD).orElseThrow().size());
        assertThat(s.size(Key.of("never/written"))).isEmpty();
        assertThat(s.size(Key.of("group/array"))).as("a prefix is no object").isEmpty();
        assertThat(s.size(SMALL.resolve("below"))).isEmpty();
    }

    @Test
    void concurrentReadersSeeCorrectRanges() throws Exception {
        ReadableStore s = store(sample());
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            long seed = t;
            tasks.add(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < 50; i++) {
                    int from = r.nextInt(LARGE_BYTES.length);
                    int len = r.nextInt(20_000);
                    byte[] got = content(s.read(LARGE, ByteRange.of(from, len)));
                    assertThat(got).isEqualTo(slice(LARGE_BYTES, from, Math.min(LARGE_BYTES.length, from + len)));
                }
                return null;
            });
        }
        runAll(tasks);
    }

    /** Runs tasks on their own threads, all at once, and rethrows the first failure. */
    protected static void runAll(List<? extends Callable<Void>> tasks) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> t : tasks) {
                futures.add(pool.submit(t));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        }
    }
}
