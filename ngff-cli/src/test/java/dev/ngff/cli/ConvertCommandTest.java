package dev.ngff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.OmeCollection;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmePlate;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;
import dev.ngff.validate.OmeValidator;
import dev.ngff.validate.Report;
import dev.ngff.validate.SchemaSet;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff convert} on real OME-Zarr that others wrote (zarr-java's 0.4 image with labels and its 0.4
 * plate, from ../shared/fixtures) and on a bioformats2raw collection assembled from them: converted to 0.5
 * and back to 0.4, and to 0.6, each output passes our validator with the official schemas and holds the
 * source's elements at every level; an interrupted conversion resumes byte-identical; and {@code ngff copy}
 * refuses to put 0.4 metadata into a Zarr v3 group.
 */
class ConvertCommandTest {
    /** sha256 of the C-order little-endian elements of the fixture image's levels and label (PROVENANCE.md). */
    static final String LEVEL0 = "837ec1b5e0fefb87368acdc3c28ccd38a04b01f97d4a49eaaf0e9e210604ef1f";
    static final String LEVEL1 = "f5347c7b19f7783f57387fd7a9d518238b4f56a6454515bdb06acdea8ec30398";
    static final String NUCLEI = "09a5e4f58cfd94bc8f743b6c50bdc12674a7efec73a143ce13f15b5e71720022";
    static final String FIELD = "50c11e9347fe773b258ad65af75de033e39df85a34c22ab957e2b66e8c3bcfde";

    @TempDir
    Path dir;

    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    static Path image04() {
        return Fixtures.path("zarr-java/testdata/ome/v0.4");
    }

    static Path plate04() {
        return Fixtures.path("zarr-java/testdata/ome/v0.4_hcs");
    }

