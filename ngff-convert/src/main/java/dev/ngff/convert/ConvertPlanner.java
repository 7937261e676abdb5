package dev.ngff.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.convert.internal.ArrayLayout;
import dev.ngff.convert.internal.ChannelWindows;
import dev.ngff.convert.internal.FileSources;
import dev.ngff.convert.internal.Skipped;
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
import dev.ngff.store.Stores;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The plan of {@code ngff convert}: an OME-Zarr hierarchy of version 0.4 to 0.6 (image with labels, labels group,
 * plate, well, bioformats2raw collection), a plain Zarr array, a TIFF, an N5 container or a raw file, written as
 * OME-Zarr of {@link Options#version()}. The OME metadata is rewritten for the target; arrays are re-encoded with
 * the {@link TargetLayout}; with {@link Options#maxLevels()} at least 0 the levels of every image are made anew
 * from its level 0 ({@link PyramidStep}). Reads metadata (and, for 0.4 targets lacking channel windows, a bounded
 * sample of pixels); writes nothing. One planner per plan; not thread-safe.
 */
public final class ConvertPlanner {

    /**
     * What shapes a conversion, as the {@code ngff convert} options give it.
     *
     * @param version   the OME-NGFF version written
     * @param maxLevels -1 keeps the source's levels; 0 makes them anew until they fit one chunk (auto); N makes
     *                  them anew, at most N
     * @param method    the downsampling method's name, or null for mean (images) and mode (labels)
     * @param axes      a plain array's or raw file's axes ({@code --axes}), or null
     * @param scale     their pixel sizes ({@code --scale}), or null
     * @param units     their units ({@code --units}), or null
     * @param layout    chunks, shards and codecs of the written arrays
     */
    public record Options(NgffVersion version, int maxLevels, String method, String axes, String scale, String units,
                          TargetLayout layout) {
        public Options {
            java.util.Objects.requireNonNull(version, "version");
            java.util.Objects.requireNonNull(layout, "layout");
            if (maxLevels < -1) {
                throw new IllegalArgumentException("maxLevels must be -1 (keep), 0 (auto) or a count, got " + maxLevels);
            }
        }
    }

    private final NgffVersion version;
    private final int maxLevels;
    private final String method;
    private final String axes;
    private final String scale;
    private final String units;
    private final TargetLayout layout;
    /** Source level arrays whose levels are made anew: not copied. */
    private final java.util.Set<Key> replaced = new java.util.HashSet<>();
    /** The plan and axis names of each image whose levels are made anew: its label images follow the plan. */
    private final Map<Key, ImagePlan> imagePlans = new HashMap<>();

    /** Plan for the workers of a distributed run: group metadata that needs pixels is not computed. */
    private final boolean dataOnly;

    private ConvertPlanner(Options o, boolean dataOnly) {
        this.dataOnly = dataOnly;
        this.version = o.version();
        this.maxLevels = o.maxLevels();
        this.method = o.method();
        this.axes = o.axes();
        this.scale = o.scale();
        this.units = o.units();
        this.layout = o.layout();
    }

    /**
     * Opens a conversion source: a TIFF file, an N5 directory or, with {@code raw} ({@code SHAPE,DTYPE[,ORDER]}),
     * a raw file as a {@link FileSource}; any other location as a store ({@link Stores#open}).
     *
     * @throws ConvertOptionException {@code raw} is malformed or the location is no local file
     * @throws IllegalArgumentException the location is malformed
     */
    public static ReadableStore openSource(String location, String raw) throws IOException {
        if (raw != null) {
            FileSources.Raw spec = FileSources.parseRaw(raw);
            java.nio.file.Path p = FileSource.localPath(location);
            if (p == null) {
                throw new ConvertOptionException("--raw reads a local file; '" + location + "' is not one");
            }
            return FileSource.raw(p, dev.ngff.raw.RawSource.open(p, spec.shape(), spec.dataType(), spec.order()));
        }
        if (FileSource.isTiff(location)) {
            return FileSource.tiff(FileSource.localPath(location));
        }
        if (FileSource.isN5(location)) {
            return FileSource.n5(FileSource.localPath(location));
        }
        return Stores.open(location);
    }

    /**
     * The steps that convert {@code src} (a store, or a {@link FileSource} from {@link #openSource}), parents
     * before children.
     *
     * @throws ConvertOptionException an option does not fit the source
     * @throws InvalidMetadataException the source holds no OME-NGFF metadata, or malformed metadata
     */
    public static List<Step> plan(ReadableStore src, Options options, ExecutionContext ctx) throws IOException {
        return new ConvertPlanner(options, false).planAll(src, ctx);
    }

    /**
     * The steps of {@link #plan} with the same arrays, pyramids and objects, for the workers of a distributed run
     * that write data and never a group: the groups' metadata may differ from {@link #plan}'s (the channel
     * windows that a 0.4 target needs are not computed, which reads pixels), so it must not be written.
     */
    public static List<Step> planData(ReadableStore src, Options options, ExecutionContext ctx) throws IOException {
        return new ConvertPlanner(options, true).planAll(src, ctx);
    }

    /** The downsampling method asked for, or {@code fallback}. */
    private Downsampling method(Downsampling fallback) {
        if (method == null) {
            return fallback;
        }
        try {
            return Downsampling.parse(method);
        } catch (IllegalArgumentException e) {
            throw new ConvertOptionException("--method: " + e.getMessage(), e);
        }
    }

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
    private Multiscale regenerate(Key image, Multiscale base, List<Axis> axisList, LevelSource level0,
                                  ArrayMetadata level0Meta, String where0, dev.ngff.metadata.ome.ScaleTranslation st0,
                                  boolean labels, List<Step> out) throws IOException {
        Downsampling m = method(labels ? new Downsampling.Mode() : new Downsampling.Mean());
        List<String> names = axisList.stream().map(Axis::name).toList();
        ArrayMetadata meta0 = arrayMetadata(level0Meta, where0, names);
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

    private List<Step> planAll(ReadableStore src, ExecutionContext ctx) throws IOException {
        if (src instanceof FileSource file) {
            return planFile(file);
        }
        ZarrNode root = Zarr.open(src, Key.ROOT, ctx);
        List<Step> steps = new ArrayList<>();
        if (root instanceof ZarrArray a) {
            planImageOfArray(a, steps);
            return steps;
        }
        if (axes != null || scale != null || units != null) {
            throw new ConvertOptionException("--axes, --scale and --units describe a plain array; "
                    + src.describe() + " holds a group");
        }
        ZarrGroup g = (ZarrGroup) root;
        String where = where(g);
        if (OmeMetadata.parse(g.attributes(), where).isEmpty()) {
            throw new InvalidMetadataException(where + ": no OME-NGFF metadata (none of multiscales, plate, well, labels, "
                    + "bioformats2raw.layout); 'ngff copy' copies plain Zarr hierarchies");
        }
        planGroup(g, new HashMap<>(), steps);
        return steps;
    }

    private static String where(ZarrNode n) {
        return n.store().describe() + " '" + (n.path().isRoot() ? "/" : n.path().path()) + "'";
    }

    /**
     * Plans a group and everything below it. {@code levelAxes} maps the path of each image level seen so far
     * to the image's axis names (an image group is planned before its levels).
     */
    private void planGroup(ZarrGroup g, Map<Key, List<String>> levelAxes, List<Step> out)
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
            Multiscale made = regenerate(g.path(), ms, ms.effectiveAxes(), LevelSource.of(level0), level0.metadata(),
                    where(level0), st0, m.imageLabel() != null || g.path().path().matches("(.*/)?labels/[^/]+"), out);
            source = new OmeMetadata(m.versionText(), m.nested(), List.of(made), m.omero(), m.labels(), m.imageLabel(),
                    m.plate(), m.well(), m.bioformats2rawLayout(), m.series(), m.scene(), m.extra()).toAttributes(source);
            meta = OmeMetadata.parse(source, where); // what follows sees the levels made anew
        }
        if (!dataOnly && meta.isPresent() && !version.nestedUnderOme() && meta.get().isImage() && meta.get().omero() != null
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
                    planGroup(g.openGroup(w.path()), levelAxes, out);
                }
            }
        }
        for (String name : children.names()) {
            ZarrNode child = g.open(name);
            switch (child) {
                case ZarrArray a -> {
                    if (!replaced.contains(a.path())) {
                        out.add(new ArrayStep(a.path(), a, arrayMetadata(a, levelAxes.get(a.path()))));
                    }
                }
                case ZarrGroup c -> planGroup(c, levelAxes, out);
            }
        }
    }

    /**
     * The written metadata of an array: the layout options applied, {@code /} chunk keys for Zarr v2 (as
     * OME-Zarr 0.4 wants), and for Zarr v3 dimension names equal to the axis names of the image whose level
     * it is ({@code axisNames}; null for other arrays, which keep their own).
     */
    private ArrayMetadata arrayMetadata(ZarrArray a, List<String> axisNames) throws IOException {
        return arrayMetadata(a.metadata(), where(a), axisNames);
    }

    private ArrayMetadata arrayMetadata(ArrayMetadata src, String where, List<String> axisNames)
            throws IOException {
        ArrayMetadata m;
        try {
            m = layoutFor(src.rank()).apply(src, where);
        } catch (IllegalArgumentException e) {
            throw new ConvertOptionException(e.getMessage(), e);
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
            throw new ConvertOptionException(where + ": cannot write as Zarr v" + m.zarrFormat() + ": "
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
    private void planImageOfArray(ZarrArray a, List<Step> out) throws IOException {
        int rank = a.rank();
        List<Axis> axisList = axes(rank);
        double[] pixel = pixelSizes(rank);
        Multiscale ms;
        if (maxLevels >= 0) {
            ms = regenerate(Key.ROOT, null, axisList, LevelSource.of(a), a.metadata(), where(a),
                    new dev.ngff.metadata.ome.ScaleTranslation(pixel, new double[rank]), false, out);
        } else {
            ms = new Multiscale(null, "image", axisList, null,
                    List.of(new Multiscale.Dataset("0", List.of(Transform.Scale.of(pixel)), null)), null, null, null, null);
            // the array's own attributes stay with the array
            out.add(new ArrayStep(Key.of("0"), a, arrayMetadata(a, axisList.stream().map(Axis::name).toList())));
        }
        OmeMetadata meta = new OmeMetadata(NgffVersion.V0_5.text(), true, List.of(ms), null, null, null, null, null,
                null, null, null, null);
        ObjectNode attrs = OmeConversion.convert(meta, version, where(a)).toAttributes(Json.object());
        out.add(new GroupStep(Key.ROOT, GroupMetadata.of(version.zarrFormat(), attrs)));
    }

    /** The axes of a plain array from {@code --axes} and {@code --units}. */
    private List<Axis> axes(int rank) {
        List<String[]> spec = new ArrayList<>(); // name, type (or null)
        String text = axes != null ? axes.trim() : "tczyx".substring(Math.max(0, 5 - rank));
        if (axes == null && rank > 5) {
            throw new ConvertOptionException("the array has " + rank + " dimensions: give --axes");
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
            throw new ConvertOptionException("--axes '" + text + "' names " + spec.size()
                    + " axes, the array has " + rank + " dimensions");
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String[] s : spec) {
            if (s[0].isEmpty() || !seen.add(s[0])) {
                throw new ConvertOptionException("--axes '" + text + "': axis names must be non-empty and unique");
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
                throw new ConvertOptionException("--units has " + parts.length + " values: give one per axis ("
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
    private List<Step> planFile(FileSource file) throws IOException {
        List<Step> out = new ArrayList<>();
        if (file.rawSource() != null) {
            int rank = file.rawSource().shape().length;
            List<Axis> axisList = axes(rank);
            dev.ngff.tiff.FileImage img = new dev.ngff.tiff.FileImage(null, axisList, pixelSizes(rank),
                    List.of(file.rawSource()), null);
            out.add(0, new GroupStep(Key.ROOT, imageGroup(Key.ROOT, img, file.describe(), out)));
            return out;
        }
        if (axes != null || scale != null || units != null) {
            throw new ConvertOptionException("--axes, --scale and --units describe a plain array or a raw "
                    + "file; " + file.describe() + " is a " + (file.n5Directory() != null ? "N5 container" : "TIFF")
                    + ", whose own metadata gives them");
        }
        List<dev.ngff.tiff.FileImage> images = file.n5Directory() != null
                ? List.of(dev.ngff.n5.N5Images.of(file.n5Directory())) : dev.ngff.tiff.TiffImages.of(file.tiffFile());
        if (images.size() == 1) {
            out.add(0, new GroupStep(Key.ROOT, imageGroup(Key.ROOT, images.getFirst(),
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
            GroupMetadata g = imageGroup(k, images.get(i), file.describe() + " image " + i, out);
            out.add(at, new GroupStep(k, g)); // parents before children
        }
        return out;
    }

    /**
     * Plans the levels of a file image at {@code image} (its own levels, or levels made anew with
     * {@code --levels auto|N}) and returns the image group's metadata.
     */
    private GroupMetadata imageGroup(Key image, dev.ngff.tiff.FileImage img, String where, List<Step> out)
            throws IOException {
        List<Axis> axisList = img.axes();
        List<String> names = axisList.stream().map(Axis::name).toList();
        int rank = axisList.size();
        Multiscale ms;
        LevelSource level0 = img.levels().getFirst();
        if (maxLevels >= 0) {
            Multiscale made = regenerate(image, null, axisList, level0,
                    FileSources.baseMetadata(level0, axisList, version.zarrFormat()), where,
                    new dev.ngff.metadata.ome.ScaleTranslation(img.scale(), new double[rank]), false, out);
            ms = new Multiscale(made.version(), img.name() == null ? made.name() : img.name(), made.axes(),
                    made.coordinateSystems(), made.datasets(), made.coordinateTransformations(), made.type(),
                    made.metadata(), made.extra());
        } else {
            List<Multiscale.Dataset> datasets = new ArrayList<>();
            for (int k = 0; k < img.levels().size(); k++) {
                LevelSource lk = img.levels().get(k);
                ArrayMetadata meta = arrayMetadata(FileSources.baseMetadata(lk, axisList, version.zarrFormat()),
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
    private double[] pixelSizes(int rank) {
        double[] pixel = new double[rank];
        java.util.Arrays.fill(pixel, 1.0);
        if (scale != null) {
            String[] parts = scale.split(",", -1);
            if (parts.length != rank) {
                throw new ConvertOptionException("--scale has " + parts.length + " values, the array "
                        + rank + " dimensions");
            }
            for (int d = 0; d < rank; d++) {
                try {
                    pixel[d] = Double.parseDouble(parts[d].trim());
                } catch (NumberFormatException e) {
                    pixel[d] = Double.NaN;
                }
                if (!(pixel[d] > 0) || Double.isInfinite(pixel[d])) {
                    throw new ConvertOptionException("--scale: '" + parts[d] + "' is not a positive number");
                }
            }
        }
        return pixel;
    }
}
