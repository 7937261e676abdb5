package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.BlockJournal;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A copy stopped by a corrupt source, marked incomplete, tampered with, and resumed byte-identical; huge sparse grids. */
class CopyResumeTest {
    @TempDir
    Path dir;

    @Test
    void aFailedCopyIsMarkedIncompleteAndResumeChecksWhatItKeeps() throws Exception {
        Path src = dir.resolve("src.zarr");
        CopySources.hierarchy(src, 3, 32, 128);
        String[] opts = {"--chunks", "4,16,16", "--shards", "8,32,32", "--block-bytes", "16384", "--workers", "1"};
        Path ref = dir.resolve("ref.zarr");
        assertThat(run("copy", src, ref, opts).code()).isZero();
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        assertThat(reference.keySet()).doesNotContain(WriterLock.NAME, IncompleteMarker.NAME)
                .noneMatch(k -> k.startsWith(BlockJournal.PREFIX) || k.contains(".tmp-"));

        Path chunk = src.resolve("raw/c/2/1/0");
        byte[] good = Files.readAllBytes(chunk);
        Files.write(chunk, new byte[]{1, 2, 3});
        Path dst = dir.resolve("dst.zarr");
        Cli.Result failed = run("copy", src, dst, opts);
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err().strip()).contains("raw/c/2/1/0", "is left incomplete", "ngff copy --resume")
                .doesNotContain("\n");
        assertThat(dst.resolve(IncompleteMarker.NAME)).exists();
        assertThat(dst.resolve(WriterLock.NAME)).doesNotExist();
        assertThat(dst.resolve("zarr.json")).doesNotExist(); // the root is published last
        assertThat(dst.resolve("raw/zarr.json")).doesNotExist(); // the array is published after all its data

        Cli.Result info = run("info", dst);
        assertThat(info.code()).isEqualTo(1);
        assertThat(info.err().strip()).contains("is incomplete", "copy from", "ngff copy --resume").doesNotContain("\n");
        Cli.Result again = run("copy", src, dst, opts);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is incomplete", "--overwrite");
        Cli.Result otherOptions = run("copy", "--resume", src, dst, "--chunks", "8,8,8");
        assertThat(otherOptions.code()).isEqualTo(1);
        assertThat(otherOptions.err()).contains("same source and options");

        // damage one object that the journal says is finished: the resume must notice and rewrite it
        List<Path> journaled;
        try (Stream<Path> s = Files.walk(dst.resolve(BlockJournal.PREFIX))) {
            journaled = s.filter(Files::isRegularFile).toList();
        }
        assertThat(journaled).hasSizeGreaterThan(2);
        Path shard = dst.resolve("raw/c/0/0/0");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(shard, bytes);

