package dev.ngff.cli;

import dev.ngff.convert.CodecChoice;
import dev.ngff.convert.internal.Sizes;
import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.QueueFullException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code ngff acquire}: a simulated camera streaming synthetic frames through the acquisition writer, at a
 * given rate or as fast as the writer takes them; the demo of {@link AcquisitionWriter} and the driver of
 * its benchmark. Frame {@code i} is one of a pool of noisy frames with {@code i} stamped in its first four
 * elements (16 bits each), so a reader can check every frame's place.
 */
@Command(name = "acquire", mixinStandardHelpOptions = true,
        header = "Stream synthetic camera frames into an OME-Zarr image, as an acquisition would.",
        description = {"Frames go through a queue bounded in bytes into shards written once each; lower pyramid "
                + "levels are made as frames arrive. The image is valid at every moment: its extent covers only "
                + "flushed, complete indices of the first axis. Killed, it is resumed with --resume.",
                "Prints the rate, frames dropped (with --overflow fail), the queue's high-water mark and peak memory."})
public final class AcquireCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<target>", description = "Where the image goes (directory or URI).")
    String target;

    @Option(names = "--frames", paramLabel = "N", description = "Frames to acquire in all (with --resume: the total to reach).")
    Long frames;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Acquire for this long (or until --frames).")
    Double duration;

    @Option(names = "--frame-shape", paramLabel = "Y,X", defaultValue = "2048,2048", converter = Dims.Converter.class,
            description = "Shape of one frame (default: ${DEFAULT-VALUE}).")
    Dims frameShape;

    @Option(names = "--dims", paramLabel = "AXIS[=N],...", defaultValue = "t",
            description = "Outer axes in acquisition order, from t, c, z; the first may have no size (unbounded), "
                    + "e.g. t,c=2,z=10 (default: ${DEFAULT-VALUE}).")
    String dims;

    @Option(names = "--dtype", paramLabel = "uint8|uint16|float32", defaultValue = "uint16",
            description = "Data type (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--rate", paramLabel = "FPS|max", defaultValue = "max",
            description = "Frames per second, or max (as fast as the writer takes them; default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--codec", paramLabel = "none|CODEC[+CODEC...]", converter = CodecChoiceConverter.class,
            description = "Codecs, as for 'ngff copy --codec' (default: zstd level 1 when available, else gzip 1).")
    CodecChoice codec;

    @Option(names = "--chunks", paramLabel = "Y,X", converter = Dims.Converter.class,
            description = "Inner chunk shape in the frame (default: 256,256, clipped).")
    Dims chunks;

    @Option(names = "--shard-depth", paramLabel = "N", defaultValue = "32",
            description = "Frames a shard spans along the last outer axis (default: ${DEFAULT-VALUE}); 0: no sharding.")
    int shardDepth;

    @Option(names = "--levels", paramLabel = "N", defaultValue = "1",
            description = "Pyramid levels built live, level 0 included (default: ${DEFAULT-VALUE}).")
    String levels;

    @Option(names = "--method", paramLabel = "mean|mode|nearest|min|max", description = "Downsampling of the live levels (default: mean).")
    String method;

    @Option(names = "--pixel-size", paramLabel = "[Z,]Y,X", defaultValue = "1,1,1",
            description = "Physical pixel size in micrometers (default: ${DEFAULT-VALUE}).")
    String pixelSize;

    @Option(names = "--flush-every", paramLabel = "N", defaultValue = "0",
            description = "Flush after every N frames, printing 'flushed N' (default: 0, only at the end).")
    long flushEvery;

    @Option(names = "--queue-mib", paramLabel = "MiB", defaultValue = "128", description = "Frame queue bound (default: ${DEFAULT-VALUE}).")
    long queueMib;

    @Option(names = "--buffer-mib", paramLabel = "MiB", defaultValue = "256",
            description = "Shard write buffer of level 0 (default: ${DEFAULT-VALUE}).")
    long bufferMib;

    @Option(names = "--overflow", paramLabel = "block|fail", defaultValue = "block",
            description = "When the queue is full: block the camera, or drop the frame (default: ${DEFAULT-VALUE}).")
    String overflow;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--fsync", paramLabel = "none|always", defaultValue = "none",
            description = "always: every object is forced to disk as written (survives power loss; default: ${DEFAULT-VALUE}).")
    String fsync;

    @Option(names = "--ngff-version", paramLabel = "0.4|0.5|0.6", defaultValue = "0.5", description = "OME-NGFF version (default: ${DEFAULT-VALUE}).")
    String ngffVersion;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic frames (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Go on with an acquisition that was interrupted, from its last flushed frame.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace what is at the target.")
    boolean overwrite;

    private static final int POOL = 8;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (frames == null && duration == null) {
            throw new CommandLine.ParameterException(cmd, "give --frames N or --duration SECONDS");
        }
        if (threads < 1 || queueMib < 1 || bufferMib < 1 || flushEvery < 0 || shardDepth < 0) {
            throw new CommandLine.ParameterException(cmd, "--threads, --queue-mib and --buffer-mib must be positive,"
                    + " --flush-every and --shard-depth not negative");
        }
        if (resume && overwrite) {
            throw new CommandLine.ParameterException(cmd, "--resume and --overwrite exclude each other");
        }
        double fps = parseRate(cmd);
        AcquisitionWriter.Overflow policy = switch (overflow.toLowerCase(Locale.ROOT)) {
            case "block" -> AcquisitionWriter.Overflow.BLOCK;
            case "fail" -> AcquisitionWriter.Overflow.FAIL;
            default -> throw new CommandLine.ParameterException(cmd, "--overflow must be block or fail, got " + overflow);
        };
        boolean fsyncAll = switch (fsync.toLowerCase(Locale.ROOT)) {
            case "none" -> false;
            case "always" -> true;
            default -> throw new CommandLine.ParameterException(cmd, "--fsync must be none or always, got " + fsync);
        };
        AcquisitionWriter.Options options = AcquisitionWriter.Options.defaults().withQueueBytes(queueMib << 20)
                .withBufferBytes(bufferMib << 20).withWriterThreads(threads).withOverflow(policy);
        try (Store store = resume ? Locations.openWritable(cmd, target, fsyncAll) : openNew(cmd, fsyncAll);
             ExecutionContext ctx = ExecutionContext.create()) {
            AcquisitionWriter w = resume && !neverStarted(store) ? AcquisitionWriter.resume(store, Key.ROOT, options, ctx)
                    : AcquisitionWriter.create(store, Key.ROOT, spec(cmd), options, ctx);
            return stream(cmd, w, fps);
        }
    }

    /**
     * Whether an acquisition to resume was killed before its image existed (its record says no frame was
     * flushed, its writer is gone): then it starts again from these options.
     */
    private static boolean neverStarted(Store store) throws IOException {
        if (!AcquisitionWriter.flushedFrames(store, Key.ROOT).equals(java.util.Optional.of(0L))
                || dev.ngff.array.Zarr.isNode(store, Key.ROOT)) {
            return false;
        }
        java.util.Optional<dev.ngff.write.LockHolder> holder = dev.ngff.write.WriterLock.holder(store, Key.ROOT);
        return holder.isEmpty() || holder.get().provablyDead();
    }

    private Store openNew(CommandLine cmd, boolean fsyncAll) throws IOException {
        Locations.openTarget(cmd, target, overwrite).close(); // refuses a non-empty target unless --overwrite
        return Locations.openWritable(cmd, target, fsyncAll);
    }

    private double parseRate(CommandLine cmd) {
        if (rate.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double r = Double.parseDouble(rate);
            if (r > 0 && Double.isFinite(r)) {
                return r;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CommandLine.ParameterException(cmd, "--rate must be frames per second or max, got " + rate);
    }

    private AcquisitionSpec spec(CommandLine cmd) {
        long[] frame = frameShape.values();
        if (frame.length != 2) {
            throw new CommandLine.ParameterException(cmd, "--frame-shape must be Y,X, got " + Arrays.toString(frame));
        }
        DataType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "uint8" -> DataType.UINT8;
            case "uint16" -> DataType.UINT16;
            case "float32" -> DataType.FLOAT32;
            default -> throw new CommandLine.ParameterException(cmd, "--dtype must be uint8, uint16 or float32, got " + dtype);
        };
        NgffVersion version = NgffVersion.of(ngffVersion);
        if (version.zarrFormat() == 2 && shardDepth > 0) {
            shardDepth = 0; // Zarr v2 has no shards
        }
        List<Axis> axes = new ArrayList<>();
        List<Long> shape = new ArrayList<>();
        String order = "";
        for (String part : dims.split(",")) {
            String[] kv = part.trim().split("=", 2);
            String name = kv[0].trim().toLowerCase(Locale.ROOT);
            long size = 0;
            if (kv.length == 2) {
                try {
                    size = Long.parseLong(kv[1].trim());
                } catch (NumberFormatException e) {
                    size = -1;
                }
                if (size < 1) {
                    throw new CommandLine.ParameterException(cmd, "--dims: '" + part + "' needs a positive size");
                }
            } else if (!axes.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, "--dims: only the first axis may be unbounded; give " + name + "=N");
            }
            if (!"tcz".contains(name) || name.length() != 1 || order.contains(name)
                    || (!order.isEmpty() && "tcz".indexOf(name) < "tcz".indexOf(order.charAt(order.length() - 1)))) {
                throw new CommandLine.ParameterException(cmd, "--dims must be a subset of t,c,z in that order, got " + dims);
            }
            order += name;
            axes.add(switch (name) {
                case "t" -> Axis.time("t", null);
                case "c" -> Axis.channel("c");
                default -> Axis.space("z", "micrometer");
            });
            shape.add(size);
        }
        int outer = axes.size();
        axes.add(Axis.space("y", "micrometer"));
        axes.add(Axis.space("x", "micrometer"));
        shape.add(frame[0]);
        shape.add(frame[1]);
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        int rank = s.length;
        double[] px = new double[rank];
        Arrays.fill(px, 1);
        String[] sizes = pixelSize.split(",");
        for (int i = 0; i < Math.min(3, sizes.length); i++) {
            int d = rank - 1 - i;
            if (d < outer && !axes.get(d).name().equals("z")) {
                break;
            }
            try {
                px[d] = Double.parseDouble(sizes[sizes.length - 1 - i].trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cmd, "--pixel-size: '" + sizes[sizes.length - 1 - i] + "' is not a number");
            }
        }
        long[] inner = new long[rank];
        Arrays.fill(inner, 1);
        long[] c = chunks == null ? new long[] {256, 256} : chunks.values();
        if (c.length != 2) {
            throw new CommandLine.ParameterException(cmd, "--chunks must be Y,X, got " + Arrays.toString(c));
        }
        inner[rank - 2] = Math.min(c[0], frame[0]);
        inner[rank - 1] = Math.min(c[1], frame[1]);
        CodecChoice choice = codec != null ? codec : CodecChoice.parse(dev.ngff.codec.CodecRegistry.standard().supports("zstd")
                ? "zstd:level=1" : "gzip:level=1");
        List<CodecSpec> chain = new ArrayList<>();
        chain.add(choice.serializer().orElse(Codecs.bytes("little")));
        chain.addAll(choice.compressors(type, version.zarrFormat()));
        long[] grid = inner;
        List<CodecSpec> codecs = chain;
        if (shardDepth > 0) {
            grid = inner.clone();
            grid[rank - 2] = (frame[0] + inner[rank - 2] - 1) / inner[rank - 2] * inner[rank - 2]; // whole frame, whole inner chunks
            grid[rank - 1] = (frame[1] + inner[rank - 1] - 1) / inner[rank - 1] * inner[rank - 1];
            long last = s[outer - 1];
            grid[outer - 1] = last == 0 ? shardDepth : Math.min(shardDepth, last);
            codecs = List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true));
        }
        int n;
        try {
            n = Integer.parseInt(levels.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 16) {
            throw new CommandLine.ParameterException(cmd, "--levels must be 1 to 16, got " + levels);
        }
        long[] planShape = s.clone();
        if (planShape[0] == 0) {
            planShape[0] = 1L << 20; // unbounded: plan as for a long axis
        }
        PyramidPlan plan = n == 1 ? PyramidPlan.single(rank) : PyramidPlan.auto(axes, planShape, px, inner, n);
        Downsampling m = PyramidOptions.method(cmd, method, new Downsampling.Mean());
        Omero omero = null;
        int ci = order.indexOf('c');
        if (ci >= 0) {
            List<Omero.Channel> chans = new ArrayList<>();
            for (int i = 0; i < s[ci]; i++) {
                chans.add(Omero.Channel.of("camera " + i, List.of("00FF00", "FF00FF", "00FFFF", "FFFF00").get(i % 4), null));
            }
            omero = new Omero(null, "acquisition", null, chans, null, null);
        }
        ImageSpec image = new ImageSpec(version, "acquisition", axes, type, s, grid, px, null, plan, codecs, omero, null, null);
        try {
            return new AcquisitionSpec(image, 2, m);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    private int stream(CommandLine cmd, AcquisitionWriter w, double fps) throws IOException {
        long[] fs = w.frameShape();
        DataType type = w.dataType();
        long frameBytes = NdBuffer.elementCount(fs) * type.byteSize();
        NdBuffer[] pool = framePool(fs, type, seed);
        MemorySegment stamped = java.lang.foreign.Arena.ofAuto().allocate(frameBytes);
        long start = w.metrics().framesAppended();
        long total = frames != null ? frames : Long.MAX_VALUE;
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
        long t0 = System.nanoTime();
        long dropped = 0;
        long offered = 0;
        boolean ok = false;
        try {
            for (long i = start; i < total && System.nanoTime() < deadline; ) {
                if (fps > 0) {
                    long due = t0 + (long) (offered / fps * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                offered++;
                stamp(pool[(int) (i % POOL)], i, stamped);
                try {
                    w.append(stamped);
                } catch (QueueFullException e) {
                    dropped++;
                    continue;
                }
                i++;
                if (flushEvery > 0 && i % flushEvery == 0) {
                    long n = w.flush();
                    cmd.getOut().println("flushed " + n);
                    cmd.getOut().flush();
                }
            }
            ok = true;
        } finally {
            if (!ok) {
                try {
                    w.close();
                } catch (IOException | RuntimeException suppressed) {
                    // the first failure is the one to report
                }
            }
        }
        w.close();
        AcquisitionWriter.Metrics m = w.metrics();
        long n = m.framesWritten();
        long nanos = System.nanoTime() - t0;
        cmd.getOut().println("acquired " + (m.framesAppended() - start) + " frames of " + Arrays.toString(fs) + " " + type
                + " (" + Sizes.bytes(n * frameBytes) + ") in " + Sizes.seconds(nanos) + ": "
                + String.format(Locale.ROOT, "%.0f MB/s", n * (double) frameBytes / nanos * 1e3)
                + ", " + m.framesAppended() + " frames in the image, dropped " + dropped
                + ", queue high-water " + Sizes.bytes(m.queueHighWaterBytes()) + ", latency mean "
                + String.format(Locale.ROOT, "%.1f ms max %.1f ms", m.meanLatencyNanos() / 1e6, m.maxLatencyNanos() / 1e6)
                + ", peak RSS " + peakRss());
        cmd.getOut().flush();
        return 0;
    }

    /** Noisy frames around a smooth field, as a camera sees a sample: compressible, not trivially. */
    static NdBuffer[] framePool(long[] shape, DataType type, long seed) {
        NdBuffer[] pool = new NdBuffer[POOL];
        SplittableRandom r = new SplittableRandom(seed);
        long h = shape[0];
        long w = shape[1];
        for (int p = 0; p < POOL; p++) {
            NdBuffer b = NdBuffer.allocate(type, shape);
            long e = 0;
            for (long y = 0; y < h; y++) {
                for (long x = 0; x < w; x++, e++) {
                    double base = 300 + 200 * Math.sin((x + 13 * p) / 97.0) * Math.cos(y / 71.0);
                    double v = base + r.nextGaussian() * Math.sqrt(base);
                    if (type.equals(DataType.FLOAT32)) {
                        b.setAsDouble(e, v);
                    } else {
                        long max = type.equals(DataType.UINT8) ? 255 : 65535;
                        b.setAsLong(e, Math.max(0, Math.min(max, Math.round(type.equals(DataType.UINT8) ? v / 4 : v))));
                    }
                }
            }
            pool[p] = b;
        }
        return pool;
    }

    /** Frame {@code i}: its pool frame with {@code i} in the first four elements, 16 bits each (fewer for tiny frames). */
    static void stamp(NdBuffer base, long i, MemorySegment dst) {
        MemorySegment.copy(base.segment(), 0, dst, 0, dst.byteSize());
        NdBuffer f = NdBuffer.wrap(base.dataType(), base.shape(), dst);
        for (int k = 0; k < Math.min(4, f.elementCount()); k++) {
            long part = (i >>> (16 * k)) & 0xFFFF;
            if (base.dataType().equals(DataType.FLOAT32)) {
                f.setAsDouble(k, part);
            } else if (base.dataType().equals(DataType.UINT8)) {
                f.setAsLong(k, part & 0xFF);
            } else {
                f.setAsLong(k, part);
            }
        }
    }

    /** The process's peak resident memory (Linux), or "unknown". */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Sizes.bytes(kb << 10);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return "unknown";
    }
}