    /**
     * A bioformats2raw collection as bioformats2raw lays it out: the root with {@code bioformats2raw.layout}
     * (the ngff 0.4 example), series 0 a copy of the fixture image, and {@code OME/} with the series list and
     * an OME-XML document.
     */
    static Path collection04(Path dir) throws IOException {
        Path root = dir.resolve("bf2raw.zarr");
        copyTree(image04(), root.resolve("0"));
        Files.writeString(root.resolve(".zgroup"), "{\"zarr_format\": 2}");
        Files.copy(Fixtures.path("ngff/0.4/examples/bf2raw/image.json"), root.resolve(".zattrs"));
        Files.createDirectories(root.resolve("OME"));
        Files.writeString(root.resolve("OME/.zgroup"), "{\"zarr_format\": 2}");
        Files.writeString(root.resolve("OME/.zattrs"), "{\"series\": [\"0\"]}");
        Files.writeString(root.resolve("OME/METADATA.ome.xml"), "<?xml version=\"1.0\"?><OME/>");
        return root;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    static Cli.Result convert(Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = "convert";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Result r = Cli.run(all);
        assertThat(r.code()).as("ngff convert %s: %s%s", List.of(args), r.out(), r.err()).isZero();
        return r;
    }

    static String sha256(NdBuffer b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(b.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return HexFormat.of().formatHex(md.digest());
    }

    /** Our validator with the official schemas: no errors. */
    void assertValid(Path root, String kind, NgffVersion v) throws Exception {
        SchemaSet schemas = SchemaSet.load(Fixtures.root().resolve("ngff"));
        try (FileSystemStore store = FileSystemStore.open(root)) {
            Report r = new OmeValidator(new OmeValidator.Options(false, schemas)).validate(store, Key.ROOT, ctx);
            assertThat(r.errors()).as("%s\n%s", root, r.toText()).isEmpty();
            assertThat(r.kind()).isEqualTo(kind);
            assertThat(r.version()).isEqualTo(v.text());
        }
    }

    /** The digests of the arrays at {@code paths}, and each array's Zarr format and chunk key shape. */
    void assertArrays(Path root, NgffVersion v, List<String> paths, List<String> digests, List<List<String>> dims)
            throws Exception {
        try (FileSystemStore store = FileSystemStore.open(root)) {
            for (int i = 0; i < paths.size(); i++) {
                ZarrArray a = Zarr.openArray(store, Key.of(paths.get(i)), ctx);
                assertThat(a.metadata().zarrFormat()).isEqualTo(v.zarrFormat());
                assertThat(sha256(a.read())).as("%s %s", root, paths.get(i)).isEqualTo(digests.get(i));
                if (v.zarrFormat() == 3) {
                    assertThat(a.metadata().dimensionNamesOptional()).as(paths.get(i)).contains(dims.get(i));
                } else {
                    assertThat(a.metadata().chunkKeyEncoding().separator()).isEqualTo('/');
                    try (Stream<Path> files = Files.walk(root.resolve(paths.get(i)))) {
                        assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                                .filter(n -> !n.startsWith("."))).isNotEmpty().allMatch(n -> n.matches("\\d+"));
                    }
                }
            }
        }
    }

    @Test
    void anImageWithLabelsGoesTo05BackTo04AndTo06WithItsElementsAndMetadata() throws Exception {
        List<String> paths = List.of("0", "1", "labels/nuclei/0");
        List<String> digests = List.of(LEVEL0, LEVEL1, NUCLEI);
        List<List<String>> dims = List.of(List.of("t", "c", "z", "y", "x"), List.of("t", "c", "z", "y", "x"),
                List.of("z", "y", "x"));
        Path v05 = dir.resolve("img-0.5.ome.zarr");
        Cli.Result r = convert(image04(), v05);
        assertThat(r.out()).startsWith("converted ");
        assertValid(v05, "image", NgffVersion.V0_5);
        assertArrays(v05, NgffVersion.V0_5, paths, digests, dims);
        Path v04 = dir.resolve("img-0.4.ome.zarr");
        convert(v05, v04, "--ngff-version", "0.4");
        assertValid(v04, "image", NgffVersion.V0_4);
        assertArrays(v04, NgffVersion.V0_4, paths, digests, dims);
        Path v06 = dir.resolve("img-0.6.ome.zarr");
        convert(v05, v06, "--ngff-version", "0.6", "--chunks", "1,1,4,8,8", "--shards", "1,1,8,16,16", "--codec", "zstd");
        assertValid(v06, "image", NgffVersion.V0_6);
        assertArrays(v06, NgffVersion.V0_6, paths, digests, dims);

        for (Path p : List.of(v05, v04, v06)) {
            try (FileSystemStore store = FileSystemStore.open(p)) {
                OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
                assertThat(img.multiscale().name()).isEqualTo("test_image");
                assertThat(img.axisNames()).containsExactly("t", "c", "z", "y", "x");
                assertThat(img.axes().get(2).unit()).isEqualTo("micrometer");
                assertThat(img.level(0).scale()).containsExactly(1, 1, 0.5, 0.5, 0.5);
                assertThat(img.level(1).scale()).containsExactly(1, 1, 1, 1, 1);
                assertThat(img.multiscale().type()).isEqualTo("gaussian");
                assertThat(img.channels()).extracting(c -> c.label()).containsExactly("DAPI", "GFP");
                assertThat(img.channels()).extracting(c -> c.color()).containsExactly("0000FF", "00FF00");
                assertThat(img.metadata().bioformats2rawLayout()).isEqualTo(3);
                assertThat(img.labels().orElseThrow().names()).containsExactly("nuclei");
            }
        }
        // 0.4 demands every omero window; the source had none, so they come from the coarsest level's range
        JsonNode attrs = Json.parse(Files.readString(v04.resolve(".zattrs")), "v0.4 .zattrs");
        assertThat(attrs.path("omero").path("channels").path(0).path("window").path("max").asDouble())
                .isGreaterThan(0).isLessThan(1);
        assertThat(attrs.path("multiscales").path(0).path("version").asText()).isEqualTo("0.4");
        JsonNode v06attrs = Json.parse(Files.readString(v06.resolve("zarr.json")), "0.6 zarr.json");
        JsonNode ms = v06attrs.path("attributes").path("ome").path("multiscales").path(0);
        assertThat(ms.path("coordinateSystems").path(0).path("name").asText()).isEqualTo(OmeZarr.PHYSICAL);
        assertThat(ms.path("datasets").path(1).path("coordinateTransformations").path(0).path("input").path("path").asText())
                .isEqualTo("1");
    }

    @Test
    void aPlateWithItsWellAndFieldGoesTo05AndBackTo04() throws Exception {
        Path v05 = dir.resolve("plate-0.5.ome.zarr");
        convert(plate04(), v05);
        assertValid(v05, "plate", NgffVersion.V0_5);
        Path v04 = dir.resolve("plate-0.4.ome.zarr");
        convert(v05, v04, "--ngff-version", "0.4");
        assertValid(v04, "plate", NgffVersion.V0_4);
        Path v06 = dir.resolve("plate-0.6.ome.zarr");
        convert(v04, v06, "--ngff-version", "0.6");
        assertValid(v06, "plate", NgffVersion.V0_6);
        for (Path p : List.of(v05, v04, v06)) {
            NgffVersion v = p == v05 ? NgffVersion.V0_5 : p == v04 ? NgffVersion.V0_4 : NgffVersion.V0_6;
            assertArrays(p, v, List.of("A/1/0/0"), List.of(FIELD), List.of(List.of("t", "c", "z", "y", "x")));
            try (FileSystemStore store = FileSystemStore.open(p)) {
                OmePlate plate = (OmePlate) OmeZarr.open(store, Key.ROOT, ctx);
                assertThat(plate.plate().name()).isEqualTo("test_plate");
                assertThat(plate.plate().rows()).containsExactly("A", "B");
                assertThat(plate.well("A/1").well().images()).extracting(f -> f.path()).containsExactly("0");
                assertThat(plate.well("A/1").field(0).multiscale().name()).isEqualTo("fov_0");
                // the source plate has no group metadata for row A: the converted one does
                assertThat(Zarr.readMetadata(store, Key.of("A"))).isPresent();
            }
        }
    }

    @Test
    void aBioformats2rawCollectionKeepsItsLayoutSeriesAndOmeXml() throws Exception {
        Path src = collection04(dir);
        Path v05 = dir.resolve("bf-0.5.zarr");
        convert(src, v05);
        assertValid(v05, "bioformats2raw", NgffVersion.V0_5);
        Path v04 = dir.resolve("bf-0.4.zarr");
        convert(v05, v04, "--ngff-version", "0.4");
        Path v06 = dir.resolve("bf-0.6.zarr");
        convert(v04, v06, "--ngff-version", "0.6");
        assertValid(v06, "bioformats2raw", NgffVersion.V0_6);
        for (Path p : List.of(v05, v04, v06)) {
            assertThat(Files.readString(p.resolve("OME/METADATA.ome.xml"))).isEqualTo("<?xml version=\"1.0\"?><OME/>");
            try (FileSystemStore store = FileSystemStore.open(p)) {
                OmeCollection c = (OmeCollection) OmeZarr.open(store, Key.ROOT, ctx);
                assertThat(c.metadata().bioformats2rawLayout()).isEqualTo(3);
                assertThat(c.seriesPaths()).containsExactly("0");
                assertThat(sha256(c.series(0).level(0).array().read())).isEqualTo(LEVEL0);
            }
        }
        // a 0.4 collection root carries no version of its own, so the validator reports no version for it
        SchemaSet schemas = SchemaSet.load(Fixtures.root().resolve("ngff"));
        try (FileSystemStore store = FileSystemStore.open(v04)) {
            Report r = new OmeValidator(new OmeValidator.Options(false, schemas)).validate(store, Key.ROOT, ctx);
            assertThat(r.errors()).as(r.toText()).isEmpty();
            assertThat(r.kind()).isEqualTo("bioformats2raw");
        }
    }

    @Test
    void aLabelsGroupAndAWellConvertOnTheirOwn() throws Exception {
        Path labels = dir.resolve("labels-0.5.zarr");
        convert(image04().resolve("labels"), labels);
        assertValid(labels, "labels", NgffVersion.V0_5);
        assertArrays(labels, NgffVersion.V0_5, List.of("nuclei/0"), List.of(NUCLEI), List.of(List.of("z", "y", "x")));
        Path well = dir.resolve("well-0.5.zarr");
        convert(plate04().resolve("A/1"), well);
        assertValid(well, "well", NgffVersion.V0_5);
        assertArrays(well, NgffVersion.V0_5, List.of("0/0"), List.of(FIELD), List.of(List.of("t", "c", "z", "y", "x")));
    }

    @Test
    void aPlainArrayBecomesAnImageWithTheGivenAxesScaleAndUnits() throws Exception {
        Path v05 = dir.resolve("plain-0.5.ome.zarr");
        convert(image04().resolve("0"), v05, "--axes", "t,c:channel,z,y,x", "--scale", "2,1,0.5,0.25,0.25",
                "--units", "second,,micrometer,micrometer,micrometer");
        assertValid(v05, "image", NgffVersion.V0_5);
        assertArrays(v05, NgffVersion.V0_5, List.of("0"), List.of(LEVEL0), List.of(List.of("t", "c", "z", "y", "x")));
        Path v04 = dir.resolve("plain-0.4.ome.zarr");
        Cli.Result r = convert(image04().resolve("0"), v04, "--ngff-version", "0.4", "--units", "micrometer", "--progress");
        assertThat(r.err()).contains("convert", "100%"); // the bar, with its rate and remaining time
        assertValid(v04, "image", NgffVersion.V0_4);
        try (FileSystemStore a = FileSystemStore.open(v05); FileSystemStore b = FileSystemStore.open(v04)) {
            OmeImage img = (OmeImage) OmeZarr.open(a, Key.ROOT, ctx);
            assertThat(img.level(0).scale()).containsExactly(2, 1, 0.5, 0.25, 0.25);
            assertThat(img.axes()).extracting(x -> x.type()).containsExactly("time", "channel", "space", "space", "space");
            assertThat(img.axes()).extracting(x -> x.unit()).containsExactly("second", null, "micrometer", "micrometer",
                    "micrometer");
            OmeImage img4 = (OmeImage) OmeZarr.open(b, Key.ROOT, ctx);
            assertThat(img4.axes()).extracting(x -> x.unit()).containsExactly(null, null, "micrometer", "micrometer",
                    "micrometer");
        }
        Cli.Result wrong = Cli.run("convert", image04().resolve("0"), dir.resolve("x.zarr"), "--axes", "yx");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err().strip()).contains("--axes 'yx' names 2 axes, the array has 5 dimensions").doesNotContain("\n");
    }

