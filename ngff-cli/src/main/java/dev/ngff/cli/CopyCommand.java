package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code ngff copy}: re-encodes an array or a whole hierarchy into a new store. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        header = "Copy an array or a whole hierarchy (Zarr level; see 'ngff convert' for OME-Zarr).",
        description = "Re-encodes an array or a hierarchy (groups, attributes and arrays, recursively) into a new "
                + "directory store, optionally changing the Zarr format, chunks, shards and compressor. By default "
                + "the format, chunks and codecs of the source are kept. Attributes are copied as they are: a copy "
                + "whose OME-NGFF metadata would not fit the target's Zarr format (0.4 needs Zarr v2, 0.5 and 0.6 "
                + "Zarr v3) is refused; 'ngff convert' rewrites OME-Zarr for another version. Blocks of whole target "
                + "chunks (shards) are copied in parallel, so memory stays bounded. The copy holds the target's "
                + "writer lock (.ngff-lock.json) and marks the target incomplete (.ngff-incomplete.json) until it "
                + "ends; each array's metadata is written after its data and the root last. An interrupted copy "
                + "(kill, Ctrl-C, a full disk) is finished with --resume; see docs/write-path.md.")
public final class CopyCommand extends BulkWriteCommand {

    @Option(names = "--zarr-format", paramLabel = "2|3", description = "Zarr format of the copy (default: the source's).")
    Integer zarrFormat;

    /** The options that shape the copy's bytes: a resume must be given the same ones. */
    private static final List<String> SHAPING_OPTIONS = List.of("--zarr-format", "--chunks", "--shards", "--codec",
            "--block-bytes");

    @Override
    String job() {
        return "copy";
    }

    @Override
    List<String> shapingOptions() {
        return SHAPING_OPTIONS;
    }

    private TargetLayout layout;

    @Override
    void validateOptions(CommandLine cmd) {
        if (zarrFormat != null && zarrFormat != 2 && zarrFormat != 3) {
            throw new CommandLine.ParameterException(cmd, "--zarr-format must be 2 or 3, got " + zarrFormat);
        }
        layout = layout(cmd, zarrFormat);
    }

    @Override
    List<Step> plan(CommandLine cmd, ReadableStore src, ExecutionContext ctx) throws IOException {
        List<Step> steps = new ArrayList<>();
        plan(cmd, Zarr.open(src, Key.ROOT, ctx), layout, steps);
        return steps;
    }

    private void plan(CommandLine cmd, ZarrNode node, TargetLayout layout, List<Step> out) throws IOException {
        switch (node) {
            case ZarrArray a -> {
                try {
                    out.add(new ArrayStep(a.path(), a, layout.apply(a.metadata(), a.store().describe() + " '/" + a.path() + "'")));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
                }
            }
            case ZarrGroup g -> {
                int format = layout.zarrFormat() != null ? layout.zarrFormat() : g.zarrFormat();
                OmeFormatRule.requireFits(cmd, g, format);
                out.add(new GroupStep(g.path(), GroupMetadata.of(format, g.attributes())));
                ZarrGroup.ChildListing children = g.listChildren();
                if (!children.skipped().isEmpty()) { // copying the rest would lose them without a word
                    throw new NgffException(g.store().describe() + " '/" + g.path() + "' holds "
                            + Skipped.describe(children.skipped()) + ", which cannot be copied; nothing was written"
                            + " (rename them to copy them)");
                }
                for (String name : children.names()) {
                    plan(cmd, g.open(name), layout, out);
                }
            }
        }
    }
}
