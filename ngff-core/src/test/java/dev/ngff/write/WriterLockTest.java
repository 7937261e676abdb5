package dev.ngff.write;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.ConditionalDeleteUnsupportedException;
import dev.ngff.error.WriterLockedException;
import dev.ngff.testing.ForwardingStore;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer lock on a memory store and on a real directory: one holder, named; stale locks; racing threads. */
class WriterLockTest {
    @TempDir
    Path dir;

    private Store store(String kind) throws Exception {
        return switch (kind) {
            case "memory" -> new MemoryStore("mem");
            case "file" -> FileSystemStore.open(dir.resolve("d.zarr"));
            // a server that cannot delete conditionally (MinIO ignores If-Match on DELETE): locks end as tombstones
            case "tombstones" -> new ForwardingStore(new MemoryStore("no-conditional-deletes")) {
                @Override
                public boolean deleteIfVersion(Key key, String version) throws ConditionalDeleteUnsupportedException {
                    throw new ConditionalDeleteUnsupportedException(describe() + ": cannot delete '" + key + "' conditionally");
                }
            };
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "tombstones"})
    void aSecondWriterGetsOneLineNamingTheHolder(String kind) throws Exception {
        Store s = store(kind);
        Key node = Key.of("img");
        try (WriterLock first = WriterLock.acquire(s, node, "ngff copy a.zarr b.zarr")) {
            assertThat(s.exists(Key.of("img/" + WriterLock.NAME))).isTrue();
            assertThatThrownBy(() -> WriterLock.acquire(s, node, "ngff copy c.zarr b.zarr"))
                    .isInstanceOf(WriterLockedException.class)
                    .hasMessageContaining("ngff copy a.zarr b.zarr")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("host " + LockHolder.localHost())
                    .hasMessageContaining(first.holder().id())
                    .hasMessageContaining("--break-lock")
                    .hasMessageNotContaining("\n")
                    .hasMessageNotContaining("Exception");
            assertThat(WriterLock.holder(s, node)).contains(first.holder());
            assertThat(first.stillHeld()).isTrue();
        }
        assertThat(WriterLock.holder(s, node)).isEmpty();
        assertThat(s.exists(Key.of("img/" + WriterLock.NAME))).as("the lock object after release").isEqualTo(kind.equals("tombstones"));
        WriterLock again = WriterLock.acquire(s, node, "again"); // over a tombstone too
        assertThat(WriterLock.holder(s, node)).contains(again.holder());
        assertThat(again.release()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "tombstones"})
    void releaseDeletesOnlyItsOwnVersion(String kind) throws Exception {
        Store s = store(kind);
        WriterLock mine = WriterLock.acquire(s, Key.ROOT, "mine");
        assertThat(WriterLock.breakLock(s, Key.ROOT)).isTrue();
        WriterLock theirs = WriterLock.acquire(s, Key.ROOT, "theirs");
        assertThat(mine.stillHeld()).isFalse();
        assertThatThrownBy(mine::requireHeld).isInstanceOf(WriterLockedException.class).hasMessageContaining("theirs");
        assertThat(mine.release()).isFalse();
        assertThat(WriterLock.holder(s, Key.ROOT)).contains(theirs.holder());
        assertThat(theirs.release()).isTrue();
        assertThat(WriterLock.holder(s, Key.ROOT)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "tombstones"})
    void aProvablyDeadHolderIsTakenOver(String kind) throws Exception {
        Store s = store(kind);
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid();
        LockHolder dead = new LockHolder("dead", LockHolder.localHost(), deadPid, Optional.of(Instant.EPOCH), "killed",
                Instant.now());
        WriterLock.acquire(s, Key.ROOT, dead, WriterLock.Mode.TAKE_OVER_DEAD); // left behind, never released
        try (WriterLock next = WriterLock.acquire(s, Key.ROOT, "next")) {
            assertThat(WriterLock.holder(s, Key.ROOT)).contains(next.holder());
        }
        // our own pid with another start time: the pid was reused, so that holder is dead too
        LockHolder reused = new LockHolder("reused", LockHolder.localHost(), ProcessHandle.current().pid(),
                Optional.of(Instant.EPOCH), "old", Instant.now());
        WriterLock.acquire(s, Key.ROOT, reused, WriterLock.Mode.TAKE_OVER_DEAD);
        WriterLock.acquire(s, Key.ROOT, "after reuse").release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "tombstones"})
    void aHolderOnAnotherHostOrAliveIsBrokenOnlyOnRequest(String kind) throws Exception {
        Store s = store(kind);
        LockHolder remote = new LockHolder("remote", "some-other-host", 1, Optional.empty(), "ngff copy x y", Instant.now());
        WriterLock.acquire(s, Key.ROOT, remote, WriterLock.Mode.TAKE_OVER_DEAD);
        assertThatThrownBy(() -> WriterLock.acquire(s, Key.ROOT, "me"))
                .isInstanceOf(WriterLockedException.class).hasMessageContaining("some-other-host");
        try (WriterLock mine = WriterLock.acquire(s, Key.ROOT, LockHolder.currentProcess("me"), WriterLock.Mode.BREAK)) {
            assertThat(WriterLock.holder(s, Key.ROOT)).contains(mine.holder());
        }
        // a damaged lock still locks
        s.write(WriterLock.key(Key.ROOT), Bytes.wrap("{not json".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> WriterLock.acquire(s, Key.ROOT, "me")).isInstanceOf(WriterLockedException.class)
                .hasMessageContaining("cannot read");
        assertThat(WriterLock.breakLock(s, Key.ROOT)).isTrue();
    }

    /** Threads race for one lock, round after round: exactly one wins each round, the others are told who. */
    @ParameterizedTest
    @ValueSource(strings = {"memory", "file", "tombstones"})
    void racingThreadsGetOneHolder(String kind) throws Exception {
        Store s = store(kind);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger refused = new AtomicInteger();
                List<Future<WriterLock>> tries = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String name = "writer " + t;
                    tries.add(pool.submit(() -> {
                        go.await();
                        try {
                            return WriterLock.acquire(s, Key.ROOT, name);
                        } catch (WriterLockedException e) {
                            assertThat(e.getMessage()).contains("'writer ");
                            refused.incrementAndGet();
                            return null;
                        }
                    }));
                }
                go.countDown();
                List<WriterLock> winners = new ArrayList<>();
                for (Future<WriterLock> f : tries) {
                    if (f.get() != null) {
                        winners.add(f.get());
                    }
                }
                assertThat(winners).as("round %d", round).hasSize(1);
                assertThat(refused.get()).isEqualTo(threads - 1);
                assertThat(winners.getFirst().release()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A memory store that records the calls to {@code abortUnfinishedUploads}, with uploads at the given keys. */
    private static final class UploadsLeft extends ForwardingStore {
        final List<Key> nodes = new ArrayList<>();
        final List<Key> open;
        final List<Key> aborted = new ArrayList<>();
        boolean fail;

        UploadsLeft(List<Key> open) {
            super(new MemoryStore("uploads-left"));
            this.open = open;
        }

        @Override
        public int abortUnfinishedUploads(Key node, java.util.function.Predicate<Key> abandoned) throws java.io.IOException {
            nodes.add(node);
            if (fail) {
                throw new dev.ngff.error.StoreException("uploads-left: listing the unfinished uploads below '' failed: HTTP 403 AccessDenied");
            }
            for (Key k : open) {
                if (k.startsWith(node) && abandoned.test(k)) {
                    aborted.add(k);
                }
            }
            return aborted.size();
        }
    }

    private static LockHolder exited() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return new LockHolder("gone", LockHolder.localHost(), p.pid(), Optional.empty(), "killed", Instant.now());
    }

    @org.junit.jupiter.api.Test
    void takingADeadWritersLockOverAbortsItsUploadsButNotThoseOfANestedLiveWriter() throws Exception {
        UploadsLeft s = new UploadsLeft(List.of(Key.of("0/c/0/0/0"), Key.of("pos1/0/c/0/0"), Key.of("pos2/0/c/1")));
        WriterLock first = WriterLock.acquire(s, Key.ROOT, exited(), WriterLock.Mode.TAKE_OVER_DEAD);
        WriterLock nested = WriterLock.acquire(s, Key.of("pos1"), "live writer");
        assertThat(first.abortedUploads()).isZero();
        assertThat(s.nodes).as("a free lock lists nothing").isEmpty();

        WriterLock resumed = WriterLock.acquire(s, Key.ROOT, "resume");
        assertThat(s.nodes).containsExactly(Key.ROOT);
        assertThat(s.aborted).as("pos1 has a live lock of its own").containsExactly(Key.of("0/c/0/0/0"), Key.of("pos2/0/c/1"));
        assertThat(resumed.abortedUploads()).isEqualTo(2);
        assertThat(resumed.uploadCleanupFailure()).isEmpty();
        resumed.release();
        nested.release();
        WriterLock again = WriterLock.acquire(s, Key.ROOT, "after a release");
        assertThat(s.nodes).as("a released lock (tombstone or none) lists nothing").hasSize(1);
        again.release();
    }

    @org.junit.jupiter.api.Test
    void aFailedCleanupLeavesTheLockTakenAndSaysWhy() throws Exception {
        UploadsLeft s = new UploadsLeft(List.of(Key.of("0/c/0")));
        s.fail = true;
        WriterLock.acquire(s, Key.of("img"), exited(), WriterLock.Mode.TAKE_OVER_DEAD);
        WriterLock resumed = WriterLock.acquire(s, Key.of("img"), "resume");
        assertThat(s.nodes).containsExactly(Key.of("img"));
        assertThat(resumed.stillHeld()).isTrue();
        assertThat(resumed.abortedUploads()).isZero();
        assertThat(resumed.uploadCleanupFailure()).hasValueSatisfying(m -> assertThat(m).contains("uploads-left", "403")
                .doesNotContain("\n"));
        resumed.release();
    }

    /**
     * A writer killed while creating a free lock (its temp file written, the link not made) held no lock, so
     * nobody would sweep below it; the next writer to take the free lock removes that temp file from the
     * node's directory, and only there: temps of live processes and those in subdirectories stay.
     */
    @org.junit.jupiter.api.Test
    void takingAFreeLockRemovesTheTempFileOfAWriterKilledWhileTakingIt() throws Exception {
        FileSystemStore s = FileSystemStore.open(dir.resolve("img.zarr"));
        s.write(Key.of("zarr.json"), Bytes.wrap("{}".getBytes(StandardCharsets.UTF_8)));
        s.write(Key.of("0/zarr.json"), Bytes.wrap("{}".getBytes(StandardCharsets.UTF_8)));
        long gone = exited().pid();
        Path root = dir.resolve("img.zarr");
        Path killed = java.nio.file.Files.writeString(root.resolve(FileSystemStore.TEMP_PREFIX + gone + "-lock"), "{}");
        Path live = java.nio.file.Files.writeString(root.resolve(FileSystemStore.TEMP_PREFIX + ProcessHandle.current().pid()
                + "-inflight"), "{}");
        Path below = java.nio.file.Files.writeString(root.resolve("0").resolve(FileSystemStore.TEMP_PREFIX + gone + "-x"), "{}");

        WriterLock lock = WriterLock.acquire(s, Key.ROOT, "next");
        assertThat(killed).as("the killed lock writer's temp file").doesNotExist();
        assertThat(live).as("a live process's temp file").exists();
        assertThat(below).as("a subdirectory is not walked for a free lock").exists();
        assertThat(lock.abortedUploads()).isEqualTo(1);
        assertThat(lock.uploadCleanupFailure()).isEmpty();
        lock.release();

        // the same over a tombstone (a free lock on a store that cannot delete conditionally)
        java.nio.file.Files.writeString(killed, "{}");
        WriterLock tomb = WriterLock.acquire(s, Key.ROOT, "tombstone");
        s.write(WriterLock.key(Key.ROOT), Bytes.wrap("{\"ngff_writer_lock\":1,\"released\":true}".getBytes(StandardCharsets.UTF_8)));
        WriterLock overTombstone = WriterLock.acquire(s, Key.ROOT, "over a tombstone");
        assertThat(killed).as("after taking a tombstone over").doesNotExist();
        overTombstone.release();
        assertThat(tomb.stillHeld()).isFalse();
    }
}
