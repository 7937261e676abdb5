package dev.ngff.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.ChunkKeyEncoding;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.Multiscale;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Plate;
import dev.ngff.metadata.ome.ScaleTranslation;
import dev.ngff.metadata.ome.Transform;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.metadata.ome.Well;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelLayout;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.write.Durability;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Stores;
import dev.ngff.store.WritableStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Entry point for OME-Zarr: open what a location holds as an image, plate, well, labels group or
 * bioformats2raw collection, and write images (with labels), plates and wells with complete metadata in
 * one call: 0.4 as Zarr v2 (chunk keys with {@code /}), 0.5 and 0.6 as Zarr v3 with {@code attributes.ome}
 * and {@code dimension_names} equal to the axis names.
 *
 * <p>Opening reads the group's metadata and, for an image, each level's array metadata; no chunk is read.
 * Malformed OME metadata raises {@link InvalidMetadataException} naming the document and JSON pointer.
 * Opening does not validate beyond what it needs: use the ngff-validate module for conformance.
 */
public final class OmeZarr {
    /** The coordinate system name our 0.6 writer gives the physical space of an image. */
    public static final String PHYSICAL = "physical";

    private OmeZarr() {
    }

    /** Opens a path or URI (directory, {@code .zip}/{@code .ozx}, {@code http(s)://}) at its root. */
    public static OmeNode open(String location, ExecutionContext ctx) throws IOException {
        ReadableStore store = Stores.open(location);
        return open(store, Key.ROOT, ctx);
    }

    public static OmeNode open(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        return open(Zarr.openGroup(store, path, ctx));
    }

    /** Classifies an opened group by its OME metadata. */
    public static OmeNode open(ZarrGroup group) throws IOException {
        String where = where(group);
        OmeMetadata meta = OmeMetadata.parse(group.attributes(), where)
                .orElseThrow(() -> new InvalidMetadataException(where + ": no OME-NGFF metadata (none of "
                        + "multiscales, plate, well, labels, bioformats2raw.layout, scene)"));
        // an image may also carry bioformats2raw.layout (its series then sit beside the levels)
        if (meta.isImage()) {
            return image(group, meta);
        }
        if (meta.bioformats2rawLayout() != null) {
            return collection(group, meta);
        }
        if (meta.plate() != null) {
            return new OmePlate(group, meta);
        }
        if (meta.well() != null) {
            return new OmeWell(group, meta);
        }
        if (meta.labels() != null) {
            return new OmeLabels(group, meta);
        }
        if (meta.scene() != null) {
            return new OmeScene(group, meta);
        }
        throw new InvalidMetadataException(where + ": OME metadata without an image, plate, well, labels list or"
                + " bioformats2raw layout");
    }

    /** Opens a group that must be an image. */
    public static OmeImage openImage(ZarrGroup group) throws IOException {
        if (open(group) instanceof OmeImage img) {
            return img;
        }
        throw new InvalidMetadataException(where(group) + ": not an image (no multiscales)");
    }

    private static String where(ZarrGroup g) {
        return g.store().describe() + " '" + (g.path().isRoot() ? "/" : g.path().path()) + "'";
    }

    private static OmeImage image(ZarrGroup group, OmeMetadata meta) throws IOException {
        Multiscale ms = meta.multiscales().getFirst();
        if (ms.datasets().isEmpty()) {
            throw new InvalidMetadataException(where(group) + ": " + (meta.nested() ? "/ome" : "")
                    + "/multiscales/0/datasets: an image needs at least one dataset");
        }
        List<Level> levels = new ArrayList<>();
        for (int i = 0; i < ms.datasets().size(); i++) {
            String p = ms.datasets().get(i).path();
            String ptr = (meta.nested() ? "/ome" : "") + "/multiscales/0/datasets/" + i + "/path";
            Optional<NodeMetadata> node = nodeMetadata(group, p);
            if (node.isEmpty()) {
                throw new NodeNotFoundException(where(group) + ": " + ptr + ": no array at '" + p + "'");
            }
            if (!(node.get() instanceof ArrayMetadata a)) {
                throw new InvalidMetadataException(where(group) + ": " + ptr + ": '" + p + "' is a group, not an array");
            }
            ScaleTranslation st = ms.levelTransform(i).filter(t -> t.rank() == a.rank()).orElse(null);
            levels.add(new Level(i, p, a, st, group));
        }
        return new OmeImage(group, meta, levels);
    }

