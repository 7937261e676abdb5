package dev.ngff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.ChunkKeyEncoding;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Multiscale;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Transform;
import dev.ngff.ome.OmeConversion;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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

    /** The source when it is a TIFF or raw file rather than a store, else null. */
    private FileSource fileSource;

    private NgffVersion version;
    private TargetLayout layout;
    /** -1 keeps the source's levels; 0 makes them anew (auto); N makes them anew, at most N. */
    private int maxLevels = -1;
    /** Source level arrays whose levels are made anew: not copied. */
    private final java.util.Set<Key> replaced = new java.util.HashSet<>();
    /** The plan and axis names of each image whose levels are made anew: its label images follow the plan. */
    private final Map<Key, ImagePlan> imagePlans = new HashMap<>();

    private record ImagePlan(PyramidPlan plan, List<String> axes) {
        /**
         * The plan for a label image of this image: the same number of levels, each axis reduced by the factors
         * of the image's axis of the same name (1 for an axis the image lacks), so that every label level lies
         * over the image level of the same index.
         */
        PyramidPlan forLabel(List<String> labelAxes) {
            List<int[]> factors = new ArrayList<>();
            for (int k = 1; k < plan.levels(); k++) {
                int[] f = plan.factor(k);
                int[] lf = new int[labelAxes.size()];
                for (int d = 0; d < lf.length; d++) {
                    int i = axes.indexOf(labelAxes.get(d));
                    lf[d] = i < 0 ? 1 : f[i];
                }
                factors.add(lf);
            }
            return new PyramidPlan(factors, labelAxes.size());
        }
    }

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

    /**
     * The one place where an image's levels are made anew from its level 0 ({@code --levels auto|N}): plans a
     * {@link PyramidStep} with the levels' array documents and returns the multiscale that lists them (axes,
     * each level's scale and translation as {@link PyramidPlan} places the method's output, in the 0.4/0.5
     * form that {@link OmeConversion} turns into the target's).
     *
     * @param base   the source multiscale (name and unknown members are kept), or null for a plain array
     * @param level0 the source's level 0
     * @param st0    level 0's scale and translation (the multiscale-wide ones folded in)
     * @param labels true for a label image (mode by default, integer data only)
     */
    private Multiscale regenerate(CommandLine cmd, Key image, Multiscale base, List<Axis> axisList, LevelSource level0,
                                  ArrayMetadata level0Meta, String where0, dev.ngff.metadata.ome.ScaleTranslation st0,
                                  boolean labels, List<Step> out) throws IOException {
        Downsampling m = PyramidOptions.method(cmd, method, labels ? new Downsampling.Mode() : new Downsampling.Mean());
        List<String> names = axisList.stream().map(Axis::name).toList();
        ArrayMetadata meta0 = arrayMetadata(cmd, level0Meta, where0, names);
        long[] chunk = ArrayLayout.of(meta0, where0).chunkShape();
        List<String> axisNames = axisList.stream().map(Axis::name).toList();
        ImagePlan parent = labels ? imagePlans.get(imageOf(image)) : null;
        PyramidPlan plan = parent != null ? parent.forLabel(axisNames)
                : PyramidPlan.auto(axisList, level0.shape(), st0.scale(), chunk, maxLevels);
        if (!labels) {
            imagePlans.put(image, new ImagePlan(plan, axisNames));
        }
        double[] origin = st0.translation();
        List<Key> paths = new ArrayList<>();
        List<ArrayMetadata> metas = new ArrayList<>();
        List<Multiscale.Dataset> datasets = new ArrayList<>();
        for (int k = 0; k < plan.levels(); k++) {
            String p = Integer.toString(k);
            paths.add(image.resolve(p));
            metas.add(dev.ngff.pyramid.LevelLayout.of(meta0, plan.levelShape(level0.shape(), k)));
            double[] t = plan.levelTranslation(origin, st0.scale(), m, k);
            List<Transform> ts = new ArrayList<>(List.of(Transform.Scale.of(plan.levelScale(st0.scale(), k))));
            if (java.util.Arrays.stream(t).anyMatch(x -> x != 0)) {
                ts.add(Transform.Translation.of(t));
            }
            datasets.add(new Multiscale.Dataset(p, ts, null));
        }
        out.add(new PyramidStep(image, level0, paths, metas, plan, m));
        return new Multiscale(null, base == null ? "image" : base.name(), axisList, null, datasets, null, m.name(), null,
                base == null ? null : base.extra());
    }

    /** The image a label image at {@code label} ({@code IMAGE/labels/NAME}) belongs to, or null. */
    private static Key imageOf(Key label) {
        String p = label.path();
        int cut = p.lastIndexOf("labels/");
        if (cut < 0 || p.indexOf('/', cut + "labels/".length()) >= 0) {
            return null;
        }
        return cut == 0 ? Key.ROOT : Key.of(p.substring(0, cut - 1));
    }

    @Override
    ReadableStore openSource(CommandLine cmd) throws IOException {
        if (raw != null) {
            FileSources.Raw spec = FileSources.parseRaw(cmd, raw);
            java.nio.file.Path p = FileSource.localPath(source);
            if (p == null) {
                throw new CommandLine.ParameterException(cmd, "--raw reads a local file; '" + source + "' is not one");
            }
            fileSource = FileSource.raw(p, dev.ngff.raw.RawSource.open(p, spec.shape(), spec.dataType(), spec.order()));
            return fileSource;
        }
        if (FileSource.isTiff(source)) {
            fileSource = FileSource.tiff(FileSource.localPath(source));
            return fileSource;
        }
        if (FileSource.isN5(source)) {
            fileSource = FileSource.n5(FileSource.localPath(source));
            return fileSource;
        }
        return super.openSource(cmd);
    }

    @Override
    List<Step> plan(CommandLine cmd, ReadableStore src, ExecutionContext ctx) throws IOException {
        if (fileSource != null) {
            return planFile(cmd, fileSource);
        }
        ZarrNode root = Zarr.open(src, Key.ROOT, ctx);
        List<Step> steps = new ArrayList<>();
        if (root instanceof ZarrArray a) {
            planImageOfArray(cmd, a, steps);
            return steps;
        }
        if (axes != null || scale != null || units != null) {
            throw new CommandLine.ParameterException(cmd, "--axes, --scale and --units describe a plain array; "
                    + src.describe() + " holds a group");
        }
        ZarrGroup g = (ZarrGroup) root;
        String where = where(g);
        if (OmeMetadata.parse(g.attributes(), where).isEmpty()) {
            throw new InvalidMetadataException(where + ": no OME-NGFF metadata (none of multiscales, plate, well, labels, "
                    + "bioformats2raw.layout); 'ngff copy' copies plain Zarr hierarchies");
        }
        planGroup(cmd, g, new HashMap<>(), steps);
        return steps;
    }

    private static String where(ZarrNode n) {
        return n.store().describe() + " '" + (n.path().isRoot() ? "/" : n.path().path()) + "'";
    }

    /**
     * Plans a group and everything below it. {@code levelAxes} maps the path of each image level seen so far
     * to the image's axis names (an image group is planned before its levels).
     */
    private void planGroup(CommandLine cmd, ZarrGroup g, Map<Key, List<String>> levelAxes, List<Step> out)
            throws IOException {
        String where = where(g);
        Optional<OmeMetadata> meta = OmeMetadata.parse(g.attributes(), where);
        if (meta.isPresent()) {
            Optional<NgffVersion> v = meta.get().version();
            if (v.isPresent() && v.get().compareTo(NgffVersion.V0_4) < 0) {
                throw new dev.ngff.error.UnsupportedExtensionException(where + ": converting OME-NGFF " + v.get()
                        + " is not supported (0.4 and newer)");
            }
            if (meta.get().isImage()) {
                for (Multiscale ms : meta.get().multiscales()) {
                    List<String> names = ms.effectiveAxes().stream().map(Axis::name).toList();
                    for (Multiscale.Dataset d : ms.datasets()) {
                        levelAxes.put(g.path().resolve(d.path()), names);
                    }
                }
            }
        }
        ObjectNode source = g.attributes();
        if (meta.isPresent() && meta.get().isImage() && maxLevels >= 0) {
            OmeMetadata m = meta.get();
            Multiscale ms = m.multiscales().getFirst();
            dev.ngff.metadata.ome.ScaleTranslation st0 = ms.levelTransform(0)
                    .filter(t -> t.rank() == ms.effectiveAxes().size())
                    .orElseThrow(() -> new dev.ngff.error.UnsupportedExtensionException(where + ": level 0 has no "
                            + "axis-aligned scale and translation to make levels from; use --levels keep"));
            for (Multiscale other : m.multiscales()) {
                for (Multiscale.Dataset d : other.datasets()) {
                    replaced.add(g.path().resolve(d.path()));
                }
            }
            ZarrArray level0 = g.openArray(ms.datasets().getFirst().path());
            Multiscale made = regenerate(cmd, g.path(), ms, ms.effectiveAxes(), LevelSource.of(level0), level0.metadata(),
                    where(level0), st0, m.imageLabel() != null || g.path().path().matches("(.*/)?labels/[^/]+"), out);
            source = new OmeMetadata(m.versionText(), m.nested(), List.of(made), m.omero(), m.labels(), m.imageLabel(),
                    m.plate(), m.well(), m.bioformats2rawLayout(), m.series(), m.scene(), m.extra()).toAttributes(source);
            meta = OmeMetadata.parse(source, where); // what follows sees the levels made anew
        }
        if (meta.isPresent() && !version.nestedUnderOme() && meta.get().isImage() && meta.get().omero() != null
                && ChannelWindows.incomplete(meta.get().omero())) {
            OmeMetadata m = meta.get();
            Optional<dev.ngff.metadata.ome.Omero> filled = ChannelWindows.filled(OmeZarr.openImage(g), m.omero());
            if (filled.isPresent()) { // 0.4 requires every channel's window
                source = new OmeMetadata(m.versionText(), m.nested(), m.multiscales(), filled.get(), m.labels(),
                        m.imageLabel(), m.plate(), m.well(), m.bioformats2rawLayout(), m.series(), m.scene(), m.extra())
                        .toAttributes(source);
            }
        }
        ObjectNode attrs = OmeConversion.attributes(source, version, where);
        out.add(new GroupStep(g.path(), GroupMetadata.of(version.zarrFormat(), attrs)));
        Key omeXml = g.path().resolve("METADATA.ome.xml");
        if (meta.isPresent() && meta.get().series() != null && g.store().exists(omeXml)) {
            out.add(new ObjectStep(omeXml, omeXml)); // bioformats2raw's OME-XML beside the series list
        }
        ZarrGroup.ChildListing children = g.listChildren();
        if (!children.skipped().isEmpty()) { // converting the rest would lose them without a word
            throw new NgffException(where + " holds " + Skipped.describe(children.skipped())
                    + ", which cannot be converted; nothing was written (rename them to convert them)");
        }
        if (meta.isPresent() && meta.get().plate() != null) {
            // writers may leave a row without group metadata (the row is then no Zarr node, and no listing finds
            // its wells): the target gets the row group, and the wells are reached through the plate's list
            java.util.Set<String> rows = new java.util.HashSet<>();
            for (dev.ngff.metadata.ome.Plate.WellRef w : meta.get().plate().wells()) {
                int slash = w.path().indexOf('/');
                String row = slash < 0 ? w.path() : w.path().substring(0, slash);
                if (slash > 0 && !children.names().contains(row)) {
                    if (rows.add(row)) {
                        out.add(new GroupStep(g.path().resolve(row), GroupMetadata.of(version.zarrFormat(), Json.object())));
                    }
                    planGroup(cmd, g.openGroup(w.path()), levelAxes, out);
                }
            }
        }
        for (String name : children.names()) {
            ZarrNode child = g.open(name);
            switch (child) {
                case ZarrArray a -> {
                    if (!replaced.contains(a.path())) {
                        out.add(new ArrayStep(a.path(), a, arrayMetadata(cmd, a, levelAxes.get(a.path()))));
                    }
                }
                case ZarrGroup c -> planGroup(cmd, c, levelAxes, out);
            }
        }
    }

    /**
     * The written metadata of an array: the layout options applied, {@code /} chunk keys for Zarr v2 (as
     * OME-Zarr 0.4 wants), and for Zarr v3 dimension names equal to the axis names of the image whose level
     * it is ({@code axisNames}; null for other arrays, which keep their own).
     */
    private ArrayMetadata arrayMetadata(CommandLine cmd, ZarrArray a, List<String> axisNames) throws IOException {
        return arrayMetadata(cmd, a.metadata(), where(a), axisNames);
    }

    private ArrayMetadata arrayMetadata(CommandLine cmd, ArrayMetadata src, String where, List<String> axisNames)
            throws IOException {
        ArrayMetadata m;
        try {
            m = layoutFor(src.rank()).apply(src, where);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
        ArrayMetadata.Builder b = ArrayMetadata.builder(m.dataType(), m.shape()).zarrFormat(m.zarrFormat())
                .chunks(m.chunkShape()).fillValue(m.fillValue()).codecs(m.codecs()).attributes(m.attributes());
        if (m.zarrFormat() == 2) {
            b.chunkKeyEncoding(new ChunkKeyEncoding(ChunkKeyEncoding.Kind.V2, '/'));
        } else {
            b.chunkKeyEncoding(m.chunkKeyEncoding());
            boolean fits = axisNames != null && axisNames.size() == m.rank();
            b.dimensionNames(fits ? axisNames : m.dimensionNamesOptional().orElse(null));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, where + ": cannot write as Zarr v" + m.zarrFormat() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The layout for an array of {@code rank} dimensions: {@code --chunks} and {@code --shards} given for more
     * dimensions apply by their last entries, as a label image's axes are usually the image's last ones
     * ({@code --chunks 1,1,32,64,64} gives a z, y, x label image chunks of 32, 64, 64).
     */
    private TargetLayout layoutFor(int rank) {
        long[] c = layout.chunks();
        long[] sh = layout.shards();
        if ((c == null || c.length <= rank) && (sh == null || sh.length <= rank)) {
            return layout;
        }
        return new TargetLayout(layout.zarrFormat(), last(c, rank), last(sh, rank), layout.unsharded(), layout.codec());
    }

    private static long[] last(long[] values, int n) {
        return values == null || values.length <= n ? values
                : java.util.Arrays.copyOfRange(values, values.length - n, values.length);
    }

    /** A plain array becomes the one level ({@code 0}) of an image at the target's root. */
    private void planImageOfArray(CommandLine cmd, ZarrArray a, List<Step> out) throws IOException {
        int rank = a.rank();
        List<Axis> axisList = axes(cmd, rank);
        double[] pixel = pixelSizes(cmd, rank);
        Multiscale ms;
        if (maxLevels >= 0) {
            ms = regenerate(cmd, Key.ROOT, null, axisList, LevelSource.of(a), a.metadata(), where(a),
                    new dev.ngff.metadata.ome.ScaleTranslation(pixel, new double[rank]), false, out);
        } else {
            ms = new Multiscale(null, "image", axisList, null,
                    List.of(new Multiscale.Dataset("0", List.of(Transform.Scale.of(pixel)), null)), null, null, null, null);
            // the array's own attributes stay with the array
            out.add(new ArrayStep(Key.of("0"), a, arrayMetadata(cmd, a, axisList.stream().map(Axis::name).toList())));
        }
        OmeMetadata meta = new OmeMetadata(NgffVersion.V0_5.text(), true, List.of(ms), null, null, null, null, null,
                null, null, null, null);
        ObjectNode attrs = OmeConversion.convert(meta, version, where(a)).toAttributes(Json.object());
        out.add(new GroupStep(Key.ROOT, GroupMetadata.of(version.zarrFormat(), attrs)));
    }

    /** The axes of a plain array from {@code --axes} and {@code --units}. */
    private List<Axis> axes(CommandLine cmd, int rank) {
        List<String[]> spec = new ArrayList<>(); // name, type (or null)
        String text = axes != null ? axes.trim() : "tczyx".substring(Math.max(0, 5 - rank));
        if (axes == null && rank > 5) {
            throw new CommandLine.ParameterException(cmd, "the array has " + rank + " dimensions: give --axes");
        }
        if (text.contains(",") || text.contains(":")) {
            for (String p : text.split(",", -1)) {
                int colon = p.indexOf(':');
                spec.add(colon < 0 ? new String[] {p.trim(), null}
                        : new String[] {p.substring(0, colon).trim(), p.substring(colon + 1).trim()});
            }
        } else {
            for (char c : text.toCharArray()) {
                spec.add(new String[] {String.valueOf(c), null});
            }
        }
        if (spec.size() != rank) {
            throw new CommandLine.ParameterException(cmd, "--axes '" + text + "' names " + spec.size()
                    + " axes, the array has " + rank + " dimensions");
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String[] s : spec) {
            if (s[0].isEmpty() || !seen.add(s[0])) {
                throw new CommandLine.ParameterException(cmd, "--axes '" + text + "': axis names must be non-empty and unique");
            }
        }
        String[] unit = new String[rank];
        if (units != null) {
            String[] parts = units.split(",", -1);
            if (parts.length == rank) {
                for (int d = 0; d < rank; d++) {
                    unit[d] = parts[d].trim().isEmpty() ? null : parts[d].trim();
                }
            } else if (parts.length == 1) {
                for (int d = 0; d < rank; d++) {
                    unit[d] = "space".equals(type(spec.get(d))) ? parts[0].trim() : null;
                }
            } else {
                throw new CommandLine.ParameterException(cmd, "--units has " + parts.length + " values: give one per axis ("
                        + rank + ") or one for the space axes");
            }
        }
        List<Axis> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            out.add(new Axis(spec.get(d)[0], type(spec.get(d)), unit[d], null, null));
        }
        return out;
    }

    /** An axis's type: as given, else from the usual names (x, y, z space; t time; c channel), else none. */
    private static String type(String[] nameAndType) {
        if (nameAndType[1] != null && !nameAndType[1].isEmpty()) {
            return nameAndType[1];
        }
        return switch (nameAndType[0].toLowerCase(Locale.ROOT)) {
            case "x", "y", "z" -> "space";
            case "t" -> "time";
            case "c" -> "channel";
            default -> null;
        };
    }

    /**
     * A TIFF, N5 or raw source: one image at the root, or for an OME-TIFF with several images a bioformats2raw
     * collection (images {@code 0}, {@code 1}, ... and {@code OME/} with the series list and the OME-XML).
     */
    private List<Step> planFile(CommandLine cmd, FileSource file) throws IOException {
        List<Step> out = new ArrayList<>();
        if (file.rawSource() != null) {
            int rank = file.rawSource().shape().length;
            List<Axis> axisList = axes(cmd, rank);
            dev.ngff.tiff.FileImage img = new dev.ngff.tiff.FileImage(null, axisList, pixelSizes(cmd, rank),
                    List.of(file.rawSource()), null);
            out.add(0, new GroupStep(Key.ROOT, imageGroup(cmd, Key.ROOT, img, file.describe(), out)));
            return out;
        }
        if (axes != null || scale != null || units != null) {
            throw new CommandLine.ParameterException(cmd, "--axes, --scale and --units describe a plain array or a raw "
                    + "file; " + file.describe() + " is a " + (file.n5Directory() != null ? "N5 container" : "TIFF")
                    + ", whose own metadata gives them");
        }
        List<dev.ngff.tiff.FileImage> images = file.n5Directory() != null
                ? List.of(dev.ngff.n5.N5Images.of(file.n5Directory())) : dev.ngff.tiff.TiffImages.of(file.tiffFile());
        if (images.size() == 1) {
            out.add(0, new GroupStep(Key.ROOT, imageGroup(cmd, Key.ROOT, images.getFirst(),
                    file.describe(), out)));
            return out;
        }
        List<String> series = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            series.add(Integer.toString(i));
        }
        OmeMetadata root = new OmeMetadata(NgffVersion.V0_5.text(), true, null, null, null, null, null, null, 3, null,
                null, null);
        OmeMetadata ome = new OmeMetadata(NgffVersion.V0_5.text(), true, null, null, null, null, null, null, null, series,
                null, null);
        out.add(new GroupStep(Key.ROOT, GroupMetadata.of(version.zarrFormat(),
                OmeConversion.convert(root, version, file.describe()).toAttributes(Json.object()))));
        Key omeGroup = Key.of("OME");
        out.add(new GroupStep(omeGroup, GroupMetadata.of(version.zarrFormat(),
                OmeConversion.convert(ome, version, file.describe()).toAttributes(Json.object()))));
        if (file.read(FileSource.OME_XML).isPresent()) {
            out.add(new ObjectStep(FileSource.OME_XML, FileSource.OME_XML));
        }
        for (int i = 0; i < images.size(); i++) {
            Key k = Key.of(series.get(i));
            int at = out.size();
            GroupMetadata g = imageGroup(cmd, k, images.get(i), file.describe() + " image " + i, out);
            out.add(at, new GroupStep(k, g)); // parents before children
        }
        return out;
    }

    /**
     * Plans the levels of a file image at {@code image} (its own levels, or levels made anew with
     * {@code --levels auto|N}) and returns the image group's metadata.
     */
    private GroupMetadata imageGroup(CommandLine cmd, Key image, dev.ngff.tiff.FileImage img, String where, List<Step> out)
            throws IOException {
        List<Axis> axisList = img.axes();
        List<String> names = axisList.stream().map(Axis::name).toList();
        int rank = axisList.size();
        Multiscale ms;
        LevelSource level0 = img.levels().getFirst();
        if (maxLevels >= 0) {
            Multiscale made = regenerate(cmd, image, null, axisList, level0,
                    FileSources.baseMetadata(level0, axisList, version.zarrFormat()), where,
                    new dev.ngff.metadata.ome.ScaleTranslation(img.scale(), new double[rank]), false, out);
            ms = new Multiscale(made.version(), img.name() == null ? made.name() : img.name(), made.axes(),
                    made.coordinateSystems(), made.datasets(), made.coordinateTransformations(), made.type(),
                    made.metadata(), made.extra());
        } else {
            List<Multiscale.Dataset> datasets = new ArrayList<>();
            for (int k = 0; k < img.levels().size(); k++) {
                LevelSource lk = img.levels().get(k);
                ArrayMetadata meta = arrayMetadata(cmd, FileSources.baseMetadata(lk, axisList, version.zarrFormat()),
                        where + " level " + k, names);
                Key path = image.resolve(Integer.toString(k));
                out.add(new PyramidStep(path, lk, List.of(path), List.of(meta), PyramidPlan.single(rank),
                        new Downsampling.Mean()));
                datasets.add(new Multiscale.Dataset(Integer.toString(k), List.of(Transform.Scale.of(img.levelScale(k))),
                        null));
            }
            ms = new Multiscale(null, img.name() == null ? "image" : img.name(), axisList, null, datasets, null, null,
                    null, null);
        }
        dev.ngff.metadata.ome.Omero omero = img.omero();
        if (omero != null && !version.nestedUnderOme()
                && omero.channels().stream().anyMatch(c -> c.window() == null)) {
            omero = null; // 0.4 wants every channel's window; floats have none to give
        }
        OmeMetadata meta = new OmeMetadata(NgffVersion.V0_5.text(), true, List.of(ms), omero, null, null, null, null,
                null, null, null, null);
        return GroupMetadata.of(version.zarrFormat(),
                OmeConversion.convert(meta, version, where).toAttributes(Json.object()));
    }

    /** {@code --scale} for an array of {@code rank} dimensions; 1 on every axis without it. */
    private double[] pixelSizes(CommandLine cmd, int rank) {
        double[] pixel = new double[rank];
        java.util.Arrays.fill(pixel, 1.0);
        if (scale != null) {
            String[] parts = scale.split(",", -1);
            if (parts.length != rank) {
                throw new CommandLine.ParameterException(cmd, "--scale has " + parts.length + " values, the array "
                        + rank + " dimensions");
            }
            for (int d = 0; d < rank; d++) {
                try {
                    pixel[d] = Double.parseDouble(parts[d].trim());
                } catch (NumberFormatException e) {
                    pixel[d] = Double.NaN;
                }
                if (!(pixel[d] > 0) || Double.isInfinite(pixel[d])) {
                    throw new CommandLine.ParameterException(cmd, "--scale: '" + parts[d] + "' is not a positive number");
                }
            }
        }
        return pixel;
    }
}
