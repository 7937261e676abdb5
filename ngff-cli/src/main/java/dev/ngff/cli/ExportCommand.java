package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.CodecText;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ngff export}: writes an array, or a region of it, as a NumPy {@code .npy} file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Export an array or a region of it as a NumPy .npy file.",
        description = "The file is NumPy format 1.0, C order, little-endian. Regions larger than 256 MiB are streamed "
                + "out slab by slab.")
public final class ExportCommand implements Callable<Integer> {
    static final long SLAB_BYTES = 256L << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<array>", description = "The array's store (directory, zip, file: or http(s) URI).")
    String location;

    @Parameters(index = "1", paramLabel = "<out.npy>", description = "The .npy file to write (replaced if present).")
    Path output;

    @Option(names = "--region", paramLabel = "z0:z1,y0:y1,x0:x1",
            description = {"Box to export, per dimension a:b, a:, :b, : or a single index a (kept as length 1);",
                "negative indices count from the end; missing trailing dimensions are taken whole."})
    String region;

    @Option(names = "--slab-bytes", hidden = true, defaultValue = "268435456",
            description = "Largest slab read at once (for tests).")
    long slabBytes;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        Region parsed = parseRegion(cmd);
        if (slabBytes < 16) {
            throw new CommandLine.ParameterException(cmd, "--slab-bytes must be at least 16");
        }
        try (ReadableStore store = Locations.openReadable(cmd, location);
             ExecutionContext ctx = ExecutionContext.create()) {
            Locations.requireComplete(store); // also a copy into a directory above this one that has not finished
            ZarrArray array = Zarr.openArray(store, Key.ROOT, ctx);
            if (array.dataType().isVariableLength()) {
                throw new CommandLine.ParameterException(cmd, location + " holds variable-length " + array.dataType()
                        + " elements, which .npy cannot store without Python pickles; export takes fixed-size types");
            }
            Region.Box box;
            try {
                box = parsed.resolve(array.shape());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--region " + region + " does not fit the array at "
                        + store.describe() + " (shape " + CodecText.shape(array.shape()) + "): " + e.getMessage());
            }
            requireRoom(box.shape(), array.dataType().byteSize());
            long start = System.nanoTime();
            long bytes = NpyWriter.write(array, box, output, Math.max(slabBytes, array.dataType().byteSize()));
            long nanos = System.nanoTime() - start;
            cmd.getOut().println("exported " + CodecText.shape(box.shape()) + " " + NpyHeader.descr(array.dataType())
                    + " (" + Sizes.bytes(bytes) + ") to " + output + " in " + Sizes.seconds(nanos) + ": "
                    + Sizes.rate(bytes, nanos));
            cmd.getOut().flush();
        }
        return 0;
    }

    /**
     * Refuses a region whose bytes overflow a {@code long} or exceed the free space where the file goes,
     * before anything is written (a huge sparse array exports only as a region).
     */
    private void requireRoom(long[] shape, int elementSize) throws IOException {
        long bytes = elementSize;
        try {
            for (long s : shape) {
                bytes = Math.multiplyExact(bytes, s);
            }
        } catch (ArithmeticException e) {
            throw new dev.ngff.error.StoreException("the region " + CodecText.shape(shape) + " of " + location
                    + " holds more than 2^63 bytes, which no .npy file " + output + " can hold; export a smaller --region");
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && java.nio.file.Files.isDirectory(dir)) {
            long free = java.nio.file.Files.getFileStore(dir).getUsableSpace();
            if (bytes > free) {
                throw new dev.ngff.error.StoreException("the region " + CodecText.shape(shape) + " of " + location + " is "
                        + Sizes.bytes(bytes) + ", more than the " + Sizes.bytes(free) + " free for " + output
                        + "; export a smaller --region");
            }
        }
    }

    private Region parseRegion(CommandLine cmd) {
        if (region == null) {
            return Region.all();
        }
        try {
            return Region.parse(region);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--region: " + e.getMessage());
        }
    }
}
