package example.readwrite;

import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeNode;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a 2 x 64 x 64 uint16 OME-NGFF 0.5 image (zstd-compressed chunks, so ngff-codecs must be found through
 * ServiceLoader), opens it again from disk and prints what it read. Usage: {@code ReadWrite OUTPUT_DIR} (the
 * directory must not exist yet).
 */
public final class ReadWrite {
    private ReadWrite() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ReadWrite OUTPUT_DIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        if (Files.exists(out)) {
            System.err.println("ReadWrite: " + out + " exists already; name a new directory");
            System.exit(2);
        }
        long[] shape = {2, 64, 64};
        try (ExecutionContext ctx = ExecutionContext.create()) {
            FileSystemStore store = FileSystemStore.open(out);
            ImageSpec spec = ImageSpec.of(NgffVersion.V0_5, DataType.UINT16, shape,
                            List.of(Axis.space("z", "micrometer"), Axis.space("y", "micrometer"),
                                    Axis.space("x", "micrometer")))
                    .withPixelSize(2.0, 0.5, 0.5)
                    .withChunks(1, 32, 32)
                    .withCodecs(List.of(Codecs.bytes("little"), Codecs.zstd(3, false)));
            OmeImage written = OmeZarr.createImage(store, Key.ROOT, spec, ctx);

            // pixel value = its linear index: 0, 1, ..., 8191
            NdBuffer pixels = NdBuffer.allocate(DataType.UINT16, shape);
            for (long i = 0; i < pixels.elementCount(); i++) {
                pixels.setAsLong(i, i);
            }
            written.level(0).array().write(pixels);

            OmeNode node = OmeZarr.open(store, Key.ROOT, ctx);
            if (!(node instanceof OmeImage image)) {
                throw new IllegalStateException("expected an image at " + out + ", found " + node.getClass().getSimpleName());
            }
            ZarrArray level0 = image.level(0).array();
            NdBuffer back = level0.read();
            long sum = 0;
            long mismatches = 0;
            for (long i = 0; i < back.elementCount(); i++) {
                long v = back.getAsLong(i);
                sum += v;
                if (v != i) {
                    mismatches++;
                }
            }
            System.out.println("wrote " + out);
            System.out.println("version " + image.metadata().version().map(NgffVersion::text).orElse("?")
                    + ", axes " + image.axes().stream().map(Axis::name).toList()
                    + ", pixel size " + Arrays.toString(image.level(0).scale()));
            System.out.println("codecs " + level0.metadata().codecs().stream().map(CodecSpec::name).toList());
            System.out.println("read " + Arrays.toString(back.shape()) + " " + back.dataType().name()
                    + ", sum " + sum + ", mismatches " + mismatches);
            if (mismatches != 0) {
                System.exit(1);
            }
        }
    }
}
