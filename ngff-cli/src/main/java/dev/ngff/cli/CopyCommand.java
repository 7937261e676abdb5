package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;
import dev.ngff.write.BlockJournal;
import dev.ngff.write.Durability;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.LocalFiles;
import dev.ngff.write.LockHolder;
import dev.ngff.write.WriterLock;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ngff copy}: re-encodes an array or a whole hierarchy into a new store. */
@Command(name = "copy", aliases = "convert", mixinStandardHelpOptions = true,
        header = "Copy or convert an array or a whole hierarchy.",
        description = "Re-encodes an array or a hierarchy (groups, attributes and arrays, recursively) into a new "
                + "directory store, optionally changing the Zarr format, chunks, shards and compressor. By default "
                + "the format, chunks and codecs of the source are kept. Blocks of whole target chunks (shards) are "
                + "copied in parallel, so memory stays bounded. The copy holds the target's writer lock "
                + "(.ngff-lock.json) and marks the target incomplete (.ngff-incomplete.json) until it ends; each "
                + "array's metadata is written after its data and the root last. An interrupted copy (kill, Ctrl-C, "
                + "a full disk) is finished with --resume; see docs/write-path.md.")
public final class CopyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<src>", description = "Source store (directory, zip, file: or http(s) URI).")
    String source;

    @Parameters(index = "1", paramLabel = "<dst>", description = "Target directory.")
    String target;

    @Option(names = "--zarr-format", paramLabel = "2|3", description = "Zarr format of the copy (default: the source's).")
    Integer zarrFormat;

    @Option(names = "--chunks", paramLabel = "N,N,...", converter = Dims.Converter.class,
            description = "Chunk shape (inner chunks when sharded; default: the source's).")
    Dims chunks;

    @Option(names = "--shards", paramLabel = "N,N,...|none",
            description = "Shard shape (Zarr v3); 'none' writes without sharding. Default: the source's sharding.")
    String shards;

    @Option(names = "--codec", paramLabel = "none|CODEC[+CODEC...]", converter = CodecChoice.Converter.class,
            description = "Codecs of the copy (default: the source's):%n" + CodecChoice.HELP)
    CodecChoice codec;

    @CommandLine.Mixin
    WriteOptions write;

    @Option(names = "--resume", description = {"Finish a copy that was interrupted (kill, Ctrl-C, full disk): blocks the "
            + "destination's journal verifies (size and CRC-32C of every object) are kept, the rest is written again. "
            + "Give the same source, target and options as the first run."})
    boolean resume;

    @Option(names = "--fsync", paramLabel = "none|commit|always", defaultValue = "none",
            description = {"Durability on a local disk: none (default; a power cut may lose recent objects, metadata "
                    + "included), commit (data is forced before each metadata document that claims it), always (every "
                    + "object is forced as it is written)."})
    String fsync;

    @Option(names = "--block-bytes", hidden = true, defaultValue = "67108864",
            description = "Bytes of one copied block, whole target chunks at least (for tests of resuming).")
    long blockBytes;

    @Option(names = "--break-lock", description = {"Take the destination's writer lock even though another writer "
            + "holds it. Only when that writer is gone (a lock left on another machine, or one whose holder cannot "
            + "be checked); a lock whose holder provably died on this machine is taken over without it."})
    boolean breakLock;

    /** One node to write, in hierarchy order (parents first). */
    private sealed interface Step permits GroupStep, ArrayStep {
        Key path();
    }

    private record GroupStep(Key path, GroupMetadata meta) implements Step {
    }

    private record ArrayStep(Key path, ZarrArray source, ArrayMetadata meta) implements Step {
    }

    /** The exit code after Ctrl-C (128 + SIGINT), as shells report it. */
    static final int INTERRUPTED = 130;

    /** The options that shape the copy's bytes: a resume must be given the same ones. */
    private static final List<String> SHAPING_OPTIONS = List.of("--zarr-format", "--chunks", "--shards", "--codec",
            "--block-bytes");
    /** Options that do not belong in the printed resume command. */
    private static final List<String> ONE_RUN_OPTIONS = List.of("--resume", "--overwrite", "--break-lock", "--progress",
            "--stacktrace");

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        TargetLayout layout = layout(cmd);
        write.validate(cmd);
        Durability durability;
        try {
            durability = Durability.parse(fsync);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--fsync: " + e.getMessage());
        }
        if (blockBytes < 1) {
            throw new CommandLine.ParameterException(cmd, "--block-bytes must be at least 1");
        }
        if (resume && write.overwrite) {
            throw new CommandLine.ParameterException(cmd, "--resume keeps what an interrupted copy wrote, --overwrite "
                    + "deletes it: give one of them");
        }
        try (ReadableStore src = Locations.openReadable(cmd, source);
             ExecutionContext ctx = ExecutionContext.create()) {
            List<Step> steps = new ArrayList<>();
            plan(Zarr.open(src, Key.ROOT, ctx), layout, steps);
            long total = 0;
            for (Step s : steps) {
                if (s instanceof ArrayStep a) {
                    long bytes = Sizes.uncompressed(a.meta());
                    total = bytes > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + bytes; // saturates for huge grids
                }
            }
            Locations.requireDisjoint(cmd, src, target);
            try (Store dst = Locations.openWritable(cmd, target, durability == Durability.ALWAYS)) {
                return copy(cmd, src, dst, steps, total, durability, ctx);
            }
        }
    }

    private int copy(CommandLine cmd, ReadableStore src, Store dst, List<Step> steps, long total, Durability durability,
                     ExecutionContext ctx) throws IOException {
        String resumeCommand = resumeCommand(cmd);
        LockHolder me = LockHolder.currentProcess(commandLine(cmd));
        WriterLock lock = WriterLock.acquire(dst, Key.ROOT, me, breakLock ? WriterLock.Mode.BREAK : WriterLock.Mode.TAKE_OVER_DEAD);
        Interrupt interrupt = new Interrupt();
        boolean marked = false;
        boolean finished = false;
        String interruptedMessage = null;
        try {
            interrupt.install();
            Map<String, String> options = shapingOptions(cmd);
            Optional<IncompleteMarker> marker = IncompleteMarker.read(dst, Key.ROOT);
            if (!prepare(dst, src, marker, options, resumeCommand, me)) {
                finished = true; // a resume of a copy that had finished
                cmd.getOut().println(dst.describe() + " is complete; nothing to resume");
                cmd.getOut().flush();
                return 0;
            }
            marked = true;
            BlockJournal journal = BlockJournal.open(dst, Key.ROOT);
            long start = System.nanoTime();
            long skipped = 0;
            long blocks = 0;
            try (Progress bar = Progress.open("copy", total, write.progress, cmd.getErr())) {
                int ordinal = 0;
                for (Step s : steps) {
                    if (s instanceof ArrayStep a) {
                        ZarrArray out = Zarr.newArray(dst, a.path(), a.meta(), ctx);
                        ArrayCopier.Outcome o = ArrayCopier.copy(a.source(), out, write.workers, blockBytes, bar, journal,
                                Integer.toString(ordinal++), interrupt::requested);
                        blocks += o.blocks();
                        skipped += o.skipped();
                        if (o.cancelled()) {
                            throw interrupted(dst, resumeCommand);
                        }
                        lock.requireHeld();
                        out.publish(durability); // data first (forced under --fsync commit), then the array's metadata
                    }
                }
                for (Step s : steps.reversed()) { // children before parents, the root last
                    if (s instanceof GroupStep g) {
                        if (interrupt.requested()) {
                            throw interrupted(dst, resumeCommand);
                        }
                        lock.requireHeld();
                        Zarr.writeMetadata(dst, g.path(), g.meta());
                    }
                }
            }
            if (durability == Durability.COMMIT) {
                LocalFiles.force(dst, Key.ROOT);
            }
            journal.clear();
            IncompleteMarker.remove(dst, Key.ROOT);
            finished = true;
            long nanos = System.nanoTime() - start;
            long chunkCount = 0;
            long stored = 0;
            for (Step s : steps) {
                if (s instanceof ArrayStep a) {
                    StoredChunks sc = StoredChunks.of(dst, a.path()).orElseThrow();
                    chunkCount += sc.chunks();
                    stored += sc.bytes();
                }
            }
            cmd.getOut().println(Sizes.summary("copied", total, nanos, chunkCount, stored)
                    + (skipped > 0 ? " (" + skipped + " of " + blocks + " blocks verified and kept from the interrupted run)" : ""));
            cmd.getOut().flush();
            return 0;
        } catch (Interrupted e) {
            interruptedMessage = e.getMessage();
            return INTERRUPTED;
        } catch (IOException e) {
            if (!marked || finished || e instanceof WriterLockedException) {
                throw e;
            }
            throw new StoreException(Failures.message(e) + "; " + dst.describe()
                    + " is left incomplete, finish it with: " + resumeCommand, e);
        } finally {
            try {
                if (marked && !finished) {
                    LocalFiles.removeTempFiles(dst, Key.ROOT);
                }
                lock.release();
                if (durability == Durability.COMMIT && finished) {
                    LocalFiles.force(dst, Key.ROOT);
                }
            } finally {
                if (interruptedMessage != null) { // printed before the shutdown hook lets the JVM exit
                    cmd.getErr().println("ngff copy: " + interruptedMessage);
                    cmd.getErr().flush();
                }
                interrupt.done();
            }
        }
    }

    /**
     * Checks the destination and marks it incomplete. False when {@code --resume} finds a finished
     * copy (no marker, a node at the root).
     */
    private boolean prepare(Store dst, ReadableStore src, Optional<IncompleteMarker> marker, Map<String, String> options,
                            String resumeCommand, LockHolder me) throws IOException {
        List<Key> existing = ownKeysRemoved(dst.list(Key.ROOT));
        Instant startedAt = Instant.now();
        if (resume) {
            if (marker.isPresent()) {
                IncompleteMarker m = marker.get();
                if (!m.job().equals("copy") || !m.source().equals(src.describe()) || !m.options().equals(options)) {
                    throw new StoreException(dst.describe() + " holds an unfinished " + m.job() + " from " + m.source()
                            + " with options " + m.options() + "; resume it with the same source and options: " + m.resume());
                }
                startedAt = m.startedAt();
            } else if (!existing.isEmpty()) {
                if (Zarr.readMetadata(dst, Key.ROOT).isPresent()) {
                    LocalFiles.removeTempFiles(dst, Key.ROOT);
                    return false;
                }
                throw new StoreException(dst.describe() + " holds " + existing.size() + " objects but no unfinished copy "
                        + "(no " + IncompleteMarker.NAME + "); nothing to resume there");
            }
        } else if (marker.isPresent() && !write.overwrite) {
            throw new StoreException(marker.get().describe(dst, Key.ROOT) + " (or give --overwrite to start over)");
        } else if (!existing.isEmpty() && !write.overwrite) {
            boolean node = Zarr.readMetadata(dst, Key.ROOT).isPresent();
            throw new StoreException(dst.describe() + " is not empty (" + existing.size() + " objects"
                    + (node ? ", a Zarr node at its root" : "") + "); give --overwrite to replace it");
        }
        new IncompleteMarker("copy", src.describe(), options, startedAt, me, resumeCommand).write(dst, Key.ROOT);
        if (write.overwrite) {
            for (Key k : ownKeysRemoved(dst.list(Key.ROOT))) {
                dst.delete(k);
            }
            BlockJournal.open(dst, Key.ROOT).clear();
        }
        LocalFiles.removeTempFiles(dst, Key.ROOT); // left by a killed run; nothing else writes here now
        return true;
    }

    /** Keys other than the lock and the marker. */
    private static List<Key> ownKeysRemoved(List<Key> keys) {
        List<Key> out = new ArrayList<>(keys.size());
        for (Key k : keys) {
            if (!k.equals(WriterLock.key(Key.ROOT)) && !k.equals(IncompleteMarker.key(Key.ROOT))) {
                out.add(k);
            }
        }
        return out;
    }

    private Interrupted interrupted(Store dst, String resumeCommand) {
        return new Interrupted("interrupted; " + dst.describe() + " is left incomplete (marked by "
                + IncompleteMarker.NAME + ", finished blocks journaled under " + BlockJournal.PREFIX
                + "/, no temporary files); finish it with: " + resumeCommand);
    }

    /** The copy stopped on request (Ctrl-C). */
    static final class Interrupted extends dev.ngff.error.NgffException {
        private static final long serialVersionUID = 1L;

        Interrupted(String message) {
            super(message);
        }
    }

    /**
     * Ctrl-C while copying: a shutdown hook asks the copy to stop submitting blocks and waits until it
     * has finished the blocks in flight, removed temporary files, released the lock and said what state
     * it left. Not reentrant; one per run.
     */
    private final class Interrupt {
        private final java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        private Thread hook;

        void install() {
            hook = new Thread(() -> {
                requested.set(true);
                try {
                    stopped.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ngff-copy-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean requested() {
            return requested.get();
        }

        /** The copy has stopped (finished, failed or interrupted): the hook may let the JVM exit. */
        void done() {
            if (hook != null && !requested.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down already
                }
            }
            stopped.countDown();
        }
    }

    private Map<String, String> shapingOptions(CommandLine cmd) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : SHAPING_OPTIONS) {
            CommandLine.Model.OptionSpec o = cmd.getParseResult().matchedOption(name);
            if (o != null) {
                out.put(name, String.join(",", o.originalStringValues()));
            }
        }
        return out;
    }

    /** The command that resumes this copy: the same source, target and options, with {@code --resume}. */
    private String resumeCommand(CommandLine cmd) {
        StringBuilder sb = new StringBuilder("ngff copy --resume");
        for (CommandLine.Model.OptionSpec o : cmd.getParseResult().matchedOptions()) {
            if (ONE_RUN_OPTIONS.contains(o.longestName())) {
                continue;
            }
            for (String v : o.originalStringValues()) {
                sb.append(' ').append(o.longestName()).append(' ').append(quote(v));
            }
        }
        sb.append(' ').append(quote(source)).append(' ').append(quote(target));
        return sb.toString();
    }

    private String commandLine(CommandLine cmd) {
        return "ngff copy " + quote(source) + " " + quote(target);
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private TargetLayout layout(CommandLine cmd) {
        if (zarrFormat != null && zarrFormat != 2 && zarrFormat != 3) {
            throw new CommandLine.ParameterException(cmd, "--zarr-format must be 2 or 3, got " + zarrFormat);
        }
        boolean none = shards != null && shards.trim().equalsIgnoreCase("none");
        long[] shardShape = null;
        if (shards != null && !none) {
            try {
                shardShape = Dims.parse(shards).values();
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(cmd, "--shards: " + e.getMessage());
            }
        }
        return new TargetLayout(zarrFormat, chunks == null ? null : chunks.values(), shardShape, none, codec);
    }

    private void plan(ZarrNode node, TargetLayout layout, List<Step> out) throws IOException {
        switch (node) {
            case ZarrArray a -> {
                try {
                    out.add(new ArrayStep(a.path(), a, layout.apply(a.metadata(), a.store().describe() + " '/" + a.path() + "'")));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
                }
            }
            case ZarrGroup g -> {
                int format = layout.zarrFormat() != null ? layout.zarrFormat() : g.zarrFormat();
                out.add(new GroupStep(g.path(), GroupMetadata.of(format, g.attributes())));
                ZarrGroup.ChildListing children = g.listChildren();
                if (!children.skipped().isEmpty()) { // copying the rest would lose them without a word
                    throw new NgffException(g.store().describe() + " '/" + g.path() + "' holds "
                            + Skipped.describe(children.skipped()) + ", which cannot be copied; nothing was written"
                            + " (rename them to copy them)");
                }
                for (String name : children.names()) {
                    plan(g.open(name), layout, out);
                }
            }
        }
    }
}