    /**
     * The metadata of a node below a group, without opening it (no codec is instantiated): from the
     * group's consolidated metadata when it has some, else from the store. Empty when nothing is there.
     */
    public static Optional<NodeMetadata> nodeMetadata(ZarrGroup group, String relative) throws IOException {
        Key child = group.path().resolve(relative);
        Optional<java.util.Map<String, NodeMetadata>> cons = group.consolidated();
        if (cons.isPresent() && cons.get().containsKey(child.relativeTo(group.path()).path())) {
            return Optional.of(cons.get().get(child.relativeTo(group.path()).path()));
        }
        return Zarr.readMetadata(group.store(), child);
    }

    private static OmeCollection collection(ZarrGroup group, OmeMetadata meta) throws IOException {
        List<String> series = new ArrayList<>();
        try {
            ZarrGroup ome = group.openGroup("OME");
            Optional<OmeMetadata> om = OmeMetadata.parse(ome.attributes(), where(ome));
            if (om.isPresent() && om.get().series() != null) {
                series.addAll(om.get().series());
            }
        } catch (NodeNotFoundException e) {
            // no OME/ group: the series are the numbered children
        }
        if (series.isEmpty()) {
            for (int i = 0; Zarr.isNode(group.store(), group.path().resolve(Integer.toString(i))); i++) {
                series.add(Integer.toString(i));
            }
        }
        return new OmeCollection(group, meta, series);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes an image group with its level arrays (empty: every chunk reads as the fill value until
     * written) and complete multiscales (and omero) metadata for the spec's version. Existing metadata at
     * the path is replaced; existing chunks are left alone.
     */
    public static OmeImage createImage(WritableStore store, Key path, ImageSpec spec, ExecutionContext ctx)
            throws IOException {
        return createImage(store, path, spec, (ImageLabel) null, ctx);
    }

    /**
     * {@link #createImage(WritableStore, Key, ImageSpec, ExecutionContext)} for levels that {@code method}
     * will make: the multiscale {@code type} is the method's name (unless the spec names one) and each
     * level's translation places its pixels where the method puts them, as {@link #writeImage} writes them.
     * For writers that fill the levels later, such as the acquisition writer.
     */
    public static OmeImage createImage(WritableStore store, Key path, ImageSpec spec, Downsampling method,
                                       ExecutionContext ctx) throws IOException {
        ImageSpec typed = spec.downsamplingType() == null ? spec.withDownsamplingType(method.name()) : spec;
        return createImage(store, path, typed, null, method, ctx);
    }

    private static OmeImage createImage(WritableStore store, Key path, ImageSpec spec, ImageLabel imageLabel,
                                        ExecutionContext ctx) throws IOException {
        return createImage(store, path, spec, imageLabel, null, ctx);
    }

    private static OmeImage createImage(WritableStore store, Key path, ImageSpec spec, ImageLabel imageLabel,
                                        Downsampling method, ExecutionContext ctx) throws IOException {
        List<ArrayMetadata> levels = levelMetadata(spec);
        for (int k = 0; k < levels.size(); k++) {
            Zarr.createArray(store, path.resolve(Integer.toString(k)), levels.get(k), ctx);
        }
        return openImage(writeImageGroup(store, path, spec, imageLabel, method, ctx));
    }

    /** The metadata of each level of a spec: level 0's layout, clipped to each smaller level. */
    private static List<ArrayMetadata> levelMetadata(ImageSpec spec) {
        NgffVersion v = spec.version();
        List<String> names = spec.axes().stream().map(Axis::name).toList();
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("axis names must be unique: " + names);
        }
        ArrayMetadata.Builder b = ArrayMetadata.builder(spec.dataType(), spec.shape()).zarrFormat(v.zarrFormat())
                .chunks(spec.chunks()).codecs(spec.codecs());
        if (v.zarrFormat() == 3) {
            b.dimensionNames(names);
        } else {
            b.chunkKeyEncoding(new ChunkKeyEncoding(ChunkKeyEncoding.Kind.V2, '/'));
        }
        ArrayMetadata template = b.build();
        List<ArrayMetadata> out = new ArrayList<>();
        for (int k = 0; k < spec.levels(); k++) {
            out.add(LevelLayout.of(template, spec.levelShape(k)));
        }
        return out;
    }