        Files.write(chunk, good);
        Cli.Result resumed = run("copy", "--resume", src, dst, opts);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("blocks verified and kept from the interrupted run");
        CopyTrees.assertIdentical(dst, reference, "resumed copy");
        Cli.Result nothing = run("copy", "--resume", src, dst, opts);
        assertThat(nothing.code()).isZero();
        assertThat(nothing.out()).contains("nothing to resume");
        CopyTrees.assertIdentical(dst, reference, "resume of a finished copy");
    }

    @Test
    void fsyncPoliciesWriteTheSameBytesAndAForeignLockNeedsBreakLock() throws Exception {
        Path src = dir.resolve("src.zarr");
        CopySources.hierarchy(src, 5, 16, 64);
        Path ref = dir.resolve("ref.zarr");
        assertThat(run("copy", src, ref).code()).isZero();
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        for (String policy : List.of("commit", "always")) {
            Path d = dir.resolve(policy + ".zarr");
            Cli.Result r = run("copy", "--fsync", policy, src, d);
            assertThat(r.code()).as(r.err()).isZero();
            CopyTrees.assertIdentical(d, reference, "--fsync " + policy);
        }
        Cli.Result bad = run("copy", "--fsync", "sometimes", src, dir.resolve("x.zarr"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("none, commit or always");

        Path dst = dir.resolve("locked.zarr");
        try (FileSystemStore s = FileSystemStore.open(dst)) {
            WriterLock.acquire(s, Key.ROOT, new dev.ngff.write.LockHolder("other", "scope-pc-7", 4242,
                    java.util.Optional.empty(), "ngff copy a.zarr locked.zarr", java.time.Instant.now()), WriterLock.Mode.BREAK);
        }
        Cli.Result refused = run("copy", src, dst);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().strip()).contains("another writer holds the lock", "pid 4242 on host scope-pc-7",
                "ngff copy a.zarr locked.zarr", "--break-lock").doesNotContain("\n");
        Cli.Result broke = run("copy", "--break-lock", src, dst);
        assertThat(broke.code()).as(broke.err()).isZero();
        CopyTrees.assertIdentical(dst, reference, "copy after --break-lock");
    }

    @Test
    void hugeSparseGridsCopyTheirStoredChunksAndNeverOverflow() throws Exception {
        long big = 1L << 62;
        Path src = dir.resolve("sparse.zarr");
        NdBuffer block = NdBuffer.filled(DataType.UINT8, new long[]{4, 4, 4}, new byte[]{9});
        long[][] at = new long[8][];
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore s = FileSystemStore.open(src)) {
            ZarrArray a = Zarr.newArray(s, Key.ROOT, ArrayMetadata.builder(DataType.UINT8, big, big, big).chunks(4, 4, 4).build(), ctx);
            for (int i = 0; i < 8; i++) {
                at[i] = new long[]{(i & 1) == 0 ? 0 : big - 4, (i & 2) == 0 ? 4 : big - 8, (i & 4) == 0 ? 1L << 40 : 8};
                a.write(at[i], block);
            }
            a.publish();
        }
        Path dst = dir.resolve("sparse-copy.zarr");
        Cli.Result c = run("copy", src, dst);
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains(", 8 chunks,");
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore s = FileSystemStore.open(dst)) {
            ZarrArray a = Zarr.openArray(s, Key.ROOT, ctx);
            for (long[] o : at) {
                assertThat(a.read(o, new long[]{4, 4, 4}).contentEquals(block)).isTrue();
            }
        }
        Cli.Result info = run("info", dst);
        assertThat(info.code()).as(info.err()).isZero();
        Cli.Result whole = run("export", dst, dir.resolve("all.npy"));
        assertThat(whole.code()).isEqualTo(1);
        assertThat(whole.err().strip()).contains("2^63 bytes", "--region").doesNotContain("Exception").doesNotContain("\n");
        Cli.Result part = run("export", dst, dir.resolve("part.npy"), "--region", "0:4,4:8," + (1L << 40) + ":" + ((1L << 40) + 4));
        assertThat(part.code()).as(part.err()).isZero();

        Path tall = dir.resolve("tall.zarr");
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore s = FileSystemStore.open(tall)) {
            Zarr.newArray(s, Key.ROOT, ArrayMetadata.builder(DataType.UINT16, Long.MAX_VALUE, 64, 64).chunks(1, 64, 64).build(), ctx)
                    .publish();
        }
        Cli.Result tallExport = run("export", tall, dir.resolve("tall.npy"));
        assertThat(tallExport.code()).isEqualTo(1);
        assertThat(tallExport.err().strip()).contains("2^63 bytes").doesNotContain("overflow").doesNotContain("\n");
        Cli.Result tallInfo = run("info", tall);
        assertThat(tallInfo.code()).as(tallInfo.err()).isZero();
        Cli.Result tallCopy = run("copy", tall, dir.resolve("tall-copy.zarr"));
        assertThat(tallCopy.code()).as(tallCopy.err()).isZero();
        assertThat(tallCopy.out()).contains(", 0 chunks,");
    }

    private static Cli.Result run(Object... args) {
        List<Object> flat = new java.util.ArrayList<>();
        for (Object a : args) {
            if (a instanceof String[] many) {
                flat.addAll(List.of((Object[]) many));
            } else {
                flat.add(a);
            }
        }
        return Cli.run(flat.toArray());
    }
}
