package dev.ngff.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.ArrayWriter;
import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * ngff-engine's side of the frame-streaming benchmark ({@code ngff-bench/harness/frames.py}): writes
 * FRAMES uint16 frames of EDGExEDGE (default 1024), one call per frame, into a new array of shards 32xEDGExEDGE with
 * inner chunks 1x256x256, and prints {@code {"seconds": ..., "bytes": ...}}. The frames cycle through
 * a pool read from a raw little-endian file before the clock starts, so every tool writes the same data.
 *
 * <pre>
 * FrameWriteBench DIR zstd|blosc-zstd|none FRAMES POOL_FILE writer|direct|acquire|acquire3 [BUFFER_MIB [EDGE]]
 * </pre>
 * {@code writer} goes through {@link ArrayWriter} (budget BUFFER_MIB, default 128: two shards of
 * decoded data); {@code direct} calls {@link ZarrArray#write} per frame; {@code acquire} streams the frames
 * through {@link AcquisitionWriter} into an OME-Zarr 0.5 image (level 0 at {@code DIR/0}, t unbounded,
 * the same layout), {@code acquire3} with two lower levels (mean, y and x halved) made live.
 */
public final class FrameWriteBench {
    private FrameWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: FrameWriteBench DIR zstd|blosc-zstd|none FRAMES POOL_FILE writer|direct|acquire|acquire3"
                    + " [BUFFER_MIB [EDGE]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String codec = args[1];
        int frames = Integer.parseInt(args[2]);
        byte[] pool = Files.readAllBytes(Path.of(args[3]));
        String mode = args[4];
        boolean buffered = mode.equals("writer");
        long bufferMib = args.length > 5 ? Long.parseLong(args[5]) : 128;
        long edge = args.length > 6 ? Long.parseLong(args[6]) : 1024;
        long frameBytes = edge * edge * 2;
        int poolFrames = (int) (pool.length / frameBytes);
        if (poolFrames < 1) {
            throw new IllegalArgumentException(args[3] + " holds less than one " + edge + "x" + edge + " uint16 frame");
        }
        NdBuffer[] frames0 = new NdBuffer[poolFrames];
        for (int i = 0; i < poolFrames; i++) {
            frames0[i] = NdBuffer.wrap(DataType.UINT16, new long[] {1, edge, edge},
                    MemorySegment.ofArray(pool).asSlice(i * frameBytes, frameBytes));
        }
        CodecSpec compressor = switch (codec) {
            case "none" -> null;
            case "zstd" -> Codecs.zstd(1, false);
            case "blosc-zstd" -> {
                ObjectNode c = Json.object();
                c.put("cname", "zstd");
                c.put("clevel", 1);
                c.put("shuffle", "shuffle");
                c.put("typesize", 2);
                c.put("blocksize", 0);
                yield new CodecSpec("blosc", c);
            }
            default -> throw new IllegalArgumentException("codec must be zstd, blosc-zstd or none, got " + codec);
        };
        List<CodecSpec> inner = compressor == null ? List.of(Codecs.bytes("little")) : List.of(Codecs.bytes("little"), compressor);
        ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, frames, edge, edge).chunks(32, edge, edge)
                .codecs(Codecs.sharding(new long[] {1, 256, 256}, inner,
                        Codecs.defaultShardIndexCodecs(), true)).build();
        if (mode.startsWith("acquire")) {
            acquire(dir, meta, frames, frames0, mode.equals("acquire3") ? 3 : 1, bufferMib, frameBytes, edge);
            return;
        }
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore store = FileSystemStore.open(dir)) {
            ZarrArray array = Zarr.createArray(store, Key.ROOT, meta, ctx);
            long start = System.nanoTime();
            if (buffered) {
                try (ArrayWriter w = array.writer(new ArrayWriter.Options(bufferMib << 20))) {
                    for (int i = 0; i < frames; i++) {
                        w.write(new long[] {i, 0, 0}, frames0[i % poolFrames]);
                    }
                }
            } else {
                for (int i = 0; i < frames; i++) {
                    array.write(new long[] {i, 0, 0}, frames0[i % poolFrames]);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"bytes\": %d}%n", seconds, frames * frameBytes);
        }
    }

    private static void acquire(Path dir, ArrayMetadata meta, int frames, NdBuffer[] pool, int levels, long bufferMib,
                                long frameBytes, long edge) throws Exception {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "frames", List.of(Axis.time("t", null),
                Axis.space("y", "micrometer"), Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, edge, edge},
                meta.chunkShape(), new double[] {1, 1, 1}, null, PyramidPlan.uniform(new int[] {1, 2, 2}, levels),
                meta.codecs(), null, null, null);
        AcquisitionWriter.Options options = AcquisitionWriter.Options.defaults().withBufferBytes(bufferMib << 20)
                .withQueueBytes(64L << 20);
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore store = FileSystemStore.open(dir)) {
            long start = System.nanoTime();
            try (AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT,
                    new AcquisitionSpec(image, 2, new Downsampling.Mean()), options, ctx)) {
                for (int i = 0; i < frames; i++) {
                    w.append(pool[i % pool.length].segment());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"bytes\": %d}%n", seconds, frames * frameBytes);
        }
    }
}
