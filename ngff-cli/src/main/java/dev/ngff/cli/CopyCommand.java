package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ngff copy}: re-encodes an array or a whole hierarchy into a new store. */
@Command(name = "copy", aliases = "convert", mixinStandardHelpOptions = true,
        header = "Copy or convert an array or a whole hierarchy.",
        description = "Re-encodes an array or a hierarchy (groups, attributes and arrays, recursively) into a new "
                + "directory store, optionally changing the Zarr format, chunks, shards and compressor. By default "
                + "the format, chunks and codecs of the source are kept. Blocks of whole target chunks (shards) are "
                + "copied in parallel, so memory stays bounded.")
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

    @Option(names = "--codec", paramLabel = "none|gzip[:level]|zstd[:level]", converter = CodecChoice.Converter.class,
            description = "Compressor of the copy (default: the source's).")
    CodecChoice codec;

    @CommandLine.Mixin
    WriteOptions write;

    /** One node to write, in hierarchy order (parents first). */
    private sealed interface Step permits GroupStep, ArrayStep {
        Key path();
    }

    private record GroupStep(Key path, GroupMetadata meta) implements Step {
    }

    private record ArrayStep(Key path, ZarrArray source, ArrayMetadata meta) implements Step {
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        TargetLayout layout = layout(cmd);
        write.validate(cmd);
        try (ReadableStore src = Locations.openReadable(cmd, source);
             ExecutionContext ctx = ExecutionContext.create()) {
            List<Step> steps = new ArrayList<>();
            plan(Zarr.open(src, Key.ROOT, ctx), layout, steps);
            long total = 0;
            for (Step s : steps) {
                if (s instanceof ArrayStep a) {
                    total += Sizes.uncompressed(a.meta());
                }
            }
            Locations.requireDisjoint(cmd, src, target);
            try (Store dst = Locations.openTarget(cmd, target, write.overwrite)) {
                long start = System.nanoTime();
                try (Progress bar = Progress.open("copy", total, write.progress, cmd.getErr())) {
                    for (Step s : steps) {
                        write(s, dst, ctx, bar);
                    }
                }
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
                cmd.getOut().println(Sizes.summary("copied", total, nanos, chunkCount, stored));
                cmd.getOut().flush();
            }
        }
        return 0;
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

    private void write(Step step, Store dst, ExecutionContext ctx, Progress bar) throws IOException {
        switch (step) {
            case GroupStep g -> Zarr.createGroup(dst, g.path(), g.meta(), ctx);
            case ArrayStep a -> {
                ZarrArray out = Zarr.createArray(dst, a.path(), a.meta(), ctx);
                ArrayCopier.copy(a.source(), out, write.workers, bar);
            }
        }
    }
}