    @Test
    void levelsAreMadeAnewFromLevelZeroByTheMethodWithTheirScalesAndTranslations() throws Exception {
        Path out = dir.resolve("levels.ome.zarr");
        convert(image04(), out, "--levels", "2", "--ngff-version", "0.4");
        assertValid(out, "image", NgffVersion.V0_4);
        try (FileSystemStore store = FileSystemStore.open(out)) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.levels()).hasSize(2);
            assertThat(img.multiscale().type()).isEqualTo("mean");
            assertThat(sha256(img.level(0).array().read())).isEqualTo(LEVEL0);
            assertThat(img.level(1).shape()).containsExactly(1, 2, 4, 8, 8);
            assertThat(img.level(1).scale()).containsExactly(1, 1, 1, 1, 1);
            // the mean of a 2x2x2 block stands at its centre: half a level-0 pixel (0.5) further on
            assertThat(img.level(1).translation()).containsExactly(0, 0, 0.25, 0.25, 0.25);
            NdBuffer l0 = img.level(0).array().read();
            NdBuffer l1 = img.level(1).array().read();
            for (int c = 0; c < 2; c++) {
                for (int z = 0; z < 4; z++) {
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            double sum = 0;
                            for (int i = 0; i < 8; i++) {
                                sum += l0.getFloat(0, c, 2 * z + (i >> 2), 2 * y + (i >> 1 & 1), 2 * x + (i & 1));
                            }
                            assertThat((double) l1.getFloat(0, c, z, y, x)).as("level 1 at c%d z%d y%d x%d", c, z, y, x)
                                    .isCloseTo(sum / 8, org.assertj.core.data.Offset.offset(1e-6));
                        }
                    }
                }
            }
            OmeImage nuclei = img.labels().orElseThrow().open("nuclei");
            assertThat(nuclei.levels()).hasSize(2);
            assertThat(nuclei.multiscale().type()).as("labels default to the mode").isEqualTo("mode");
            NdBuffer n1 = nuclei.level(1).array().read();
            for (long i = 0; i < n1.elementCount(); i++) {
                assertThat(n1.segment().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4 * i)).isBetween(0, 2);
            }
        }
        Path auto = dir.resolve("auto.ome.zarr");
        convert(image04(), auto, "--levels", "auto", "--chunks", "1,1,4,4,4", "--method", "max");
        assertValid(auto, "image", NgffVersion.V0_5);
        try (FileSystemStore store = FileSystemStore.open(auto)) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.levels()).hasSizeGreaterThan(2); // until z, y and x fit one 4x4x4 chunk
            assertThat(img.levels().getLast().shape()).containsExactly(1, 2, 2, 4, 4);
            assertThat(img.multiscale().type()).isEqualTo("max");
        }
        Cli.Result bad = Cli.run("convert", image04(), dir.resolve("m.zarr"), "--method", "median");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown downsampling method 'median'");
        Cli.Result levels = Cli.run("convert", image04(), dir.resolve("l.zarr"), "--levels", "many");
        assertThat(levels.code()).isEqualTo(2);
        assertThat(levels.err()).contains("--levels must be keep, auto or a number of levels, got 'many'");
        Cli.Result version = Cli.run("convert", image04(), dir.resolve("v.zarr"), "--ngff-version", "0.3");
        assertThat(version.code()).isEqualTo(2);
        assertThat(version.err()).contains("--ngff-version must be 0.4, 0.5 or 0.6");
    }

    @Test
    void autoLevelsOfALabelImageFollowItsImagesPlan() throws Exception {
        // the label image is stored in one chunk, the image in 4x8x8 chunks: planned on its own, the label
        // image would keep one level
        Path src = dir.resolve("label-plan.ome.zarr");
        long[] shape = {8, 48, 40};
        List<dev.ngff.metadata.ome.Axis> axes = List.of(dev.ngff.metadata.ome.Axis.space("z", "micrometer"),
                dev.ngff.metadata.ome.Axis.space("y", "micrometer"), dev.ngff.metadata.ome.Axis.space("x", "micrometer"));
        NdBuffer data = NdBuffer.allocate(dev.ngff.metadata.DataType.UINT16, shape);
        NdBuffer cells = NdBuffer.allocate(dev.ngff.metadata.DataType.UINT32, shape);
        for (long i = 0; i < data.elementCount(); i++) {
            data.setAsLong(i, i % 1000);
            cells.setAsLong(i, i / 97 % 5);
        }
        ZarrArray image0 = Zarr.createArray(new dev.ngff.store.MemoryStore(), Key.ROOT,
                dev.ngff.metadata.ArrayMetadata.builder(data.dataType(), shape).chunks(shape).build(), ctx);
        image0.write(data);
        ZarrArray cells0 = Zarr.createArray(new dev.ngff.store.MemoryStore(), Key.ROOT,
                dev.ngff.metadata.ArrayMetadata.builder(cells.dataType(), shape).chunks(shape).build(), ctx);
        cells0.write(cells);
        List<dev.ngff.metadata.CodecSpec> codecs = List.of(dev.ngff.metadata.Codecs.bytes("little"));
        try (FileSystemStore store = FileSystemStore.open(src)) {
            OmeImage img = OmeZarr.writeImage(store, Key.ROOT, new dev.ngff.ome.ImageSpec(NgffVersion.V0_5, "img", axes,
                    data.dataType(), shape, new long[] {4, 8, 8}, new double[] {1, 0.5, 0.5}, null,
                    dev.ngff.pyramid.PyramidPlan.single(3), codecs, null, null, null), dev.ngff.pyramid.LevelSource.of(image0),
                    new dev.ngff.pyramid.Downsampling.Mean(), dev.ngff.pyramid.PyramidWriter.Options.defaults(),
                    dev.ngff.write.Durability.NONE, null, ctx);
            OmeZarr.writeLabel(store, img, "cells", dev.ngff.pyramid.LevelSource.of(cells0), shape, codecs, List.of(),
                    new dev.ngff.pyramid.Downsampling.Mode(), dev.ngff.pyramid.PyramidWriter.Options.defaults(),
                    dev.ngff.write.Durability.NONE);
        }
        Path out = dir.resolve("label-plan-auto.ome.zarr");
        convert(src, out, "--levels", "auto");
        assertValid(out, "image", NgffVersion.V0_5);
        try (FileSystemStore store = FileSystemStore.open(out)) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            OmeImage label = img.labels().orElseThrow().open("cells");
            assertThat(img.levels()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(label.levels()).as("the label image's levels").hasSize(img.levels().size());
            for (int k = 0; k < img.levels().size(); k++) {
                assertThat(label.level(k).shape()).as("label level %d", k).containsExactly(img.level(k).shape());
                assertThat(label.level(k).scale()).as("label level %d", k).containsExactly(img.level(k).scale());
                assertThat(label.level(k).translation()).as("label level %d", k).containsExactly(img.level(k).translation());
            }
            assertThat(label.level(0).array().metadata().chunkShape()).as("the label keeps its own chunks").containsExactly(shape);
        }
    }

    @Test
    void aPlainZarrGroupIsNotConvertedAndCopyIsNamed() throws Exception {
        Cli.Result r = Cli.run("convert", Fixtures.path("zarr-java/testdata/v2_sample"), dir.resolve("g.zarr"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).contains("no OME-NGFF metadata", "ngff copy").doesNotContain("\n");
    }

    @Test
    void copyRefusesToWriteOmeMetadataIntoTheWrongZarrFormatAndNamesConvert() throws Exception {
        Path out = dir.resolve("copy-v3.zarr");
        Cli.Result r = Cli.run("copy", image04(), out, "--zarr-format", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("OME-NGFF 0.4", "needs Zarr v2", "ngff convert --ngff-version 0.5")
                .doesNotContain("\n");
        assertThat(out).doesNotExist();
        Path v05 = dir.resolve("img-0.5.ome.zarr");
        convert(image04(), v05);
        Cli.Result back = Cli.run("copy", v05, dir.resolve("copy-v2.zarr"), "--zarr-format", "2");
        assertThat(back.code()).isEqualTo(2);
        assertThat(back.err()).contains("OME-NGFF 0.5", "needs Zarr v3", "ngff convert --ngff-version 0.4");
        // a Zarr-level copy that keeps the format stays allowed, and stays valid
        Path same = dir.resolve("copy-same.zarr");
        Cli.Result ok = Cli.run("copy", v05, same, "--codec", "zstd");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertValid(same, "image", NgffVersion.V0_5);
    }

    @Test
    void anInterruptedConversionIsMarkedAndResumesByteIdentical() throws Exception {
        Path src = dir.resolve("src.ome.zarr");
        copyTree(image04(), src);
        String[] opts = {"--chunks", "1,1,4,8,8", "--shards", "1,1,8,16,16", "--block-bytes", "1024", "--workers", "1"};
        Path ref = dir.resolve("ref.ome.zarr");
        convert(src, ref, opts[0], opts[1], opts[2], opts[3], opts[4], opts[5], opts[6], opts[7]);
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);

        Path chunk = src.resolve("1/0.1.0.0.0");
        byte[] good = Files.readAllBytes(chunk);
        Files.write(chunk, new byte[] {1, 2, 3});
        Path dst = dir.resolve("dst.ome.zarr");
        Cli.Result failed = Cli.run("convert", src, dst, opts[0], opts[1], opts[2], opts[3], opts[4], opts[5], opts[6], opts[7]);
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err().strip()).contains("0.1.0.0.0", "is left incomplete", "ngff convert --resume")
                .doesNotContain("\n");
        assertThat(dst.resolve(IncompleteMarker.NAME)).exists();
        assertThat(dst.resolve(WriterLock.NAME)).doesNotExist();
        assertThat(dst.resolve("zarr.json")).doesNotExist(); // the image's metadata comes after its levels
        assertThat(dst.resolve("0/zarr.json")).exists(); // level 0 was published after its data
        assertThat(dst.resolve("1/zarr.json")).doesNotExist();
        Cli.Result info = Cli.run("info", dst);
        assertThat(info.err()).contains("is incomplete", "ngff convert --resume");

        Files.write(chunk, good);
        Cli.Result resumed = Cli.run("convert", "--resume", src, dst, opts[0], opts[1], opts[2], opts[3], opts[4], opts[5],
                opts[6], opts[7]);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("blocks verified and kept from the interrupted run");
        CopyTrees.assertIdentical(dst, reference, "resumed conversion");
        Cli.Result nothing = Cli.run("convert", "--resume", src, dst, opts[0], opts[1], opts[2], opts[3], opts[4], opts[5],
                opts[6], opts[7]);
        assertThat(nothing.code()).isZero();
        assertThat(nothing.out()).contains("nothing to resume");
    }
}
