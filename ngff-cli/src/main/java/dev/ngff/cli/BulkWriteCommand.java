package dev.ngff.cli;

import dev.ngff.convert.ConvertOptionException;
import dev.ngff.convert.TargetLayout;
import dev.ngff.convert.CodecChoice;
import dev.ngff.convert.ArrayCopier;
import dev.ngff.convert.Step;
import dev.ngff.convert.GroupStep;
import dev.ngff.convert.ArrayStep;
import dev.ngff.convert.PyramidStep;
import dev.ngff.convert.ObjectStep;
import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.MemoryBudget;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.error.NgffException;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import dev.ngff.write.BlockJournal;
import dev.ngff.write.Durability;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.LocalFiles;
import dev.ngff.write.LockHolder;
import dev.ngff.write.OzxTarget;
import dev.ngff.write.WriterLock;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What {@code ngff copy} and {@code ngff convert} share: the options that shape and guard a bulk write into
 * a new directory store, and the run itself. A subclass plans the nodes to write ({@link #plan}); this
 * class takes the target's writer lock, marks the target incomplete, copies each array block by block
 * (journaled, so {@code --resume} keeps verified blocks) and publishes it after its data, writes plain
 * objects, then the groups children first and the root last, and finally removes the journal, the marker
 * and the lock. See docs/write-path.md.
 */
abstract class BulkWriteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<src>", description = "Source store (directory, zip, file: or http(s) URI); "
            + "convert also reads a TIFF file, an N5 directory or, with --raw, a raw file.")
    String source;

    @Parameters(index = "1", paramLabel = "<dst>", description = "Target directory, or a .ozx file (single-file "
            + "OME-Zarr, Zarr v3 only: written in one pass, its writer state in <dst>.state until it is finished).")
    String target;

    @Option(names = "--chunks", paramLabel = "N,N,...", converter = Dims.Converter.class,
            description = "Chunk shape (inner chunks when sharded; default: the source's).")
    Dims chunks;

    @Option(names = "--shards", paramLabel = "N,N,...|none",
            description = "Shard shape (Zarr v3); 'none' writes without sharding. Default: the source's sharding.")
    String shards;

    @Option(names = "--codec", paramLabel = "none|CODEC[+CODEC...]", converter = CodecChoiceConverter.class,
            description = "Codecs of the written arrays (default: the source's):%n" + CodecChoice.HELP)
    CodecChoice codec;

    @CommandLine.Mixin
    WriteOptions write;

    @Option(names = "--resume", description = {"Finish a run that was interrupted (kill, Ctrl-C, full disk): blocks the "
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

    @Option(names = "--memory", paramLabel = "SIZE",
            description = {"Bound the run's buffers to SIZE (512m, 2g; at least 32m): the level-0 blocks read, decoded "
                    + "and reduced in flight (about 3 copies of an 8-16 MiB block each) and the shard write buffers of "
                    + "every level share it; copied arrays run fewer blocks at once to fit. Default: blocks by "
                    + "--workers and 256 MiB of write buffers. The JVM needs its own overhead on top (-Xmx >= SIZE + 64m)."})
    String memory;

    /** The parsed {@link #memory}, or -1 when not given. */
    long memoryBudget = -1;

    @Option(names = "--break-lock", description = {"Take the destination's writer lock even though another writer "
            + "holds it. Only when that writer is gone (a lock left on another machine, or one whose holder cannot "
            + "be checked); a lock whose holder provably died on this machine is taken over without it."})
    boolean breakLock;

    @Option(names = "--ozx-pack", hidden = true, description = "Write a .ozx target as a directory and pack it "
            + "afterwards (the route before one-pass writing; for comparisons).")
    boolean ozxPack;

    /** The exit code after Ctrl-C (128 + SIGINT), as shells report it. */
    static final int INTERRUPTED = 130;

    /** Options that do not belong in the printed resume command. */
    private static final List<String> ONE_RUN_OPTIONS = List.of("--resume", "--overwrite", "--break-lock", "--progress",
            "--stacktrace");

    /** The command's name: {@code copy} or {@code convert} (the job named in the incomplete marker). */
    abstract String job();

    /** The options that shape the written bytes: a resume must be given the same ones. */
    abstract List<String> shapingOptions();

    /**
     * Rejects option values no run can use (a usage error), before any store is opened. Called after the
     * shared options are checked.
     */
    void validateOptions(CommandLine cmd) {
    }

    /** Opens {@link #source}: a store by default; a subclass may read files that are no store. */
    ReadableStore openSource(CommandLine cmd) throws IOException {
        return Locations.openReadable(cmd, source);
    }

    /**
     * The steps of the run, parents before children, from the opened source. Nothing may be written here.
     *
     * @throws CommandLine.ParameterException when the options do not fit the source
     */
    abstract List<Step> plan(CommandLine cmd, ReadableStore src, ExecutionContext ctx) throws IOException;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
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
        if (memory != null) {
            try {
                memoryBudget = MemoryBudget.parse(memory);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--memory: " + e.getMessage());
            }
        }
        if (resume && write.overwrite) {
            throw new CommandLine.ParameterException(cmd, "--resume keeps what an interrupted " + job() + " wrote, "
                    + "--overwrite deletes it: give one of them");
        }
        validateOptions(cmd);
        try (ReadableStore src = usage(cmd, () -> openSource(cmd));
             ExecutionContext ctx = ExecutionContext.create()) {
            List<Step> steps = usage(cmd, () -> plan(cmd, src, ctx));
            long total = 0;
            for (Step s : steps) {
                if (memoryBudget > 0 && s instanceof PyramidStep p) {
                    passShare(cmd, p, 1); // refuses a budget too small for a block before anything is written
                }
                ArrayMetadata counted = s instanceof ArrayStep a ? a.meta()
                        : s instanceof PyramidStep p ? p.levels().getFirst() : null; // a pass reads level 0 once
                if (counted != null) {
                    long bytes = Sizes.uncompressed(counted);
                    total = bytes > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + bytes; // saturates for huge grids
                }
            }
            if (OzxPacker.isOzx(target) && !ozxPack && !(resume && Files.isDirectory(Path.of(target + ".parts")))) {
                return writeOzxInOnePass(cmd, src, steps, total, durability, ctx);
            }
            // --ozx-pack, or the resume of a run that used it: written as a directory beside it, then packed
            boolean ozx = OzxPacker.isOzx(target);
            String written = ozx ? target + ".parts" : target;
            Locations.requireDisjoint(cmd, src, written);
            if (ozx && !write.overwrite && !resume && Files.exists(Path.of(target))) {
                throw new CommandLine.ParameterException(cmd, target + " exists; give --overwrite to replace it");
            }
            if (ozx && (resume || write.overwrite)) {
                OzxPacker.removeTemporaryArchives(Path.of(target)); // left by a run killed while packing
            }
            if (ozx && resume && Files.exists(Path.of(target)) && Files.isDirectory(Path.of(written))
                    && !Files.exists(Path.of(written).resolve(dev.ngff.write.IncompleteMarker.NAME))) {
                // killed while removing the directory after the packed archive was moved into place
                deleteTree(Path.of(written));
                cmd.getOut().println(target + " is complete; removed what was left of " + written);
                cmd.getOut().flush();
                return verifyIfAsked(cmd, src, steps, ctx);
            }
            if (ozx && resume && Files.exists(Path.of(target)) && !Files.exists(Path.of(written))) {
                cmd.getOut().println(target + " is complete; nothing to resume");
                cmd.getOut().flush();
                return verifyIfAsked(cmd, src, steps, ctx);
            }
            int code;
            try (Store dst = Locations.openWritable(cmd, written, durability == Durability.ALWAYS)) {
                code = run(cmd, src, dst, null, steps, total, durability, ctx);
            }
            if (ozx && code == 0) {
                boolean marked = OzxPacker.pack(Path.of(written), Path.of(target));
                deleteTree(Path.of(written));
                cmd.getOut().println("packed " + target + (marked ? " (RFC-9 recommended variant)"
                        : " (unsharded arrays: no RFC-9 archive comment; give --shards for the recommended variant)"));
                cmd.getOut().flush();
            }
            return code == 0 ? verifyIfAsked(cmd, src, steps, ctx) : code;
        }
    }

    /**
     * A .ozx target written in one pass (docs/convert.md): the planned zarr.json entries first, data entries as
     * they complete, the central directory when the run has finished; the writer state in DST.state beside it.
     */
    private int writeOzxInOnePass(CommandLine cmd, ReadableStore src, List<Step> steps, long total,
                                  Durability durability, ExecutionContext ctx) throws IOException {
        Path archive = Path.of(target);
        Path state = OzxTarget.stateDir(archive);
        Locations.requireDisjoint(cmd, src, target);
        if (!write.overwrite && !resume && (Files.exists(archive) || Files.exists(state))) {
            throw new CommandLine.ParameterException(cmd, (Files.exists(archive) ? target : state)
                    + " exists; give --overwrite to replace it (or --resume to finish it)");
        }
        if (resume && Files.exists(archive) && !Files.exists(state)) {
            cmd.getOut().println(target + " is complete; nothing to resume");
            cmd.getOut().flush();
            return verifyIfAsked(cmd, src, steps, ctx);
        }
        if (write.overwrite && Files.isDirectory(state)) {
            deleteTree(state);
        }
        Map<Key, dev.ngff.metadata.NodeMetadata> nodes = new LinkedHashMap<>();
        for (Step s : steps) {
            switch (s) {
                case ArrayStep a -> nodes.put(a.path(), a.meta());
                case GroupStep g -> nodes.put(g.path(), g.meta());
                case PyramidStep p -> {
                    for (int k = 0; k < p.levels().size(); k++) {
                        nodes.put(p.levelPaths().get(k), p.levels().get(k));
                    }
                }
                case ObjectStep o -> { }
            }
        }
        int code;
        boolean recommended;
        try (OzxTarget out = OzxTarget.open(archive, nodes, resume, durability != Durability.NONE)) {
            out.store().resumeReport().filter(r -> r.droppedBytes() > 0 || r.tornSlots() > 0).ifPresent(r -> {
                cmd.getOut().println("resuming " + target + ": kept " + r.keptEntries() + " intact entries, cut "
                        + r.droppedBytes() + " bytes after file offset " + r.cutAt());
                cmd.getOut().flush();
            });
            code = run(cmd, src, out.store(), out.partialShardStore(), steps, total, durability, ctx);
            recommended = out.recommendedVariant();
            if (code == 0) {
                out.finish();
            }
        }
        if (code != 0) {
            return code;
        }
        cmd.getOut().println("wrote " + target + " in one pass" + (recommended ? " (RFC-9 recommended variant)"
                : " (unsharded arrays: no RFC-9 archive comment; give --shards for the recommended variant)"));
        cmd.getOut().flush();
        return verifyIfAsked(cmd, src, steps, ctx);
    }

    /** Something that opens or plans, and may find that an option does not fit the source. */
    interface Planning<T> {
        T get() throws IOException;
    }

    /** The value of {@code p}; an option that does not fit the source is a usage error. */
    static <T> T usage(CommandLine cmd, Planning<T> p) throws IOException {
        try {
            return p.get();
        } catch (ConvertOptionException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
    }

    /** Exit code after {@code --verify} (when given) of the finished target; 0 without it. */
    int verifyIfAsked(CommandLine cmd, ReadableStore src, List<Step> steps, ExecutionContext ctx) throws IOException {
        return 0;
    }

    /** A pass's share of {@code --memory}; a usage error when the budget cannot hold one of its blocks. */
    private MemoryBudget.PassShare passShare(CommandLine cmd, PyramidStep p, int inFlight) {
        long block = Sizes.product(Sizes.elementBytes(p.source().dataType()), dev.ngff.buffer.NdBuffer.elementCount(
                PyramidWriter.levelZeroBlockShape(p.source(), p.levels().getFirst())));
        try {
            return MemoryBudget.pass(memoryBudget, inFlight, block);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--memory: " + e.getMessage() + " (image '"
                    + p.path().path() + "')");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * The layout of the written arrays from the shared options.
     *
     * @param zarrFormat 2 or 3, or null to keep each source array's
     */
    TargetLayout layout(CommandLine cmd, Integer zarrFormat) {
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

    /** @param partialShards where a pyramid pass stages incomplete shards; null for {@code dst} itself */
    private int run(CommandLine cmd, ReadableStore src, Store dst, dev.ngff.store.WritableStore partialShards,
                    List<Step> steps, long total, Durability durability, ExecutionContext ctx) throws IOException {
        String resumeCommand = resumeCommand(cmd);
        LockHolder me = LockHolder.currentProcess(commandLine());
        WriterLock lock = WriterLock.acquire(dst, Key.ROOT, me, breakLock ? WriterLock.Mode.BREAK : WriterLock.Mode.TAKE_OVER_DEAD);
        if (lock.abortedUploads() > 0) {
            cmd.getErr().println(dst.describe() + ": aborted " + lock.abortedUploads()
                    + " unfinished upload(s) that the interrupted writer left");
        }
        lock.uploadCleanupFailure().ifPresent(why -> cmd.getErr().println("warning: unfinished uploads of the interrupted writer"
                + " were not aborted (a bucket lifecycle rule removes them): " + why));
        Interrupt interrupt = new Interrupt(job());
        boolean marked = false;
        boolean finished = false;
        String interruptedMessage = null;
        try {
            interrupt.install();
            Map<String, String> options = shapingOptions(cmd);
            Optional<IncompleteMarker> marker = IncompleteMarker.read(dst, Key.ROOT);
            if (!prepare(dst, src, marker, options, resumeCommand, me)) {
                finished = true; // a resume of a run that had finished
                cmd.getOut().println(dst.describe() + " is complete; nothing to resume");
                cmd.getOut().flush();
                return 0;
            }
            marked = true;
            BlockJournal journal = BlockJournal.open(dst, Key.ROOT);
            long start = System.nanoTime();
            long skipped = 0;
            long blocks = 0;
            try (Progress bar = Progress.open(job(), total, write.progress, cmd.getErr())) {
                int ordinal = 0;
                for (Step s : steps) {
                    if (s instanceof ArrayStep a) {
                        ZarrArray out = Zarr.newArray(dst, a.path(), a.meta(), ctx);
                        int workers = memoryBudget < 0 ? write.workers
                                : MemoryBudget.workers(write.workers, blockBytes, 2 * memoryBudget);
                        ArrayCopier.Outcome o = ArrayCopier.copy(a.source(), out, workers, blockBytes, bar::step, journal,
                                Integer.toString(ordinal++), interrupt::requested);
                        blocks += o.blocks();
                        skipped += o.skipped();
                        if (o.cancelled()) {
                            throw interrupted(dst, resumeCommand);
                        }
                        lock.requireHeld();
                        out.publish(durability); // data first (forced under --fsync commit), then the array's metadata
                    } else if (s instanceof PyramidStep p) {
                        if (interrupt.requested()) {
                            throw interrupted(dst, resumeCommand);
                        }
                        String unit = Integer.toString(ordinal++);
                        blocks++;
                        if (journal.verified(unit, 0)) {
                            // an interrupted run finished and published these levels: every object is as it wrote it
                            skipped++;
                            bar.step(Sizes.uncompressed(p.levels().getFirst()));
                            continue;
                        }
                        List<ZarrArray> targets = new ArrayList<>();
                        for (int k = 0; k < p.levels().size(); k++) {
                            targets.add(Zarr.newArray(dst, p.levelPaths().get(k), p.levels().get(k), ctx));
                        }
                        // each level-0 block is read with its own chunk parallelism: blocks beyond the cores add
                        // memory, not speed (measured: 4 in flight on 2 cores, 1.7 GB and slower than 2)
                        int inFlight = Math.min(write.workers, Math.max(2, Runtime.getRuntime().availableProcessors()));
                        PyramidWriter.Options passOptions = PyramidWriter.Options.defaults().withBlocksInFlight(inFlight)
                                .withPartialShardStore(partialShards);
                        if (memoryBudget > 0) {
                            MemoryBudget.PassShare share = passShare(cmd, p, inFlight); // checked before the run
                            passOptions = passOptions.withBlocksInFlight(share.blocksInFlight()).withBufferBytes(share.writerBytes());
                        }
                        PyramidWriter.write(p.source(), targets, p.plan(), p.method(), passOptions, bar::step);
                        lock.requireHeld();
                        List<Key> written = new ArrayList<>();
                        for (ZarrArray level : targets) {
                            level.publish(durability);
                            written.addAll(dst.list(level.path()));
                        }
                        // the whole pass is one journal block: a resume redoes an unfinished pass (deterministic,
                        // so the same bytes) and keeps a finished one
                        journal.record(unit, 0, written);
                    }
                }
                for (Step s : steps) {
                    if (s instanceof ObjectStep o) {
                        lock.requireHeld();
                        Optional<dev.ngff.buffer.Bytes> bytes = src.read(o.sourceKey());
                        if (bytes.isEmpty()) {
                            throw new dev.ngff.error.NodeNotFoundException(src.describe() + " '" + o.sourceKey().path()
                                    + "': the object disappeared while it was being converted");
                        }
                        dst.write(o.path(), bytes.get());
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
                List<Key> arrays = s instanceof ArrayStep a ? List.of(a.path())
                        : s instanceof PyramidStep p ? p.levelPaths() : List.of();
                for (Key k : arrays) {
                    StoredChunks sc = StoredChunks.of(dst, k).orElseThrow();
                    chunkCount += sc.chunks();
                    stored += sc.bytes();
                }
            }
            cmd.getOut().println(Sizes.summary(job().equals("copy") ? "copied" : "converted", total, nanos, chunkCount, stored)
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
                    cmd.getErr().println("ngff " + job() + ": " + interruptedMessage);
                    cmd.getErr().flush();
                }
                interrupt.done();
            }
        }
    }

    /**
     * Checks the destination and marks it incomplete. False when {@code --resume} finds a finished
     * run (no marker, a node at the root).
     */
    private boolean prepare(Store dst, ReadableStore src, Optional<IncompleteMarker> marker, Map<String, String> options,
                            String resumeCommand, LockHolder me) throws IOException {
        List<Key> existing = dev.ngff.convert.BulkTarget.ownKeysRemoved(dst.list(Key.ROOT));
        Instant startedAt = Instant.now();
        if (resume) {
            if (marker.isPresent()) {
                IncompleteMarker m = marker.get();
                if (!m.job().equals(job()) || !m.source().equals(src.describe()) || !m.options().equals(options)) {
                    throw new StoreException(dst.describe() + " holds an unfinished " + m.job() + " from " + m.source()
                            + " with options " + m.options() + "; resume it with the same source and options: " + m.resume());
                }
                startedAt = m.startedAt();
            } else if (!existing.isEmpty()) {
                if (Zarr.readMetadata(dst, Key.ROOT).isPresent()) {
                    LocalFiles.removeTempFiles(dst, Key.ROOT);
                    return false;
                }
                throw new StoreException(dst.describe() + " holds " + existing.size() + " objects but no unfinished "
                        + job() + " (no " + IncompleteMarker.NAME + "); nothing to resume there");
            }
        } else if (marker.isPresent() && !write.overwrite) {
            throw new StoreException(marker.get().describe(dst, Key.ROOT) + " (or give --overwrite to start over)");
        } else if (!existing.isEmpty() && !write.overwrite) {
            boolean node = Zarr.readMetadata(dst, Key.ROOT).isPresent();
            throw new StoreException(dst.describe() + " is not empty (" + existing.size() + " objects"
                    + (node ? ", a Zarr node at its root" : "") + "); give --overwrite to replace it");
        }
        new IncompleteMarker(job(), src.describe(), options, startedAt, me, resumeCommand).write(dst, Key.ROOT);
        if (write.overwrite) {
            for (Key k : dev.ngff.convert.BulkTarget.ownKeysRemoved(dst.list(Key.ROOT))) {
                dst.delete(k);
            }
            BlockJournal.open(dst, Key.ROOT).clear();
        }
        LocalFiles.removeTempFiles(dst, Key.ROOT); // left by a killed run; nothing else writes here now
        return true;
    }


    private Interrupted interrupted(Store dst, String resumeCommand) {
        return new Interrupted("interrupted; " + dst.describe() + " is left incomplete (marked by "
                + IncompleteMarker.NAME + ", finished blocks journaled under " + BlockJournal.PREFIX
                + "/, no temporary files); finish it with: " + resumeCommand);
    }

    /** The run stopped on request (Ctrl-C). */
    static final class Interrupted extends NgffException {
        private static final long serialVersionUID = 1L;

        Interrupted(String message) {
            super(message);
        }
    }

    /**
     * Ctrl-C while writing: a shutdown hook asks the run to stop submitting blocks and waits until it
     * has finished the blocks in flight, removed temporary files, released the lock and said what state
     * it left. Not reentrant; one per run.
     */
    private static final class Interrupt {
        private final java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        private final String job;
        private Thread hook;

        Interrupt(String job) {
            this.job = job;
        }

        void install() {
            hook = new Thread(() -> {
                requested.set(true);
                try {
                    stopped.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ngff-" + job + "-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean requested() {
            return requested.get();
        }

        /** The run has stopped (finished, failed or interrupted): the hook may let the JVM exit. */
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
        for (String name : shapingOptions()) {
            CommandLine.Model.OptionSpec o = cmd.getParseResult().matchedOption(name);
            if (o != null) {
                out.put(name, String.join(",", o.originalStringValues()));
            }
        }
        return out;
    }

    /** The command that resumes this run: the same source, target and options, with {@code --resume}. */
    private String resumeCommand(CommandLine cmd) {
        StringBuilder sb = new StringBuilder("ngff " + job() + " --resume");
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

    private String commandLine() {
        return "ngff " + job() + " " + quote(source) + " " + quote(target);
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
