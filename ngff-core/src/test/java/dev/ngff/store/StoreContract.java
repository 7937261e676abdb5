package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.ListableStore.Listing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a full {@link Store} (read, write, list), on top of {@link ListableStoreContract}:
 * writes, overwrites, deletes, and what concurrent writers and readers may observe.
 */
public abstract class StoreContract extends ListableStoreContract {

    @Override
    protected abstract Store createStore(Map<Key, byte[]> contents) throws Exception;

    @Override
    protected Store store(Map<Key, byte[]> contents) throws Exception {
        return (Store) super.store(contents);
    }

    private static Bytes value(String s) {
        return Bytes.wrap(bytes(s));
    }

    private static byte[] filled(int size, int fill) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    // ---------------------------------------------------------------- writes

    @Test
    void writeThenRead() throws Exception {
        Store s = store(Map.of());
        s.write(Key.of("zarr.json"), value("{}"));
        assertThat(content(s.read(Key.of("zarr.json")))).isEqualTo(bytes("{}"));
        assertThat(content(s.read(Key.of("zarr.json"), ByteRange.suffix(1)))).isEqualTo(bytes("}"));
        assertThat(s.exists(Key.of("zarr.json"))).isTrue();
    }

    @Test
    void writeCreatesNestedPrefixes() throws Exception {
        Store s = store(Map.of());
        s.write(Key.of("a/b/c/d"), value("deep"));
        assertThat(content(s.read(Key.of("a/b/c/d")))).isEqualTo(bytes("deep"));
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("a/b/c/d"));
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new Listing(List.of(), List.of(Key.of("a"))));
        assertThat(s.listDir(Key.of("a/b"))).isEqualTo(new Listing(List.of(), List.of(Key.of("a/b/c"))));
    }

    @Test
    void writeNextToExistingObjects() throws Exception {
        Store s = store(sample());
        Key added = Key.of("group/array/c/0/2");
        s.write(added, value("new"));
        assertThat(content(s.read(added))).isEqualTo(bytes("new"));
        assertThat(content(s.read(SMALL))).isEqualTo(SMALL_BYTES);
        assertThat(s.list(Key.of("group/array/c/0"))).containsExactly(SMALL, Key.of("group/array/c/0/1"), added);
    }

    @Test
    void overwriteReplacesTheWholeObject() throws Exception {
        Store s = store(sample());
        s.write(SMALL, value("a much longer value than before"));
        assertThat(content(s.read(SMALL))).isEqualTo(bytes("a much longer value than before"));
        s.write(SMALL, value("short"));
        assertThat(content(s.read(SMALL))).isEqualTo(bytes("short"));
        assertThat(content(s.read(SMALL, ByteRange.from(3)))).isEqualTo(bytes("rt"));
    }

    @Test
    void writeEmptyValue() throws Exception {
        Store s = store(sample());
        s.write(SMALL, Bytes.EMPTY);
        assertThat(s.read(SMALL)).hasValueSatisfying(b -> assertThat(b.isEmpty()).isTrue());
        assertThat(s.exists(SMALL)).isTrue();
        assertThat(s.list(SMALL)).containsExactly(SMALL);
    }

    @Test
    void writeOfASliceStoresOnlyTheSlice() throws Exception {
        Store s = store(Map.of());
        s.write(Key.of("k"), Bytes.wrap(bytes("0123456789")).slice(2, 5));
        assertThat(content(s.read(Key.of("k")))).isEqualTo(bytes("23456"));
    }

    @Test
    void writeOfALargeValue() throws Exception {
        Store s = store(Map.of());
        byte[] big = random(3_000_000, 7);
        s.write(Key.of("big"), Bytes.wrap(big));
        assertThat(content(s.read(Key.of("big")))).isEqualTo(big);
        assertThat(content(s.read(Key.of("big"), ByteRange.of(2_000_000, 10)))).isEqualTo(slice(big, 2_000_000, 2_000_010));
    }

    @Test
    void writeOfPiecesStoresTheirConcatenation() throws Exception {
        Store s = store(sample());
        byte[] big = random(1_000_003, 8);
        List<Bytes> pieces = List.of(Bytes.wrap(big).slice(0, 10), Bytes.EMPTY, Bytes.wrap(big).slice(10, 700_000),
                Bytes.wrap(big).slice(700_010));
        s.write(Key.of("pieces"), pieces);
        assertThat(content(s.read(Key.of("pieces")))).isEqualTo(big);
        s.write(SMALL, List.of(value("ab"), value("cd")));
        assertThat(content(s.read(SMALL))).isEqualTo(bytes("abcd"));
        s.write(SMALL, List.of(value("x")));
        assertThat(content(s.read(SMALL))).isEqualTo(bytes("x"));
    }

    // ---------------------------------------------------------------- streamed uploads

    @Test
    void anUploadAppearsWholeOnCommitOnly() throws Exception {
        Store s = store(sample());
        byte[] big = random(12_000_003, 9);
        Key k = Key.of("up/obj");
        try (ObjectUpload u = s.openUpload(k)) {
            for (int off = 0; off < big.length; off += 1_000_000) {
                u.append(Bytes.wrap(big).slice(off, Math.min(1_000_000, big.length - off)));
                assertThat(s.exists(k)).as("invisible before commit").isFalse();
            }
            assertThat(u.appendedBytes()).isEqualTo(big.length);
            // a streaming store holds about a part (plus parts on their way), the default all of it
            long bound = s.uploadPartSize().isPresent() ? 3 * s.uploadPartSize().getAsLong() : big.length;
            assertThat(u.heldBytes()).isLessThanOrEqualTo(bound);
            u.commit();
            assertThat(u.heldBytes()).isZero();
        }
        assertThat(content(s.read(k))).isEqualTo(big);
        try (ObjectUpload u = s.openUpload(SMALL)) {
            u.append(value("ab"));
            u.append(Bytes.EMPTY);
            u.append(value("cd"));
            u.commit();
        }
        assertThat(content(s.read(SMALL))).as("a small upload replaces the object").isEqualTo(bytes("abcd"));
        try (ObjectUpload u = s.openUpload(Key.of("up/empty"))) {
            u.commit();
        }
        assertThat(content(s.read(Key.of("up/empty")))).isEmpty();
    }

    @Test
    void anAbortedOrUnclosedUploadLeavesNothing() throws Exception {
        Store s = store(sample());
        byte[] big = random(12_000_003, 10);
        try (ObjectUpload u = s.openUpload(Key.of("up/aborted"))) {
            u.append(Bytes.wrap(big));
            u.abort();
            u.abort(); // again: nothing
        }
        try (ObjectUpload u = s.openUpload(Key.of("up/closed"))) {
            u.append(Bytes.wrap(big));
        } // closed without commit: aborted
        assertThat(s.exists(Key.of("up/aborted"))).isFalse();
        assertThat(s.exists(Key.of("up/closed"))).isFalse();
        assertThat(s.list(Key.of("up"))).isEmpty();
    }

    @Test
    void discardingUnfinishedUploadsTouchesNoObject() throws Exception {
        Store s = store(sample());
        assertThat(s.abortUnfinishedUploads(Key.ROOT, k -> true)).as("no writer left an upload here").isZero();
        assertThat(s.abortUnfinishedUploads(Key.of("group"), k -> true)).isZero();
        assertThat(s.list(Key.ROOT)).containsExactlyInAnyOrderElementsOf(sample().keySet());
        for (Map.Entry<Key, byte[]> e : sample().entrySet()) {
            assertThat(content(s.read(e.getKey()))).as(e.getKey().path()).isEqualTo(e.getValue());
        }
    }

    // ---------------------------------------------------------------- deletes

    @Test
    void deleteRemovesTheObject() throws Exception {
        Store s = store(sample());
        s.delete(SMALL);
        assertThat(s.read(SMALL)).isEmpty();
        assertThat(s.exists(SMALL)).isFalse();
        assertThat(s.list(Key.ROOT)).doesNotContain(SMALL).contains(Key.of("group/array/c/0/1"));
    }

    @Test
    void deleteOfTheLastObjectUnderAPrefixRemovesThePrefix() throws Exception {
        Store s = store(sample());
        s.delete(Key.of("group/array/c/1/0"));
        assertThat(s.listDir(Key.of("group/array/c"))).isEqualTo(new Listing(List.of(), List.of(Key.of("group/array/c/0"))));
        assertThat(s.list(Key.of("group/array/c/1"))).isEmpty();
    }

    @Test
    void deleteOfMissingKeysIsNoError() throws Exception {
        Store s = store(sample());
        s.delete(Key.of("never/written"));
        s.delete(SMALL.resolve("below/an/object"));
        s.delete(SMALL);
        s.delete(SMALL);
        assertThat(s.read(SMALL)).isEmpty();
    }

    @Test
    void deleteOfAPrefixKeyDeletesNothing() throws Exception {
        Store s = store(sample());
        s.delete(Key.of("group/array/c"));
        assertThat(s.list(Key.of("group/array/c"))).hasSize(3);
    }

    @Test
    void deletePrefixRemovesEverythingBelowOnly() throws Exception {
        Store s = store(siblings());
        s.deletePrefix(Key.of("a"));
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("a-b/x"), Key.of("a.c"), Key.of("ab/x"), Key.of("b"));
    }

    @Test
    void writeAfterDeleteRecreates() throws Exception {
        Store s = store(sample());
        s.deletePrefix(Key.of("group"));
        s.write(SMALL, value("again"));
        assertThat(content(s.read(SMALL))).isEqualTo(bytes("again"));
        assertThat(s.list(Key.of("group"))).containsExactly(SMALL);
    }


    // ---------------------------------------------------------------- conditional writes

    /**
     * Whether rewriting an object with equal bytes gives it a new version. True for stores whose
     * versions name the write (files, memory); false where the version is a hash of the content (an S3
     * ETag), which the stores override.
     */
    protected boolean versionChangesOnEqualRewrite() {
        return true;
    }

    /**
     * Why this store's server cannot judge whether racing conditional writes are atomic (a test double
     * that checks conditions and writes in two steps), or null when it can. The racing tests are skipped
     * with that reason printed; some other suite must then run them against a real server.
     */
    protected String racesNotJudgedBecause() {
        return null;
    }

    private void requireRacesJudged() {
        String reason = racesNotJudgedBecause();
        if (reason != null) {
            System.err.println("*** racing conditional writes not judged on " + getClass().getSimpleName() + ": " + reason + " ***");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, reason);
    }

    /** Rounds of the racing tests; stores with slow requests may run fewer. */
    protected int raceRounds() {
        return 20;
    }

    @Test
    void versionOfMissingKeysAndPrefixesIsEmpty() throws Exception {
        Store s = store(sample());
        assertThat(s.version(Key.of("never/written"))).isEmpty();
        assertThat(s.version(Key.of("group/array"))).isEmpty();
        assertThat(s.version(SMALL)).isPresent();
        assertThat(s.version(SMALL)).isEqualTo(s.version(SMALL));
    }

    @Test
    void writeIfAbsentCreatesOnce() throws Exception {
        Store s = store(sample());
        Key k = Key.of("locks/writer");
        Optional<String> v = s.writeIfAbsent(k, value("first"));
        assertThat(v).isPresent();
        assertThat(s.version(k)).isEqualTo(v);
        assertThat(content(s.read(k))).isEqualTo(bytes("first"));
        assertThat(s.writeIfAbsent(k, value("second"))).isEmpty();
        assertThat(content(s.read(k))).isEqualTo(bytes("first"));
        assertThat(s.version(k)).isEqualTo(v);
        assertThat(s.writeIfAbsent(SMALL, value("x"))).isEmpty();
        assertThat(content(s.read(SMALL))).isEqualTo(SMALL_BYTES);
        assertThat(s.list(Key.of("locks"))).containsExactly(k);
    }

    @Test
    void writeIfVersionRefusesStaleAndMissing() throws Exception {
        Store s = store(Map.of());
        Key k = Key.of("cas/k");
        assertThat(s.writeIfVersion(k, value("x"), "no-such-version")).isEmpty();
        assertThat(s.read(k)).isEmpty();
        String v1 = s.writeIfAbsent(k, value("one")).orElseThrow();
        String v2 = s.writeIfVersion(k, value("two"), v1).orElseThrow();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(s.version(k)).contains(v2);
        assertThat(s.writeIfVersion(k, value("stale"), v1)).isEmpty();
        assertThat(content(s.read(k))).isEqualTo(bytes("two"));
        String v3 = s.writeIfVersion(k, value("three"), v2).orElseThrow();
        assertThat(v3).isNotEqualTo(v2).isNotEqualTo(v1);
        assertThat(s.writeIfVersion(k, value("stale"), v1)).isEmpty();
        assertThat(s.writeIfVersion(k, value("stale"), v2)).isEmpty();
        assertThat(content(s.read(k))).isEqualTo(bytes("three"));
        assertThat(s.version(k)).contains(v3);
    }

    /**
     * Whether {@link WritableStore#deleteIfVersion} works here; stores whose server cannot do it safely
     * override this to false, and must then refuse with a {@link dev.ngff.error.StoreException}.
     */
    protected boolean conditionalDeletes() {
        return true;
    }

    @Test
    void deleteIfVersion() throws Exception {
        Store s = store(sample());
        if (!conditionalDeletes()) {
            String v = s.writeIfAbsent(Key.of("cas/d"), value("one")).orElseThrow();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.deleteIfVersion(Key.of("cas/d"), v + "-stale"))
                    .isInstanceOf(dev.ngff.error.StoreException.class).hasMessageContaining(s.describe()).hasMessageContaining("cas/d");
            assertThat(content(s.read(Key.of("cas/d")))).isEqualTo(bytes("one"));
            assertThat(s.list(Key.ROOT)).allMatch(k -> !k.name().startsWith(".ngff-"));
            return;
        }
        Key k = Key.of("cas/d");
        assertThat(s.deleteIfVersion(k, "no-such-version")).isFalse();
        String v1 = s.writeIfAbsent(k, value("one")).orElseThrow();
        String v2 = s.writeIfVersion(k, value("two"), v1).orElseThrow();
        assertThat(s.deleteIfVersion(k, v1)).isFalse();
        assertThat(content(s.read(k))).isEqualTo(bytes("two"));
        assertThat(s.deleteIfVersion(k, v2)).isTrue();
        assertThat(s.read(k)).isEmpty();
        assertThat(s.version(k)).isEmpty();
        assertThat(s.deleteIfVersion(k, v2)).isFalse();
        assertThat(s.list(Key.ROOT)).doesNotContain(k);
        String v3 = s.writeIfAbsent(k, value("again")).orElseThrow();
        assertThat(s.writeIfVersion(k, value("stale"), v2)).isEmpty();
        assertThat(s.version(k)).contains(v3);
    }

    @Test
    void versionsChangeOnEveryWrite() throws Exception {
        Store s = store(Map.of());
        Key k = Key.of("v/k");
        s.write(k, value("same"));
        String v1 = s.version(k).orElseThrow();
        s.write(k, value("other"));
        String v2 = s.version(k).orElseThrow();
        assertThat(v2).isNotEqualTo(v1);
        s.write(k, value("same"));
        String v3 = s.version(k).orElseThrow();
        assertThat(v3).isNotEqualTo(v2);
        if (versionChangesOnEqualRewrite()) {
            s.write(k, value("same"));
            String v4 = s.version(k).orElseThrow();
            assertThat(v4).isNotEqualTo(v3);
            String v5 = s.writeIfVersion(k, value("same"), v4).orElseThrow();
            assertThat(v5).isNotEqualTo(v4).isNotEqualTo(v3);
            assertThat(s.writeIfVersion(k, value("same"), v4)).isEmpty();
        }
    }

    @Test
    void exactlyOneOfRacingCreatorsWins() throws Exception {
        requireRacesJudged();
        Store s = store(Map.of());
        int threads = 8;
        int rounds = raceRounds();
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger[] wins = new AtomicInteger[rounds];
        String[][] winners = new String[rounds][threads];
        for (int r = 0; r < rounds; r++) {
            wins[r] = new AtomicInteger();
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            tasks.add(() -> {
                for (int r = 0; r < rounds; r++) {
                    start.await();
                    Optional<String> v = s.writeIfAbsent(Key.of("race/" + r + "/lock"), value("holder " + id));
                    if (v.isPresent()) {
                        wins[r].incrementAndGet();
                        winners[r][id] = v.get();
                    }
                }
                return null;
            });
        }
        runAll(tasks);
        for (int r = 0; r < rounds; r++) {
            assertThat(wins[r].get()).as("winners of round " + r).isEqualTo(1);
            Key k = Key.of("race/" + r + "/lock");
            int winner = -1;
            for (int t = 0; t < threads; t++) {
                if (winners[r][t] != null) {
                    winner = t;
                }
            }
            assertThat(content(s.read(k))).isEqualTo(bytes("holder " + winner));
            assertThat(s.version(k)).contains(winners[r][winner]);
        }
        assertThat(s.list(Key.of("race"))).hasSize(rounds);
    }

    @Test
    void racingCompareAndSetLosesNoUpdate() throws Exception {
        requireRacesJudged();
        Store s = store(Map.of());
        Key k = Key.of("counter");
        s.writeIfAbsent(k, value("0")).orElseThrow();
        int threads = 4;
        int perThread = Math.max(5, raceRounds() / 2);
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger refused = new AtomicInteger();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> {
                start.await();
                for (int done = 0; done < perThread; ) {
                    String v = s.version(k).orElseThrow();
                    Optional<Bytes> b = s.read(k);
                    long n = Long.parseLong(new String(content(b), java.nio.charset.StandardCharsets.US_ASCII));
                    // the read may be of a newer object than v: then the write below must be refused
                    if (s.writeIfVersion(k, value(Long.toString(n + 1)), v).isPresent()) {
                        done++;
                    } else {
                        refused.incrementAndGet();
                    }
                }
                return null;
            });
        }
        runAll(tasks);
        assertThat(new String(content(s.read(k)), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(Long.toString((long) threads * perThread));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentWritersOfTheSameKeyLeaveOneCompleteValue() throws Exception {
        Store s = store(Map.of());
        Key key = Key.of("shared/c/0/0");
        int threads = 8;
        Map<Integer, byte[]> values = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            values.put(t, filled(10_000 * (t + 1), t + 1));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            byte[] mine = values.get(t);
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                    s.write(key, Bytes.wrap(mine));
                }
                return null;
            });
        }
        runAll(tasks);
        byte[] result = content(s.read(key));
        assertThat(values.values()).anySatisfy(v -> assertThat(result).isEqualTo(v));
        assertThat(s.list(Key.ROOT)).containsExactly(key);
    }

    @Test
    void concurrentWritersOfDifferentKeys() throws Exception {
        Store s = store(Map.of());
        int threads = 8;
        int perThread = 25;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    s.write(Key.of("c/" + (i % 3) + "/" + id + "/" + i), value(id + ":" + i));
                }
                return null;
            });
        }
        runAll(tasks);
        List<Key> all = s.list(Key.ROOT);
        assertThat(all).hasSize(threads * perThread);
        for (Key k : all) {
            List<String> seg = k.segments();
            assertThat(content(s.read(k))).isEqualTo(bytes(seg.get(2) + ":" + seg.get(3)));
        }
    }

    @Test
    void readerDuringOverwritesNeverSeesPartialContent() throws Exception {
        Store s = store(Map.of());
        Key key = Key.of("hot/c/0");
        byte[] a = filled(64 * 1024, 'a');
        byte[] b = filled(96 * 1024, 'b');
        s.write(key, Bytes.wrap(a));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        Callable<Void> writer = () -> {
            try {
                for (int i = 0; i < 300; i++) {
                    s.write(key, Bytes.wrap(i % 2 == 0 ? b : a));
                }
            } finally {
                writing.set(false);
            }
            return null;
        };
        Callable<Void> reader = () -> {
            do {
                byte[] got = content(s.read(key));
                assertThat(got).satisfiesAnyOf(g -> assertThat(g).isEqualTo(a), g -> assertThat(g).isEqualTo(b));
                reads.incrementAndGet();
            } while (writing.get() || reads.get() < 10);
            return null;
        };
        runAll(List.of(writer, reader, reader));
        assertThat(reads.get()).isGreaterThanOrEqualTo(10);
    }

    /**
     * Why this store's server fails writes that race deletes of sibling keys (a server bug to work
     * around elsewhere), or null. The test is then skipped with that reason printed.
     */
    protected String siblingDeleteRacesFailBecause() {
        return null;
    }

    @Test
    void concurrentWritesAndDeletesUnderOnePrefixNeverFail() throws Exception {
        String reason = siblingDeleteRacesFailBecause();
        if (reason != null) {
            System.err.println("*** " + getClass().getSimpleName() + ": concurrent writes and deletes under one prefix not run: " + reason + " ***");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, reason);
        Store s = store(Map.of());
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Key mine = Key.of("p/q/r/k" + t);
            tasks.add(() -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                    s.write(mine, value("v" + i));
                    s.delete(mine);
                }
                s.write(mine, value("final"));
                return null;
            });
        }
        runAll(tasks);
        assertThat(s.list(Key.of("p/q/r"))).hasSize(threads);
        for (Key k : s.list(Key.ROOT)) {
            assertThat(content(s.read(k))).isEqualTo(bytes("final"));
        }
    }
}
