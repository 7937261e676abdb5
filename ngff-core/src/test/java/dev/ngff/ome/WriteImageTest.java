package dev.ngff.ome;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import dev.ngff.write.Durability;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OmeZarr#writeImage} and {@link OmeZarr#writeLabel}: levels, transforms, windows, commit order. */
class WriteImageTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.4", "0.5", "0.6"})
    void writesEveryLevelThenTheMetadataThatListsThem(String versionText) throws IOException {
        NgffVersion version = new NgffVersion(versionText);
        RecordingStore store = new RecordingStore(new MemoryStore());
        try (ExecutionContext ctx = ExecutionContext.create()) {
            List<Axis> axes = List.of(Axis.channel("c"), Axis.space("z", "micrometer"), Axis.space("y", "micrometer"),
                    Axis.space("x", "micrometer"));
            long[] shape = {2, 9, 33, 40};
            NdBuffer data = TestArrays.random(DataType.UINT16, shape, 7);
            ZarrArray src = Zarr.createArray(new MemoryStore(), Key.ROOT,
                    ArrayMetadata.builder(DataType.UINT16, shape).chunks(1, 4, 16, 16).build(), ctx);
            src.write(data);
            PyramidPlan plan = PyramidPlan.auto(axes, shape, new double[] {1, 2, 0.5, 0.5}, new long[] {1, 8, 8, 8}, 0);
            ImageSpec spec = ImageSpec.of(version, DataType.UINT16, shape, axes).withChunks(1, 8, 8, 8)
                    .withPixelSize(1, 2, 0.5, 0.5).withPlan(plan)
                    .withCodecs(version.zarrFormat() == 3
                            ? List.of(Codecs.sharding(new long[] {1, 8, 8, 8}, List.of(Codecs.bytes("little")),
                                    Codecs.defaultShardIndexCodecs(), true))
                            : List.of(Codecs.bytes("little")))
                    .withChunks(version.zarrFormat() == 3 ? new long[] {1, 8, 16, 16} : new long[] {1, 8, 8, 8})
                    .withOmero(new Omero(null, null, null, List.of(Omero.Channel.of("a", "FF0000", null),
                            Omero.Channel.of("b", "00FF00", null)), null, null));
            OmeImage img = OmeZarr.writeImage(store, Key.of("img"), spec, LevelSource.of(src), new Downsampling.Mean(),
                    PyramidWriter.Options.defaults(), Durability.NONE, null, ctx);

            List<Key> written = store.writtenKeys();
            List<Key> groupDocs = version.zarrFormat() == 3 ? List.of(Key.of("img/zarr.json"))
                    : List.of(Key.of("img/.zattrs"), Key.of("img/.zgroup"));
            assertEquals(groupDocs, written.subList(written.size() - groupDocs.size(), written.size()),
                    "the image's metadata is written last");
            assertEquals(plan.levels(), img.levels().size());
            assertEquals("mean", img.multiscale().type());
            NdBuffer expected = data;
            double[] translation = new double[4];
            for (int k = 0; k < plan.levels(); k++) {
                if (k > 0) {
                    NdBuffer next = NdBuffer.allocate(DataType.UINT16, plan.levelShape(shape, k));
                    Downsampler.reduce(new Downsampling.Mean(), plan.factor(k), expected.shape(), expected, new long[4],
                            next, new long[4]);
                    expected = next;
                    double[] s = plan.levelScale(new double[] {1, 2, 0.5, 0.5}, k - 1);
                    for (int d = 0; d < 4; d++) {
                        translation[d] += (plan.factor(k)[d] - 1) / 2.0 * s[d];
                    }
                }
                Level level = img.level(k);
                assertTrue(expected.contentEquals(level.array().read()), "level " + k);
                assertArrayEquals(plan.levelScale(new double[] {1, 2, 0.5, 0.5}, k), level.scale(), 1e-12, "scale " + k);
                assertArrayEquals(translation, level.translation(), 1e-12, "translation " + k);
            }
            Omero.Window w = img.channels().get(1).window();
            int lo = Integer.MAX_VALUE;
            int hi = 0;
            for (long i = data.elementCount() / 2; i < data.elementCount(); i++) {
                lo = (int) Math.min(lo, data.getAsLong(i));
                hi = (int) Math.max(hi, data.getAsLong(i));
            }
            assertEquals(lo, w.min());
            assertEquals(hi, w.max());
            assertEquals(lo, w.start());
            assertEquals(hi, w.end());

            // labels: mode, same levels, listed after they are written
            NdBuffer labelData = NdBuffer.allocate(DataType.UINT32, shape);
            for (long i = 0; i < labelData.elementCount(); i++) {
                labelData.setAsLong(i, (i / 97) % 5);
            }
            ZarrArray labels = Zarr.createArray(new MemoryStore(), Key.ROOT,
                    ArrayMetadata.builder(DataType.UINT32, shape).chunks(1, 9, 33, 40).build(), ctx);
            labels.write(labelData);
            store.reset();
            OmeImage label = OmeZarr.writeLabel(store, img, "cells", LevelSource.of(labels), new long[] {1, 8, 8, 8},
                    List.of(dev.ngff.metadata.Codecs.bytes("little")),
                    List.of(ImageLabel.Color.of(1, 255, 0, 0, 255)), new Downsampling.Mode(),
                    PyramidWriter.Options.defaults(), Durability.NONE);
            List<Key> labelKeys = store.writtenKeys();
            Key labelsDoc = Key.of(version.zarrFormat() == 3 ? "img/labels/zarr.json" : "img/labels/.zattrs");
            assertTrue(labelKeys.indexOf(labelsDoc) > labelKeys.indexOf(Key.of(version.zarrFormat() == 3
                    ? "img/labels/cells/zarr.json" : "img/labels/cells/.zattrs")), "the labels list is written last");
            assertEquals(plan.levels(), label.levels().size());
            assertEquals("mode", label.multiscale().type());
            assertTrue(label.imageLabel().isPresent());
            OmeImage reopened = (OmeImage) OmeZarr.open(store, Key.of("img"), ctx);
            assertEquals(List.of("cells"), reopened.labels().orElseThrow().metadata().labels());
        }
    }
}
