package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeNode;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelLayout;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.write.Durability;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.LockHolder;
import dev.ngff.write.WriterLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ngff pyramid}: regenerates the lower levels of an OME-Zarr image in place from its level 0, in one
 * pass; the multiscales metadata is rewritten after the levels, and the image is marked incomplete
 * ({@code .ngff-incomplete.json}) while levels are being replaced.
 */
@Command(name = "pyramid", mixinStandardHelpOptions = true,
        header = "Regenerate the lower levels of an OME-Zarr image from its level 0, in place.",
        description = {"Level 0 is read once; every lower level is written in the same pass through the shard "
                + "write buffer, then the multiscales metadata lists them, then levels no longer listed are deleted. "
                + "While it runs the image is marked incomplete; rerun the same command to finish an interrupted run.",
                "To make an image from a plain array, use ngff convert."})
public final class PyramidCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<image>", description = "The image (directory or .zip path, or URI).")
    String target;

    @Option(names = "--levels", paramLabel = "auto|N", defaultValue = "auto",
            description = "Levels: auto (until the spatial axes fit one chunk) or a count, level 0 included (default: ${DEFAULT-VALUE}).")
    String levels;

    @Option(names = "--method", paramLabel = "mean|gaussian|mode|nearest|min|max",
            description = "Downsampling (default: mode for a label image, mean otherwise).")
    String method;

    @Option(names = "--fsync", paramLabel = "none|commit|always", defaultValue = "none",
            description = "Durability on a local disk (see ngff copy --help; default: ${DEFAULT-VALUE}).")
    String fsync;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Level-0 blocks read and reduced at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--progress", description = "Show a progress bar even when stderr is not a terminal.")
    boolean progress;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (workers < 1) {
            throw new CommandLine.ParameterException(cmd, "--workers must be at least 1, got " + workers);
        }
        Durability durability;
        try {
            durability = Durability.parse(fsync);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--fsync: " + e.getMessage());
        }
        try (Store store = Locations.openWritable(cmd, target, durability == Durability.ALWAYS);
             ExecutionContext ctx = ExecutionContext.create()) {
            boolean array = dev.ngff.array.Zarr.readMetadata(store, Key.ROOT)
                    .map(m -> m instanceof dev.ngff.metadata.ArrayMetadata).orElse(false);
            // an earlier pyramid run that was interrupted left its marker: this run finishes that job
            java.util.Optional<IncompleteMarker> marker = IncompleteMarker.read(store, Key.ROOT);
            if (marker.isPresent() && !marker.get().job().equals("pyramid")) {
                throw new dev.ngff.error.IncompleteNodeException(marker.get().describe(store, Key.ROOT));
            }
            OmeNode node = array ? null : marker.isPresent()
                    ? OmeZarr.open((dev.ngff.array.ZarrGroup) dev.ngff.array.Zarr.openToResume(store, Key.ROOT, ctx))
                    : OmeZarr.open(store, Key.ROOT, ctx);
            if (!(node instanceof OmeImage image)) {
                throw new CommandLine.ParameterException(cmd, store.describe() + " is not an OME-Zarr image (no "
                        + "multiscales); ngff pyramid regenerates an image's levels, ngff convert makes an image from an array");
            }
            Level l0 = image.level(0);
            Downsampling m = method(cmd, image);
            PyramidPlan plan = plan(cmd, image, l0);
            String command = "ngff pyramid --levels " + levels + " --method " + m.name() + " " + target;
            WriterLock lock = WriterLock.acquire(store, Key.ROOT, LockHolder.currentProcess(command),
                    WriterLock.Mode.TAKE_OVER_DEAD);
            if (lock.abortedUploads() > 0) {
                cmd.getErr().println(store.describe() + ": aborted " + lock.abortedUploads()
                        + " unfinished upload(s) that the interrupted writer left");
            }
            lock.uploadCleanupFailure().ifPresent(why -> cmd.getErr().println("warning: unfinished uploads of the interrupted writer"
                    + " were not aborted (a bucket lifecycle rule removes them): " + why));
            try {
                new IncompleteMarker("pyramid", store.describe(), Map.of("levels", levels, "method", m.name()),
                        Instant.now(), LockHolder.currentProcess(command), command).write(store, Key.ROOT);
                long total = Sizes.product(dev.ngff.buffer.NdBuffer.elementCount(l0.shape()),
                        l0.metadata().dataType().byteSize());
                long start = System.nanoTime();
                OmeImage done;
                try (Progress bar = Progress.open("pyramid", total, progress, cmd.getErr())) {
                    done = OmeZarr.regenerateLevels(store, image, plan, m,
                            PyramidWriter.Options.defaults().withBlocksInFlight(workers), durability, bar::step);
                }
                lock.requireHeld();
                IncompleteMarker.remove(store, Key.ROOT);
                long nanos = System.nanoTime() - start;
                StringBuilder shapes = new StringBuilder();
                for (Level l : done.levels()) {
                    shapes.append(l.index() == 0 ? "" : " ").append(Arrays.toString(l.shape()));
                }
                cmd.getOut().println("wrote " + (done.levels().size() - 1) + " levels below level 0 of "
                        + Sizes.bytes(total) + " in " + Sizes.seconds(nanos) + " (" + Sizes.rate(total, nanos)
                        + ") by " + m.name() + ": " + shapes);
                cmd.getOut().flush();
            } finally {
                lock.release();
            }
        }
        return 0;
    }

    private Downsampling method(CommandLine cmd, OmeImage image) {
        return PyramidOptions.method(cmd, method,
                image.imageLabel().isPresent() ? new Downsampling.Mode() : new Downsampling.Mean());
    }

    private PyramidPlan plan(CommandLine cmd, OmeImage image, Level l0) {
        int max = PyramidOptions.maxLevels(cmd, levels, "'auto' or a number");
        return PyramidPlan.auto(image.axes(), l0.shape(), l0.scale(), LevelLayout.innerChunks(l0.metadata()), max);
    }
}
