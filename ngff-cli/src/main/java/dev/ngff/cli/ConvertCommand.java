package dev.ngff.cli;

import dev.ngff.convert.ConvertOptionException;
import dev.ngff.convert.ConvertPlanner;
import dev.ngff.convert.TargetLayout;
import dev.ngff.convert.Step;
import dev.ngff.convert.ArrayStep;
import dev.ngff.convert.PyramidStep;
import dev.ngff.convert.internal.Sizes;
import dev.ngff.array.Zarr;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code ngff convert}: an OME-Zarr hierarchy (or a plain array) into OME-Zarr of a chosen version. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        header = "Convert OME-Zarr between versions (0.4, 0.5, 0.6), or a plain Zarr array, a TIFF (OME-TIFF, BigTIFF, "
                + "ImageJ), an N5 container or a raw file into an OME-Zarr image.",
        description = {
            "Reads an OME-Zarr image (with its labels), labels group, plate (wells and fields), well or bioformats2raw "
                    + "collection of version 0.4, 0.5 or 0.6 and writes it as --ngff-version: 0.5 (default; Zarr v3), "
                    + "0.6 (Zarr v3 with coordinate systems) or 0.4 (Zarr v2, '/' chunk keys). The OME metadata is "
                    + "rewritten for the target (versions, axes, transformations, omero, image-label, plate, well, "
                    + "bioformats2raw layout and OME/ series; unknown attributes are kept); every array is re-encoded "
                    + "with the chunks, shards and compressor given (default: the source's), and Zarr v3 arrays get "
                    + "dimension_names equal to the axis names. --chunks and --shards name the image's axes; an array "
                    + "with fewer dimensions (a z, y, x label image of a t, c, z, y, x image) takes their last entries.",
            "--levels auto|N makes the levels anew from level 0 in one streaming pass (--method; mean for images, mode "
                    + "for labels), spatial axes halved finest first until they fit one chunk (auto) or there are N.",
            "A plain Zarr array becomes an image: --axes, --scale and --units describe it.",
            "A TIFF source becomes an image with the axes, scales and channels of its OME-XML or ImageJ header and its "
                    + "own levels (SubIFDs or reduced pages); an OME-TIFF of several images a bioformats2raw collection. "
                    + "An N5 dataset or N5-viewer multiscale group (s0, s1, ...) becomes an image with its levels, axes "
                    + "and pixel resolution. --raw SHAPE,DTYPE[,ORDER] reads a raw C-order array, described by --axes, "
                    + "--scale and --units.",
            "Data first: each array is published after its data, each group's metadata after everything it lists, "
                    + "the root last. The run holds the target's writer lock and marks it incomplete until it ends; "
                    + "--resume finishes an interrupted run (see docs/convert.md and docs/write-path.md)."})
public final class ConvertCommand extends BulkWriteCommand {

    @Option(names = "--ngff-version", paramLabel = "0.5|0.6|0.4", defaultValue = "0.5",
            description = "OME-NGFF version of the output (default: ${DEFAULT-VALUE}).")
    String ngffVersion;

    @Option(names = "--levels", paramLabel = "keep|auto|N", defaultValue = "keep",
            description = "keep (default): the source's levels; auto or N: levels regenerated from level 0.")
    String levels;

    @Option(names = "--method", paramLabel = "mean|gaussian|mode|nearest|min|max",
            description = "How regenerated levels are downsampled (default: mean for images, mode for labels).")
    String method;

    @Option(names = "--axes", paramLabel = "tczyx|NAME[:TYPE],...",
            description = "A plain array's axes: letters (tczyx) or comma-separated names with optional types "
                    + "(t:time,c:channel,y:space,x:space). Default: the last letters of tczyx.")
    String axes;

    @Option(names = "--scale", paramLabel = "S,S,...",
            description = "A plain array's physical pixel size per axis (default: 1 on every axis).")
    String scale;

    @Option(names = "--units", paramLabel = "UNIT,...",
            description = "A plain array's axis units: one per axis (empty for none), or one for every space axis "
                    + "(micrometer).")
    String units;

    @Option(names = "--raw", paramLabel = "SHAPE,DTYPE[,little|big]",
            description = "Read <src> as a raw binary file of one C-order array: SHAPE as NxNx... (64x512x512), DTYPE "
                    + "one of int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64, and the byte "
                    + "order (default little). --axes, --scale and --units describe it.")
    String raw;

