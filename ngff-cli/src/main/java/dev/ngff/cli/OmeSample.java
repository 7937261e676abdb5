package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.MemoryBudget;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.write.Durability;
import picocli.CommandLine;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The multiscale OME-Zarr image of {@code ngff sample}: one pass writes level 0 and its pyramid. */
final class OmeSample {
    private final SampleCommand c;
    private final CommandLine cmd;

    OmeSample(SampleCommand command, CommandLine cmd) {
        this.c = command;
        this.cmd = cmd;
    }

    int run() throws IOException {
        long[] space = c.shapeArg.values();
        if (space.length != 2 && space.length != 3) {
            throw new CommandLine.ParameterException(cmd, "--shape must have 2 or 3 dimensions (z,y,x or y,x), got "
                    + Arrays.toString(space));
        }
        if (c.channels < 1 || c.timepoints < 1) {
            throw new CommandLine.ParameterException(cmd, "--channels and --timepoints must be at least 1");
        }
        c.write.validate(cmd);
        NgffVersion version = version();
        List<Axis> axes = new ArrayList<>();
        List<Long> full = new ArrayList<>();
        if (c.timepoints > 1) {
            axes.add(Axis.time("t", null));
            full.add((long) c.timepoints);
        }
        if (c.channels > 1) {
            axes.add(Axis.channel("c"));
            full.add((long) c.channels);
        }
        String[] names = space.length == 3 ? new String[] {"z", "y", "x"} : new String[] {"y", "x"};
        for (int d = 0; d < space.length; d++) {
            axes.add(Axis.space(names[d], "micrometer"));
            full.add(space[d]);
        }
        int lead = axes.size() - space.length;
        long[] shape = full.stream().mapToLong(Long::longValue).toArray();
        double[] px = pixelSize(space.length, lead);
        long[] inner = layout(c.chunksArg, DEFAULT_CHUNKS, space, lead, "--chunks");
        long[] shards = null;
        if (version.zarrFormat() == 3) {
            shards = c.shardsArg != null ? layout(c.shardsArg, null, space, lead, "--shards")
                    : defaultShards(space, inner, lead);
            for (int d = 0; d < shards.length; d++) {
                if (shards[d] % inner[d] != 0) {
                    throw new CommandLine.ParameterException(cmd, "--shards " + Arrays.toString(shards)
                            + " is not a multiple of the chunk shape " + Arrays.toString(inner));
                }
            }
        } else if (c.shardsArg != null) {
            throw new CommandLine.ParameterException(cmd, "OME-Zarr 0.4 is Zarr v2, which has no sharding: drop --shards");
        }
        List<CodecSpec> chain = chunkCodecs(version);
        List<CodecSpec> codecs = shards == null ? chain
                : List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true));
        long[] grid = shards == null ? inner : shards;
        PyramidPlan plan = plan(axes, shape, px, inner);
        Downsampling method = PyramidOptions.method(cmd, c.method, new Downsampling.Mean());
        List<Omero.Channel> chans = new ArrayList<>();
        for (int i = 0; i < c.channels; i++) {
            chans.add(Omero.Channel.of("channel " + i, COLORS[i % COLORS.length], null));
        }
        ImageSpec spec = new ImageSpec(version, "sample", axes, DataType.UINT16, shape, grid, px, null, plan, codecs,
                new Omero(null, "sample", null, chans, null, null), null, null);
        Volumes volumes = new Volumes(space, c.seed);
        long total = Sizes.product(NdBuffer.elementCount(shape), 2);
        long blockBytes = Sizes.product(NdBuffer.elementCount(grid), 2);
        PyramidWriter.Options options = PyramidWriter.Options.defaults()
                .withBlocksInFlight(MemoryBudget.workers(c.write.workers, blockBytes));
        try (Store dst = Locations.openTarget(cmd, c.target, c.write.overwrite);
             ExecutionContext ctx = ExecutionContext.create()) {
            long start = System.nanoTime();
            OmeImage image;
            try (Progress bar = Progress.open("sample", total, c.write.progress, cmd.getErr())) {
                image = OmeZarr.writeImage(dst, Key.ROOT, spec, new ImageSource(shape, grid, lead, c.timepoints > 1, volumes, false),
                        method, options, Durability.NONE, bar::step, ctx);
            }
            String labelNote = "";
            if (c.labels) {
                long[] labelShape = shape.clone();
                long[] labelGrid = grid.clone();
                if (c.channels > 1) {
                    labelShape[lead - 1] = 1;
                    labelGrid[lead - 1] = 1;
                }
                List<ImageLabel.Color> colors = colors(volumes.at(0, 0).blobCount());
                OmeZarr.writeLabel(dst, image, "cells", new ImageSource(labelShape, labelGrid, lead, c.timepoints > 1, volumes, true),
                        labelGrid, labelCodecs(inner, shards, version), colors, new Downsampling.Mode(), options, Durability.NONE);
                labelNote = ", labels 'cells'";
            }
            long nanos = System.nanoTime() - start;
            StringBuilder levels = new StringBuilder();
            for (int k = 0; k < plan.levels(); k++) {
                levels.append(k == 0 ? "" : " ").append(Arrays.toString(plan.levelShape(shape, k)));
            }
            cmd.getOut().println("wrote an OME-Zarr " + version.text() + " image of " + Sizes.bytes(total) + " in "
                    + Sizes.seconds(nanos) + " (" + Sizes.rate(total, nanos) + "), " + plan.levels() + " levels "
                    + levels + " by " + method.name() + ", " + volumes.at(0, 0).blobCount() + " cells" + labelNote
                    + ", seed " + c.seed);
            cmd.getOut().flush();
        }
        return 0;
    }

    private static final long[] DEFAULT_CHUNKS = {32, 128, 128};
    private static final long[] DEFAULT_SHARDS = {64, 512, 512};
    private static final String[] COLORS = {"00FF00", "FF00FF", "00FFFF", "FFFF00", "FF0000", "0000FF"};

    private NgffVersion version() {
        NgffVersion v;
        if (c.ngffVersion != null) {
            v = NgffVersion.of(c.ngffVersion);
            if (!v.equals(NgffVersion.V0_4) && !v.equals(NgffVersion.V0_5) && !v.text().equals("0.6")) {
                throw new CommandLine.ParameterException(cmd, "--ngff-version must be 0.4, 0.5 or 0.6, got " + c.ngffVersion);
            }
        } else {
            v = c.zarrFormatArg != null && c.zarrFormatArg == 2 ? NgffVersion.V0_4 : NgffVersion.V0_5;
        }
        if (c.zarrFormatArg != null && c.zarrFormatArg != v.zarrFormat()) {
            throw new CommandLine.ParameterException(cmd, "OME-Zarr " + v.text() + " is Zarr v" + v.zarrFormat()
                    + ", not --zarr-format " + c.zarrFormatArg);
        }
        return v;
    }

    private double[] pixelSize(int spatial, int lead) {
        String[] parts = c.pixelSizeArg.split(",");
        double[] px = new double[lead + spatial];
        Arrays.fill(px, 1);
        if (parts.length != spatial && !(parts.length == 3 && spatial == 2)) {
            throw new CommandLine.ParameterException(cmd, "--pixel-size needs " + spatial + " values, got " + c.pixelSizeArg);
        }
        for (int d = 0; d < spatial; d++) {
            String p = parts[parts.length - spatial + d].trim();
            try {
                px[lead + d] = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cmd, "--pixel-size: '" + p + "' is not a number");
            }
            if (!(px[lead + d] > 0) || Double.isInfinite(px[lead + d])) {
                throw new CommandLine.ParameterException(cmd, "--pixel-size values must be positive, got " + p);
            }
        }
        return px;
    }

    /** A spatial chunk or shard shape (or the default, clipped to the shape) with 1 on the t and c axes. */
    private long[] layout(Dims given, long[] def, long[] space, int lead, String option) {
        long[] s;
        if (given != null) {
            s = given.values();
            if (s.length != space.length) {
                throw new CommandLine.ParameterException(cmd, option + " " + Arrays.toString(s) + " has " + s.length
                        + " dimensions, --shape " + space.length);
            }
        } else {
            s = new long[space.length];
            for (int d = 0; d < s.length; d++) {
                s[d] = Math.min(space[d], def[def.length - s.length + d]);
            }
        }
        long[] out = new long[lead + space.length];
        Arrays.fill(out, 1);
        System.arraycopy(s, 0, out, lead, s.length);
        return out;
    }

    /** Shards of up to 64x512x512, a whole number of chunks, covering no more of an axis than it needs. */
    private static long[] defaultShards(long[] space, long[] inner, int lead) {
        long[] s = inner.clone();
        for (int d = 0; d < space.length; d++) {
            long in = inner[lead + d];
            long want = Math.min(DEFAULT_SHARDS[DEFAULT_SHARDS.length - space.length + d], (space[d] + in - 1) / in * in);
            s[lead + d] = Math.max(in, want / in * in);
        }
        return s;
    }

    private PyramidPlan plan(List<Axis> axes, long[] shape, double[] px, long[] inner) {
        return PyramidPlan.auto(axes, shape, px, inner, PyramidOptions.maxLevels(cmd, c.levels, "'auto' or a number"));
    }

    /** The codecs of one (inner) chunk: the --codec choice (pcodec serialises the array itself), else bytes. */
    private List<CodecSpec> chunkCodecs(NgffVersion version, DataType type) {
        List<CodecSpec> chain = new ArrayList<>();
        chain.add(c.compressorChoice().serializer().orElse(Codecs.bytes("little")));
        chain.addAll(c.compressorChoice().compressors(type, version.zarrFormat()));
        return chain;
    }

    private List<CodecSpec> chunkCodecs(NgffVersion version) {
        return chunkCodecs(version, DataType.UINT16);
    }

    private List<CodecSpec> labelCodecs(long[] inner, long[] shards, NgffVersion version) {
        List<CodecSpec> chain = chunkCodecs(version, DataType.UINT32);
        return shards == null ? chain : List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true));
    }

    /** A colour per cell, from a fixed seed, fully opaque. */
    private static List<ImageLabel.Color> colors(int cells) {
        SplittableRandom r = new SplittableRandom(42);
        List<ImageLabel.Color> out = new ArrayList<>();
        for (int i = 1; i <= cells; i++) {
            out.add(ImageLabel.Color.of(i, 64 + r.nextInt(192), 64 + r.nextInt(192), 64 + r.nextInt(192), 255));
        }
        return out;
    }

    /** One sample volume per channel (its own cells) and timepoint (the same cells, drifted). Thread-safe. */
    private static final class Volumes {
        private final long[] space;
        private final long seed;
        private final ConcurrentHashMap<Long, SampleVolume> byChannel = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<List<Long>, SampleVolume> byChannelAndTime = new ConcurrentHashMap<>();

        Volumes(long[] space, long seed) {
            this.space = space;
            this.seed = seed;
        }

        SampleVolume at(long t, long channel) {
            SampleVolume base = byChannel.computeIfAbsent(channel, ch -> SampleVolume.of(space, seed + 7919 * ch));
            return t == 0 ? base : byChannelAndTime.computeIfAbsent(List.of(t, channel), k -> base.at(t));
        }
    }

    /** The image (or its labels) as a level-0 source: each (t, c) slice of a box rendered by its volume. */
    private record ImageSource(long[] shape, long[] blockShape, int lead, boolean time, Volumes volumes,
                               boolean labels) implements LevelSource {
        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public long[] blockShape() {
            return blockShape.clone();
        }

        @Override
        public DataType dataType() {
            return labels ? DataType.UINT32 : DataType.UINT16;
        }

        @Override
        public NdBuffer read(long[] offset, long[] extent) {
            NdBuffer out = NdBuffer.allocate(dataType(), extent);
            int rank = extent.length;
            long[] spaceOffset = Arrays.copyOfRange(offset, lead, rank);
            long[] spaceExtent = Arrays.copyOfRange(extent, lead, rank);
            long sliceBytes = NdBuffer.elementCount(spaceExtent) * dataType().byteSize();
            long slices = NdBuffer.elementCount(Arrays.copyOfRange(extent, 0, lead));
            for (long i = 0; i < slices; i++) {
                long t = 0;
                long ch = 0;
                if (lead == 2) {
                    t = offset[0] + i / extent[1];
                    ch = offset[1] + i % extent[1];
                } else if (lead == 1) {
                    if (time) {
                        t = offset[0] + i;
                    } else {
                        ch = offset[0] + i;
                    }
                }
                MemorySegment slice = out.segment().asSlice(i * sliceBytes, sliceBytes);
                NdBuffer view = NdBuffer.wrap(dataType(), spaceExtent, slice);
                SampleVolume v = volumes.at(t, labels ? 0 : ch);
                if (labels) {
                    v.renderLabels(spaceOffset, view);
                } else {
                    v.render(spaceOffset, view);
                }
            }
            return out;
        }
    }
}