    /**
     * Writes an image's group metadata (multiscales, omero, image-label) for a spec whose levels are at
     * {@code 0, 1, ...}; {@code method} decides the levels' translations (null: the spec's origin on every level).
     */
    private static ZarrGroup writeImageGroup(WritableStore store, Key path, ImageSpec spec, ImageLabel imageLabel,
                                             Downsampling method, ExecutionContext ctx) throws IOException {
        return writeImageGroup(store, path, spec, imageLabel, method, levelPaths("0", spec.levels()), ctx);
    }

    /** Level paths following level 0's: {@code 0, 1, ...}, {@code s0, s1, ...}, else {@code <path0>_<k>}. */
    private static List<String> levelPaths(String path0, int levels) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < levels; k++) {
            if (k == 0) {
                out.add(path0);
            } else if (path0.matches("[0-9]+")) {
                out.add(Integer.toString(k));
            } else if (path0.matches("[A-Za-z_]*0")) {
                out.add(path0.substring(0, path0.length() - 1) + k);
            } else {
                out.add(path0 + "_" + k);
            }
        }
        return out;
    }

    private static ZarrGroup writeImageGroup(WritableStore store, Key path, ImageSpec spec, ImageLabel imageLabel,
                                             Downsampling method, List<String> paths, ExecutionContext ctx)
            throws IOException {
        NgffVersion v = spec.version();
        List<Multiscale.Dataset> datasets = new ArrayList<>();
        for (int k = 0; k < spec.levels(); k++) {
            String p = paths.get(k);
            double[] translation = method == null || k == 0 ? spec.origin()
                    : spec.plan().levelTranslation(spec.origin(), spec.pixelSize(), method, k);
            datasets.add(new Multiscale.Dataset(p, levelTransforms(v, p, spec.levelScale(k), translation), null));
        }
        String name = spec.name() != null ? spec.name() : path.isRoot() ? "image" : path.name();
        Multiscale ms = v.hasCoordinateSystems()
                ? new Multiscale(null, name, null,
                        List.of(new Multiscale.CoordinateSystem(PHYSICAL, spec.axes(), null)), datasets, null,
                        spec.downsamplingType(), spec.downsamplingMetadata(), null)
                : new Multiscale(v.nestedUnderOme() ? null : v.text(), name, spec.axes(), null, datasets, null,
                        spec.downsamplingType(), spec.downsamplingMetadata(), null);
        OmeMetadata meta = new OmeMetadata(v.text(), v.nestedUnderOme(), List.of(ms), spec.omero(), null,
                imageLabel, null, null, null, null, null, null);
        return writeGroup(store, path, v, meta, ctx);
    }

    /**
     * Writes a complete multiscale image from level-0 data in one streaming pass
     * ({@link PyramidWriter}): the source is read once; every level of the spec's plan is written through
     * the shard write buffer and published after its data; the image group's metadata, listing the
     * levels, is written last, so a reader never finds the multiscales ahead of the levels it lists. The
     * multiscale {@code type} is the method's name (unless the spec names one), and each level's
     * translation places its pixels where the method puts them ({@link PyramidPlan#levelTranslation}).
     *
     * <p>When the spec's omero block has as many channels as the {@code c} axis has indices (one when there
     * is no channel axis), each channel's window (min, max, start, end) is set from the level-0 values seen during the pass, unless
     * it has one already.
     *
     * @param source level-0 data of the spec's shape and data type: an array ({@link LevelSource#of}) or a
     *               generator
     * @param progress told the level-0 bytes of each finished block, or null
     */
    public static OmeImage writeImage(WritableStore store, Key path, ImageSpec spec, LevelSource source,
                                      Downsampling method, PyramidWriter.Options options, Durability durability,
                                      LongConsumer progress, ExecutionContext ctx) throws IOException {
        return writeImage(store, path, spec, null, source, method, options, durability, progress, ctx);
    }

    private static OmeImage writeImage(WritableStore store, Key path, ImageSpec spec, ImageLabel imageLabel,
                                       LevelSource source, Downsampling method, PyramidWriter.Options options,
                                       Durability durability, LongConsumer progress, ExecutionContext ctx)
            throws IOException {
        if (!java.util.Arrays.equals(source.shape(), spec.shape()) || !source.dataType().equals(spec.dataType())) {
            throw new IllegalArgumentException("the source is " + source.dataType() + " "
                    + java.util.Arrays.toString(source.shape()) + ", the image spec " + spec.dataType() + " "
                    + java.util.Arrays.toString(spec.shape()));
        }
        int channelAxis = channelAxis(spec);
        boolean windows = omeroMatchesChannels(spec, channelAxis);
        List<ArrayMetadata> metas = levelMetadata(spec);
        List<ZarrArray> levels = new ArrayList<>();
        for (int k = 0; k < metas.size(); k++) {
            levels.add(Zarr.newArray(store, path.resolve(Integer.toString(k)), metas.get(k), ctx));
        }
        PyramidWriter.Result result = PyramidWriter.write(source, levels, spec.plan(), method,
                windows ? options.withRanges(channelAxis) : options.withoutRanges(), progress);
        for (ZarrArray level : levels) {
            level.publish(durability);
        }
        ImageSpec done = spec.downsamplingType() == null ? spec.withDownsamplingType(method.name()) : spec;
        if (windows) {
            done = done.withOmero(withWindows(spec.omero(), result.ranges()));
        }
        ZarrGroup g = writeImageGroup(store, path, done, imageLabel, method, ctx);
        if (durability == Durability.COMMIT && store instanceof dev.ngff.store.Store local) {
            dev.ngff.write.LocalFiles.force(local, path);
        }
        return openImage(g);
    }

    /**
     * Regenerates the lower levels of an image from its level 0, in place: levels {@code 1..} of the plan
     * are written (replacing what is stored under their paths) in one pass that reads level 0 once, each
     * published after its data; then the multiscales metadata (other attributes kept, omero windows filled
     * where missing) lists the new levels; then the arrays of old levels no longer listed are deleted.
     * While it runs, a reader may find a level being replaced: callers that share the image mark it
     * incomplete first ({@link dev.ngff.write.IncompleteMarker}); rerunning finishes the same result.
     */
    public static OmeImage regenerateLevels(WritableStore store, OmeImage image, PyramidPlan plan,
                                            Downsampling method, PyramidWriter.Options options, Durability durability,
                                            LongConsumer progress) throws IOException {
        Regeneration r = planRegeneration(image, plan, method);
        ExecutionContext ctx = image.group().context();
        List<ZarrArray> targets = new ArrayList<>();
        targets.add(null);
        for (int k = 1; k < plan.levels(); k++) {
            targets.add(Zarr.newArray(store, r.levelPaths().get(k), r.levels().get(k), ctx));
        }
        PyramidWriter.Result result = PyramidWriter.write(LevelSource.of(image.level(0).array()), targets, plan, method,
                r.rangeAxis().isPresent() ? options.withRanges(r.rangeAxis().getAsInt()) : options.withoutRanges(),
                progress);
        for (int k = 1; k < targets.size(); k++) {
            targets.get(k).publish(durability);
        }
        return finishRegeneration(store, image, r, result.ranges(), durability);
    }

    /**
     * What {@link #regenerateLevels} writes, for writers that make the levels themselves (ngff-spark makes
     * each level from the one above in a stage of its own, and then calls {@link #finishRegeneration}).
     *
     * @param levelPaths the levels' array paths in the store, level 0 first
     * @param levels     each level's array metadata; element 0 is level 0's as stored
     * @param rangeAxis  when present, the omero windows are filled from level 0's value ranges collected per
     *                   index of this axis ({@link PyramidWriter.Options#withRanges}; -1 for one range of all values)
     */
    public record Regeneration(ImageSpec spec, PyramidPlan plan, Downsampling method, List<Key> levelPaths,
                               List<ArrayMetadata> levels, java.util.OptionalInt rangeAxis) {
        public Regeneration {
            levelPaths = List.copyOf(levelPaths);
            levels = List.copyOf(levels);
        }
    }

    /** Plans {@link #regenerateLevels}; writes nothing. */
    public static Regeneration planRegeneration(OmeImage image, PyramidPlan plan, Downsampling method)
            throws IOException {
        Key path = image.group().path();
        Level l0 = image.level(0);
        ZarrArray level0 = l0.array();
        NgffVersion v = image.metadata().version().orElseThrow(() -> new IllegalArgumentException(
                where(image.group()) + ": the image declares no OME-NGFF version"));
        if (v.compareTo(NgffVersion.V0_4) < 0) {
            throw new IllegalArgumentException(where(image.group()) + ": regenerating levels of OME-NGFF " + v.text()
                    + " images is not supported (0.4 and newer; convert it first)");
        }
        if (plan.rank() != level0.rank()) {
            throw new IllegalArgumentException("a plan of rank " + plan.rank() + " for an image of rank " + level0.rank());
        }
        List<String> paths = levelPaths(l0.path(), plan.levels());
        ImageSpec spec = new ImageSpec(v, image.multiscale().name(), image.axes(), level0.dataType(), level0.shape(),
                level0.chunkShape(), l0.scale(),
                l0.scaleTranslation().isPresent() && !allZero(l0.translation()) ? l0.translation() : null, plan,
                level0.metadata().codecs(), image.metadata().omero(), method.name(), null);
        List<Key> keys = new ArrayList<>();
        List<ArrayMetadata> metas = new ArrayList<>();
        for (int k = 0; k < plan.levels(); k++) {
            keys.add(path.resolve(paths.get(k)));
            metas.add(k == 0 ? level0.metadata() : LevelLayout.of(level0.metadata(), plan.levelShape(level0.shape(), k)));
        }
        int channelAxis = channelAxis(spec);
        boolean windows = omeroMatchesChannels(spec, channelAxis)
                && spec.omero().channels().stream().anyMatch(c -> c.window() == null);
        return new Regeneration(spec, plan, method, keys, metas,
                windows ? java.util.OptionalInt.of(channelAxis) : java.util.OptionalInt.empty());
    }

    /**
     * The end of {@link #regenerateLevels} once every level {@code 1..} of {@code r} is written and published:
     * writes the image group's multiscales (omero windows from {@code ranges} where {@link Regeneration#rangeAxis}
     * asked for them), then deletes the arrays of old levels no longer listed.
     *
     * @param ranges level 0's value ranges per index of the range axis; ignored without one
     */
    public static OmeImage finishRegeneration(WritableStore store, OmeImage image, Regeneration r,
                                              List<PyramidWriter.ValueRange> ranges, Durability durability)
            throws IOException {
        ExecutionContext ctx = image.group().context();
        Key path = image.group().path();
        ImageSpec spec = r.spec();
        if (r.rangeAxis().isPresent()) {
            spec = spec.withOmero(withWindows(spec.omero(), ranges));
        }
        List<String> paths = levelPaths(image.level(0).path(), r.plan().levels());
        ZarrGroup g = writeImageGroup(store, path, spec, image.imageLabel().orElse(null), r.method(), paths, ctx);
        if (durability == Durability.COMMIT && store instanceof dev.ngff.store.Store local) {
            dev.ngff.write.LocalFiles.force(local, path);
        }
        for (Level old : image.levels()) {
            if (!paths.contains(old.path()) && store instanceof dev.ngff.store.ListableStore listable) {
                Key oldPath = path.resolve(old.path());
                for (Key k : listable.list(oldPath)) {
                    store.delete(k);
                }
            }
        }
        return openImage(g);
    }

    /** The spec's channel axis, or -1. */
    private static int channelAxis(ImageSpec spec) {
        int axis = -1;
        for (int d = 0; d < spec.axes().size(); d++) {
            if ("channel".equals(spec.axes().get(d).type())) {
                axis = d;
            }
        }
        return axis;
    }

    /** Whether the omero block has one channel per index of the channel axis (one when there is none). */
    private static boolean omeroMatchesChannels(ImageSpec spec, int channelAxis) {
        return spec.omero() != null
                && spec.omero().channels().size() == (channelAxis >= 0 ? spec.shape()[channelAxis] : 1);
    }

    private static Omero withWindows(Omero omero, List<PyramidWriter.ValueRange> ranges) {
        List<Omero.Channel> channels = new ArrayList<>();
        for (int c = 0; c < omero.channels().size(); c++) {
            Omero.Channel ch = omero.channels().get(c);
            PyramidWriter.ValueRange r = ranges.get(c);
            if (ch.window() == null && !Double.isNaN(r.min())) {
                ch = new Omero.Channel(ch.label(), ch.color(), Omero.Window.of(r.min(), r.max(), r.min(), r.max()),
                        ch.active(), ch.inverted(), ch.family(), ch.coefficient(), ch.extra());
            }
            channels.add(ch);
        }
        return new Omero(omero.id(), omero.name(), omero.version(), channels, omero.rdefs(), omero.extra());
    }

    /**
     * Writes a label image {@code labels/<name>} below an image from its level-0 labels in one pass,
     * downsampled by {@code method} (mode for labels) with the image's axes, pixel sizes and level factors,
     * and {@code image-label} metadata (colors, source) pointing back at the image; the name is added to the
     * {@code labels} group's list after the label image is complete.
     */
    public static OmeImage writeLabel(WritableStore store, OmeImage image, String name, LevelSource labels,
                                      long[] chunks, List<dev.ngff.metadata.CodecSpec> codecs,
                                      List<ImageLabel.Color> colors, Downsampling method,
                                      PyramidWriter.Options options, Durability durability) throws IOException {
        if (!labels.dataType().isInteger()) {
            throw new IllegalArgumentException("label images need an integer data type, got " + labels.dataType());
        }
        NgffVersion v = image.metadata().version().orElseThrow(() -> new IllegalArgumentException(
                "the image has no version"));
        ImageSpec spec = labelSpec(image, name, labels.dataType(), labels.shape(), chunks, codecs)
                .withDownsamplingType(method.name());
        ObjectNode source = Json.object().put("image", "../../");
        // an empty colors list is invalid (the schema wants at least one): none given means no member
        ImageLabel il = new ImageLabel(v.nestedUnderOme() ? null : v.text(), colors == null || colors.isEmpty() ? null : colors,
                null, source, null);
        Key labelsPath = image.group().path().resolve("labels");
        OmeImage written = writeImage(store, labelsPath.resolve(name), spec, il, labels, method, options, durability,
                null, image.group().context());
        addLabelName(store, image, name, v, image.group().context());
        return written;
    }

    private static ImageSpec labelSpec(OmeImage image, String name, DataType type, long[] shape, long[] chunks,
                                       List<dev.ngff.metadata.CodecSpec> codecs) {
        NgffVersion v = image.metadata().version().orElseThrow(() -> new IllegalArgumentException(
                "the image has no version"));
        Level l0 = image.levels().getFirst();
        int rank = shape.length;
        if (rank != l0.rank()) {
            throw new IllegalArgumentException("labels of rank " + rank + " for an image of rank " + l0.rank());
        }
        List<int[]> factors = new ArrayList<>();
        for (int k = 1; k < image.levels().size(); k++) {
            int[] f = new int[rank];
            for (int d = 0; d < rank; d++) {
                f[d] = (int) Math.max(1, Math.round((double) image.level(k - 1).shape()[d] / image.level(k).shape()[d]));
            }
            factors.add(f);
        }
        return new ImageSpec(v, name, image.axes(), type, shape, chunks, l0.scale(),
                l0.scaleTranslation().isPresent() && !allZero(l0.translation()) ? l0.translation() : null,
                new PyramidPlan(factors, rank), codecs, null,
                image.multiscale().type(), image.multiscale().metadata() instanceof ObjectNode o ? o : null);
    }

    private static void addLabelName(WritableStore store, OmeImage image, String name, NgffVersion v,
                                     ExecutionContext ctx) throws IOException {
        Key labelsPath = image.group().path().resolve("labels");
        List<String> names = new ArrayList<>();
        Optional<dev.ngff.metadata.NodeMetadata> existing = Zarr.readMetadata(store, labelsPath);
        if (existing.isPresent()) {
            Optional<OmeMetadata> lm = OmeMetadata.parse(existing.get().attributes(), store.describe() + " '" + labelsPath + "'");
            if (lm.isPresent() && lm.get().labels() != null) {
                names.addAll(lm.get().labels());
            }
        }
        if (!names.contains(name)) {
            names.add(name);
        }
        OmeMetadata labelsMeta = new OmeMetadata(v.text(), v.nestedUnderOme(), null, null, names, null, null, null,
                null, null, null, null);
        writeGroup(store, labelsPath, v, labelsMeta, ctx);
    }

    /**
     * A level's transformations as this class writes them: up to 0.5 a scale and, when {@code origin} is
     * given, a translation; from 0.6 one scale (or a sequence of scale and translation) from the array at
     * {@code path} to the {@value #PHYSICAL} coordinate system.
     */
    static List<Transform> levelTransforms(NgffVersion v, String path, double[] scale, double[] origin) {
        if (origin != null && allZero(origin)) {
            origin = null;
        }
        if (!v.hasCoordinateSystems()) {
            List<Transform> ts = new ArrayList<>();
            ts.add(Transform.Scale.of(scale));
            if (origin != null) {
                ts.add(Transform.Translation.of(origin));
            }
            return ts;
        }
        Transform.Link link = new Transform.Link(null, Json.object().put("path", path),
                Json.object().put("name", PHYSICAL), null);
        if (origin == null) {
            return List.of(new Transform.Scale(scale, null, link));
        }
        return List.of(new Transform.Sequence(List.of(Transform.Scale.of(scale), Transform.Translation.of(origin)), link));
    }

    private static ZarrGroup writeGroup(WritableStore store, Key path, NgffVersion v, OmeMetadata meta,
                                        ExecutionContext ctx) throws IOException {
        ObjectNode base = Json.object();
        Optional<dev.ngff.metadata.NodeMetadata> existing = Zarr.readMetadata(store, path);
        if (existing.isPresent() && existing.get() instanceof GroupMetadata gm && gm.zarrFormat() == v.zarrFormat()) {
            base = gm.attributes(); // keep the user's other attributes
        }
        return Zarr.createGroup(store, path, GroupMetadata.of(v.zarrFormat(), meta.toAttributes(base)), ctx);
    }

    /**
     * Writes a label image {@code labels/<name>} below an image, with the same levels, pixel sizes and
     * axes, an integer data type, and {@code image-label} metadata pointing back at the image; adds the
     * name to the {@code labels} group's list (creating the group).
     */
    public static OmeImage createLabel(WritableStore store, OmeImage image, String name, DataType type,
                                       List<ImageLabel.Color> colors, ExecutionContext ctx) throws IOException {
        if (!type.isInteger()) {
            throw new IllegalArgumentException("label images need an integer data type, got " + type);
        }
        NgffVersion v = image.metadata().version().orElseThrow(() -> new IllegalArgumentException(
                "the image has no version"));
        addLabelName(store, image, name, v, ctx);
        Level l0 = image.levels().getFirst();
        ImageSpec spec = labelSpec(image, name, type, l0.shape(), l0.metadata().chunkShape(), l0.metadata().codecs());
        ObjectNode source = Json.object().put("image", "../../");
        // an empty colors list is invalid (the schema wants at least one): none given means no member
        ImageLabel il = new ImageLabel(v.nestedUnderOme() ? null : v.text(), colors == null || colors.isEmpty() ? null : colors,
                null, source, null);
        return createImage(store, image.group().path().resolve("labels").resolve(name), spec, il, ctx);
    }

    private static boolean allZero(double[] a) {
        for (double x : a) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes a plate: the plate group, a group per row, a well group per well with {@code fields} fields,
     * and an image per field written from {@code fieldSpec}. Returns the plate, opened.
     *
     * @param wells well paths {@code "<row>/<column>"}; rows and columns are named after what they use
     */
    public static OmePlate createPlate(WritableStore store, Key path, NgffVersion version, String name,
                                       List<String> rows, List<String> columns, List<String> wells, int fields,
                                       ImageSpec fieldSpec, ExecutionContext ctx) throws IOException {
        if (!fieldSpec.version().equals(version)) {
            throw new IllegalArgumentException("field images of version " + fieldSpec.version() + " in a plate of "
                    + version);
        }
        if (fields < 1) {
            throw new IllegalArgumentException("a well needs at least one field");
        }
        List<Plate.WellRef> refs = new ArrayList<>();
        for (String w : wells) {
            String[] rc = w.split("/", -1);
            int ri = rc.length == 2 ? rows.indexOf(rc[0]) : -1;
            int ci = rc.length == 2 ? columns.indexOf(rc[1]) : -1;
            if (ri < 0 || ci < 0) {
                throw new IllegalArgumentException("well '" + w + "' is not <row>/<column> of the plate's rows and columns");
            }
            refs.add(new Plate.WellRef(w, ri, ci, null));
        }
        String own = version.nestedUnderOme() ? null : version.text();
        Plate plate = new Plate(own, name, rows, columns, refs,
                List.of(new Plate.Acquisition(0, "acquisition 0", fields, null)), fields, null);
        OmeMetadata pm = new OmeMetadata(version.text(), version.nestedUnderOme(), null, null, null, null, plate, null,
                null, null, null, null);
        ZarrGroup pg = writeGroup(store, path, version, pm, ctx);
        for (String r : rows) {
            if (wells.stream().anyMatch(w -> w.startsWith(r + "/"))) {
                writeGroup(store, path.resolve(r), version, emptyMeta(version), ctx);
            }
        }
        for (String w : wells) {
            createWell(store, path.resolve(w), version, fields, fieldSpec, ctx);
        }
        return (OmePlate) open(pg);
    }

    private static OmeMetadata emptyMeta(NgffVersion v) {
        return new OmeMetadata(null, false, null, null, null, null, null, null, null, null, null, null);
    }

    /** Writes a well group with {@code fields} field images named {@code 0..fields-1}. */
    public static OmeWell createWell(WritableStore store, Key path, NgffVersion version, int fields,
                                     ImageSpec fieldSpec, ExecutionContext ctx) throws IOException {
        List<Well.Field> fs = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
            fs.add(new Well.Field(Integer.toString(f), 0, null));
            createImage(store, path.resolve(Integer.toString(f)), fieldSpec, ctx);
        }
        Well well = new Well(version.nestedUnderOme() ? null : version.text(), fs, null);
        OmeMetadata wm = new OmeMetadata(version.text(), version.nestedUnderOme(), null, null, null, null, null, well,
                null, null, null, null);
        return (OmeWell) open(writeGroup(store, path, version, wm, ctx));
    }
}