    @Option(names = "--verify", description = {"After the conversion, read every array copied from the source and "
            + "level 0 of every pyramid made anew back from the target (the .ozx archive itself for a .ozx) and compare "
            + "it with the source block by block (CRC-32C of each block; one block of each in memory at a time). The "
            + "first block that differs or does not decode is named and the exit code is 1. With --resume on a "
            + "finished target it checks that target."})
    boolean verify;

    /** The options that shape the written bytes and metadata: a resume must be given the same ones. */
    private static final List<String> SHAPING_OPTIONS = List.of("--ngff-version", "--levels", "--method", "--axes",
            "--scale", "--units", "--chunks", "--shards", "--codec", "--block-bytes", "--raw");

    private NgffVersion version;
    private TargetLayout layout;
    /** -1 keeps the source's levels; 0 makes them anew (auto); N makes them anew, at most N. */
    private int maxLevels = -1;

    @Override
    String job() {
        return "convert";
    }

    @Override
    int verifyIfAsked(CommandLine cmd, ReadableStore src, List<Step> steps, ExecutionContext ctx) throws IOException {
        if (!verify) {
            return 0;
        }
        List<LevelVerifier.Check> checks = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof ArrayStep a) {
                checks.add(new LevelVerifier.Check(a.path(), LevelSource.of(a.source())));
            } else if (s instanceof PyramidStep p) {
                checks.add(new LevelVerifier.Check(p.levelPaths().getFirst(), p.source()));
            }
        }
        long start = System.nanoTime();
        try (ReadableStore written = Locations.openReadable(cmd, target)) {
            LevelVerifier.Outcome o = LevelVerifier.verify(written, checks, verifyBlockBytes(), ctx);
            double seconds = (System.nanoTime() - start) / 1e9;
            cmd.getOut().printf(java.util.Locale.ROOT, "verified %s: %d arrays, %d blocks, %s equal to the source "
                    + "(crc32c of the block crcs %s) in %.1f s%n", target, o.arrays(), o.blocks(), Sizes.bytes(o.bytes()),
                    LevelVerifier.hex(o.digest()), seconds);
            cmd.getOut().flush();
        }
        return 0;
    }

    /** The bytes of one block that --verify compares (one of each side in memory at a time). */
    long verifyBlockBytes() {
        long cap = memoryBudget > 0 ? memoryBudget / 8 : 64L << 20; // a block of each side, decoded and encoded
        return Math.max(1, Math.min(blockBytes, cap));
    }

    @Override
    List<String> shapingOptions() {
        return SHAPING_OPTIONS;
    }

    @Override
    void validateOptions(CommandLine cmd) {
        version = switch (ngffVersion.trim()) {
            case "0.4" -> NgffVersion.V0_4;
            case "0.5" -> NgffVersion.V0_5;
            case "0.6", "0.6rc0" -> NgffVersion.V0_6;
            default -> throw new CommandLine.ParameterException(cmd, "--ngff-version must be 0.4, 0.5 or 0.6, got '"
                    + ngffVersion + "'");
        };
        PyramidOptions.method(cmd, method, null); // checked here, used per image
        if (!levels.trim().equalsIgnoreCase("keep")) {
            maxLevels = PyramidOptions.maxLevels(cmd, levels, "keep, auto or a number of levels");
        }
        layout = layout(cmd, version.zarrFormat());
        if (OzxPacker.isOzx(target) && version.zarrFormat() != 3) {
            throw new CommandLine.ParameterException(cmd, "a .ozx target holds Zarr v3 OME-Zarr (0.5 or 0.6), not "
                    + ngffVersion);
        }
    }

    @Override
    ReadableStore openSource(CommandLine cmd) throws IOException {
        try {
            return ConvertPlanner.openSource(source, raw);
        } catch (ConvertOptionException e) {
            throw e;
        } catch (IllegalArgumentException e) { // a malformed location
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
    }

    @Override
    List<Step> plan(CommandLine cmd, ReadableStore src, ExecutionContext ctx) throws IOException {
        return ConvertPlanner.plan(src, new ConvertPlanner.Options(version, maxLevels, method, axes, scale, units, layout),
                ctx);
    }
}
