package dev.ngff.cli;

import dev.ngff.convert.CodecChoice;
import dev.ngff.convert.BlockPlan;
import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.MemoryBudget;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ngff sample}: writes a synthetic uint16 microscopy image: by default a multiscale OME-Zarr 0.5
 * image (sharded, zstd, a pyramid made in the same pass), optionally with channels, timepoints and a
 * labels image of its cells; {@code --plain} writes one plain array.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        header = "Write a synthetic multiscale OME-Zarr image (uint16), or one plain array.",
        description = {"A smooth dark background, Gaussian cells of random size and brightness and shot noise, "
                + "deterministic from the seed, generated block by block in parallel so memory stays bounded.",
                "By default an OME-Zarr 0.5 image: level 0 and every pyramid level are written in one pass "
                + "(sharded, zstd), each level published after its data and the multiscales metadata last."})
public final class SampleCommand implements Callable<Integer> {
    private static final long[] DEFAULT_CHUNKS = {32, 256, 256};

    /** Block size to aim for; smaller than for copies, as rendering also holds a float plane. */
    private static final long BLOCK_BYTES = 32L << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<dst>", description = "Target directory.")
    String target;

    @Option(names = "--shape", paramLabel = "Z,Y,X", converter = Dims.Converter.class, defaultValue = "64,512,512",
            description = "Array shape, 3-d (z,y,x) or 2-d (y,x) (default: ${DEFAULT-VALUE}).")
    Dims shapeArg;

    @Option(names = "--chunks", paramLabel = "N,N,...", converter = Dims.Converter.class,
            description = "Chunk shape (inner chunks when sharded; default: 32,256,256 clipped to the shape).")
    Dims chunksArg;

    @Option(names = "--shards", paramLabel = "N,N,...", converter = Dims.Converter.class,
            description = "Shard shape (Zarr v3 only; default: no sharding).")
    Dims shardsArg;

    @Option(names = "--codec", paramLabel = "none|CODEC[+CODEC...]", converter = CodecChoiceConverter.class,
            description = "Codecs, as for 'ngff copy --codec' (default: zstd when available, else gzip).")
    CodecChoice codec;

    @Option(names = "--zarr-format", paramLabel = "2|3",
            description = "Zarr format (default: 3; 2 writes an OME-Zarr 0.4 image, or a v2 array with --plain).")
    Integer zarrFormatArg;

    @Option(names = "--plain", description = "Write one plain Zarr array (no OME metadata, no pyramid).")
    boolean plain;

    @Option(names = "--ngff-version", paramLabel = "0.4|0.5|0.6",
            description = "OME-NGFF version of the image (default: 0.5; 0.4 is written as Zarr v2).")
    String ngffVersion;

    @Option(names = "--channels", paramLabel = "N", defaultValue = "1",
            description = "Channels (a 'c' axis when more than 1; default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--timepoints", paramLabel = "N", defaultValue = "1",
            description = "Timepoints (a 't' axis when more than 1; cells drift over time; default: ${DEFAULT-VALUE}).")
    int timepoints;

    @Option(names = "--labels", description = "Add a labels image 'cells' of the first channel's cells (uint32, "
            + "downsampled by mode).")
    boolean labels;

    @Option(names = "--levels", paramLabel = "auto|N", defaultValue = "auto",
            description = "Pyramid levels: auto (until the spatial axes fit one chunk) or a count (default: ${DEFAULT-VALUE}).")
    String levels;

    @Option(names = "--method", paramLabel = "mean|gaussian|mode|nearest|min|max", defaultValue = "mean",
            description = "How the image's levels are downsampled (default: ${DEFAULT-VALUE}; labels always use mode).")
    String method;

    @Option(names = "--pixel-size", paramLabel = "Z,Y,X", defaultValue = "1,0.5,0.5",
            description = "Physical pixel size in micrometers, z,y,x or y,x (default: ${DEFAULT-VALUE}).")
    String pixelSizeArg;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    WriteOptions write;

