package dev.ngff.cli;

import dev.ngff.convert.CopyPlanner;
import dev.ngff.convert.TargetLayout;
import dev.ngff.convert.Step;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
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
        return CopyPlanner.plan(src, layout, ctx);
    }
}
