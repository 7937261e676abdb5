package dev.ngff.spark.internal;

import dev.ngff.convert.CodecChoice;
import dev.ngff.convert.ConvertOptionException;
import dev.ngff.convert.ConvertPlanner;
import dev.ngff.convert.CopyPlanner;
import dev.ngff.convert.Step;
import dev.ngff.convert.TargetLayout;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Stores;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy or conversion as text, shipped to every task: the job ({@code copy} or {@code convert}), the source and
 * target locations and the shaping options under the names and spellings of {@code ngff copy} / {@code ngff
 * convert} ({@code --chunks -> 32,64,64}), which are also what the destination's incomplete marker records, so
 * either tool resumes the other's run. No credentials: each executor opens its stores from the locations, with
 * S3 credentials from the SDK's default chain there. Immutable; the options are checked at construction.
 */
public record BulkSpec(String job, String source, String target, Map<String, String> options) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The default bytes of a copied block, as {@code ngff copy --block-bytes}. */
    public static final long BLOCK_BYTES = 64L << 20;

    private static final List<String> COPY_OPTIONS = List.of("--zarr-format", "--chunks", "--shards", "--codec",
            "--block-bytes");
    private static final List<String> CONVERT_OPTIONS = List.of("--ngff-version", "--levels", "--method", "--axes",
            "--scale", "--units", "--chunks", "--shards", "--codec", "--block-bytes", "--raw");

    public BulkSpec {
        if (!job.equals("copy") && !job.equals("convert")) {
            throw new IllegalArgumentException("job must be copy or convert, got '" + job + "'");
        }
        List<String> known = job.equals("copy") ? COPY_OPTIONS : CONVERT_OPTIONS;
        // in the order ngff writes them into its marker, so that the maps compare equal
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String k : known) {
            if (options.containsKey(k)) {
                ordered.put(k, options.get(k));
            }
        }
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new ConvertOptionException("unknown option '" + k + "' (" + job + " takes " + String.join(", ", known) + ")");
            }
        }
        options = java.util.Collections.unmodifiableMap(ordered);
        layout(job, options); // checks the layout options before any store is opened
        if (job.equals("convert")) {
            convertOptions(options);
        }
        if (blockBytes(options) < 1) {
            throw new ConvertOptionException("--block-bytes must be at least 1");
        }
    }

    /** The bytes of one copied block ({@code --block-bytes}). */
    public long blockBytes() {
        return blockBytes(options);
    }

    private static long blockBytes(Map<String, String> options) {
        String v = options.get("--block-bytes");
        try {
            return v == null ? BLOCK_BYTES : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConvertOptionException("--block-bytes: '" + v + "' is not a number of bytes", e);
        }
    }

    /** Opens the source (a store, or for a conversion a TIFF, N5 or raw file). */
    public ReadableStore openSource() throws IOException {
        return job.equals("copy") ? Stores.open(source) : ConvertPlanner.openSource(source, options.get("--raw"));
    }

    /** The plan, as {@code ngff copy} / {@code ngff convert} makes it; deterministic for an unchanged source. */
    public List<Step> plan(ReadableStore src, ExecutionContext ctx) throws IOException {
        return job.equals("copy") ? CopyPlanner.plan(src, layout(job, options), ctx)
                : ConvertPlanner.plan(src, convertOptions(options), ctx);
    }

    /**
     * The plan as a task needs it: the same arrays and pyramids as {@link #plan}, groups possibly without the
     * metadata that needs pixels (which only the driver writes).
     */
    public List<Step> planData(ReadableStore src, ExecutionContext ctx) throws IOException {
        return job.equals("copy") ? CopyPlanner.plan(src, layout(job, options), ctx)
                : ConvertPlanner.planData(src, convertOptions(options), ctx);
    }

    private static ConvertPlanner.Options convertOptions(Map<String, String> o) {
        String v = o.getOrDefault("--ngff-version", "0.5");
        NgffVersion version = switch (v.trim()) {
            case "0.4" -> NgffVersion.V0_4;
            case "0.5" -> NgffVersion.V0_5;
            case "0.6", "0.6rc0" -> NgffVersion.V0_6;
            default -> throw new ConvertOptionException("--ngff-version must be 0.4, 0.5 or 0.6, got '" + v + "'");
        };
        String levels = o.getOrDefault("--levels", "keep").trim();
        int maxLevels = -1;
        if (!levels.equalsIgnoreCase("keep")) {
            try {
                maxLevels = PyramidPlan.parseMaxLevels(levels);
            } catch (IllegalArgumentException e) {
                throw new ConvertOptionException("--levels must be keep, auto or a number of levels, got '" + levels
                        + "' (numbers: 1 to " + PyramidPlan.MAX_LEVELS + ")", e);
            }
        }
        String method = o.get("--method");
        if (method != null) {
            try {
                dev.ngff.pyramid.Downsampling.parse(method);
            } catch (IllegalArgumentException e) {
                throw new ConvertOptionException("--method: " + e.getMessage(), e);
            }
        }
        return new ConvertPlanner.Options(version, maxLevels, method, o.get("--axes"), o.get("--scale"), o.get("--units"),
                layoutOf(version.zarrFormat(), o));
    }

    private static TargetLayout layout(String job, Map<String, String> o) {
        if (job.equals("convert")) {
            return convertOptions(o).layout();
        }
        String f = o.get("--zarr-format");
        Integer format = null;
        if (f != null) {
            format = switch (f.trim()) {
                case "2" -> 2;
                case "3" -> 3;
                default -> throw new ConvertOptionException("--zarr-format must be 2 or 3, got " + f);
            };
        }
        return layoutOf(format, o);
    }

    private static TargetLayout layoutOf(Integer zarrFormat, Map<String, String> o) {
        String shards = o.get("--shards");
        boolean none = shards != null && shards.trim().equalsIgnoreCase("none");
        long[] chunks = o.containsKey("--chunks") ? dims("--chunks", o.get("--chunks")) : null;
        long[] shardShape = shards != null && !none ? dims("--shards", shards) : null;
        CodecChoice codec = o.containsKey("--codec") ? CodecChoice.parse(o.get("--codec")) : null;
        return new TargetLayout(zarrFormat, chunks, shardShape, none, codec);
    }

    private static long[] dims(String option, String value) {
        try {
            return TargetLayout.parseExtents(value);
        } catch (ConvertOptionException e) {
            throw new ConvertOptionException(option + ": " + e.getMessage(), e);
        }
    }

    /** The command that finishes this run on one machine (what the incomplete marker names). */
    public String ngffCommand() {
        StringBuilder sb = new StringBuilder("ngff " + job + " --resume");
        options.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(quote(v)));
        return sb.append(' ').append(quote(source)).append(' ').append(quote(target)).toString();
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