    /** The --shape extents, set when the command runs. */
    private long[] shape;
    private int zarrFormat;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        shape = shapeArg.values();
        if (!plain) {
            return new OmeSample(this, cmd).run();
        }
        zarrFormat = zarrFormatArg == null ? 3 : zarrFormatArg;
        if (channels != 1 || timepoints != 1 || labels || ngffVersion != null) {
            throw new CommandLine.ParameterException(cmd, "--channels, --timepoints, --labels and --ngff-version "
                    + "describe an OME-Zarr image; --plain writes one array");
        }
        ArrayMetadata meta = metadata(cmd);
        SampleVolume volume = SampleVolume.of(shape, seed);
        long total = Sizes.uncompressed(meta);
        try (Store dst = Locations.openTarget(cmd, target, write.overwrite);
             ExecutionContext ctx = ExecutionContext.create()) {
            long start = System.nanoTime();
            ZarrArray array = Zarr.newArray(dst, Key.ROOT, meta, ctx);
            try (Progress bar = Progress.open("sample", total, write.progress, cmd.getErr())) {
                generate(array, volume, bar);
            }
            array.publish(); // data first: a killed run leaves no array that reads as zeros
            long nanos = System.nanoTime() - start;
            StoredChunks stored = StoredChunks.of(dst, Key.ROOT).orElseThrow();
            cmd.getOut().println(Sizes.summary("wrote", total, nanos, stored.chunks(), stored.bytes())
                    + ", " + volume.blobCount() + " cells, seed " + seed);
            cmd.getOut().flush();
        }
        return 0;
    }

    private void generate(ZarrArray array, SampleVolume volume, Progress bar) throws IOException {
        BlockPlan plan = BlockPlan.of(shape, array.chunkShape(), 2, BLOCK_BYTES);
        try (ChunkTasks runner = new ChunkTasks(MemoryBudget.workers(write.workers, plan.blockBytes(2)))) {
            for (long i = 0; i < plan.count(); i++) {
                long[] offset = plan.offset(i);
                long[] extent = plan.extent(offset);
                boolean started = runner.submit(() -> {
                    NdBuffer block = NdBuffer.allocate(DataType.UINT16, extent);
                    volume.render(offset, block);
                    array.write(offset, block);
                    bar.step(block.segment().byteSize());
                });
                if (!started) {
                    break;
                }
            }
            runner.await();
        }
    }

    private ArrayMetadata metadata(CommandLine cmd) {
        if (shape.length != 2 && shape.length != 3) {
            throw new CommandLine.ParameterException(cmd, "--shape must have 2 or 3 dimensions, got " + Arrays.toString(shape));
        }
        if (zarrFormat != 2 && zarrFormat != 3) {
            throw new CommandLine.ParameterException(cmd, "--zarr-format must be 2 or 3, got " + zarrFormat);
        }
        write.validate(cmd);
        long[] inner = chunksArg != null ? chunksArg.values() : defaultChunks();
        requireRank(cmd, inner, "--chunks");
        List<CodecSpec> chain = new ArrayList<>();
        chain.add(compressorChoice().serializer().orElse(Codecs.bytes("little")));
        chain.addAll(compressorChoice().compressors(DataType.UINT16, zarrFormat));
        long[] grid = inner;
        if (shardsArg != null) {
            long[] shards = shardsArg.values();
            if (zarrFormat == 2) {
                throw new CommandLine.ParameterException(cmd, "Zarr v2 has no sharding: --shards needs --zarr-format 3");
            }
            requireRank(cmd, shards, "--shards");
            for (int d = 0; d < shards.length; d++) {
                if (shards[d] % inner[d] != 0) {
                    throw new CommandLine.ParameterException(cmd, "--shards " + Arrays.toString(shards)
                            + " is not a multiple of the chunk shape " + Arrays.toString(inner));
                }
            }
            chain = List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true));
            grid = shards;
        }
        ObjectNode attrs = Json.object();
        attrs.put("generator", "ngff sample");
        attrs.put("seed", seed);
        ArrayMetadata.Builder b = ArrayMetadata.builder(DataType.UINT16, shape)
                .zarrFormat(zarrFormat).chunks(grid).codecs(chain).attributes(attrs);
        if (zarrFormat == 3) {
            b.dimensionNames(shape.length == 3 ? List.of("z", "y", "x") : List.of("y", "x"));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
    }

    CodecChoice compressorChoice() {
        if (codec != null) {
            return codec;
        }
        return CodecChoice.defaultCompressor();
    }

    private long[] defaultChunks() {
        long[] c = new long[shape.length];
        for (int d = 0; d < c.length; d++) {
            c[d] = Math.min(shape[d], DEFAULT_CHUNKS[DEFAULT_CHUNKS.length - c.length + d]);
        }
        return c;
    }

    private void requireRank(CommandLine cmd, long[] s, String option) {
        if (s.length != shape.length) {
            throw new CommandLine.ParameterException(cmd, option + " " + Arrays.toString(s) + " has "
                    + s.length + " dimensions, --shape " + shape.length);
        }
    }
}
