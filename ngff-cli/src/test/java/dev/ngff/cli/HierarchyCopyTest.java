package dev.ngff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Copies a hierarchy of groups and arrays between formats and checks structure, attributes and data. */
class HierarchyCopyTest {
    @TempDir
    Path dir;

    private ExecutionContext ctx;

    @BeforeEach
    void context() {
        ctx = ExecutionContext.create();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void v3HierarchyToV2AndBack() throws IOException {
        Path src = dir.resolve("h.zarr");
        build(src);
        Cli.Result info = Cli.run("info", src);
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("/ (group, zarr v3)", "/labels (group, zarr v3)", "/labels/mask (array, zarr v3)",
                "/raw (array, zarr v3)", "/fortran (array, zarr v3)", "transpose(order=[1,0])");

        Path v2 = dir.resolve("v2.zarr");
        Cli.Result c = Cli.run("copy", src, v2, "--zarr-format", "2");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(v2.resolve(".zgroup")).exists();
        assertThat(v2.resolve("labels/.zgroup")).exists();
        assertThat(Files.readString(v2.resolve("fortran/.zarray"))).contains("\"order\" : \"F\"");
        assertSameTree(src, v2, 2);

        Path back = dir.resolve("v3.zarr");
        assertThat(Cli.run("copy", v2, back, "--zarr-format", "3").code()).isZero();
        assertThat(back.resolve("zarr.json")).exists();
        assertSameTree(src, back, 3);

        // keep everything: the copy has the very same metadata
        Path same = dir.resolve("same.zarr");
        assertThat(Cli.run("copy", src, same).code()).isZero();
        assertThat(open(same, "raw").metadata()).isEqualTo(open(src, "raw").metadata());
    }

    private void assertSameTree(Path expected, Path actual, int format) throws IOException {
        ZarrGroup a = Zarr.openGroup(FileSystemStore.open(expected), Key.ROOT, ctx);
        ZarrGroup b = Zarr.openGroup(FileSystemStore.open(actual), Key.ROOT, ctx);
        assertThat(b.zarrFormat()).isEqualTo(format);
        assertThat(b.childNames()).isEqualTo(a.childNames());
        assertThat(b.attributes()).isEqualTo(a.attributes());
        assertThat(b.openGroup("labels").attributes()).isEqualTo(a.openGroup("labels").attributes());
        for (String p : List.of("raw", "fortran", "labels/mask")) {
            ZarrArray x = a.openArray(p);
            ZarrArray y = b.openArray(p);
            assertThat(y.zarrFormat()).isEqualTo(format);
            assertThat(y.dataType()).isEqualTo(x.dataType());
            assertThat(y.chunkShape()).isEqualTo(x.chunkShape());
            assertThat(y.metadata().fillValue()).isEqualTo(x.metadata().fillValue());
            assertThat(y.attributes()).isEqualTo(x.attributes());
            assertThat(y.read().contentEquals(x.read())).as(p).isTrue();
        }
    }

    private ZarrArray open(Path root, String path) throws IOException {
        return Zarr.openArray(FileSystemStore.open(root), Key.of(path), ctx);
    }

    private void build(Path root) throws IOException {
        FileSystemStore store = FileSystemStore.open(root);
        ObjectNode attrs = Json.object();
        attrs.put("name", "root");
        attrs.putArray("list").add(1).add("two");
        Zarr.createGroup(store, Key.ROOT, GroupMetadata.of(3, attrs), ctx);
        ObjectNode labelAttrs = Json.object();
        labelAttrs.put("kind", "labels");
        Zarr.createGroup(store, Key.of("labels"), GroupMetadata.of(3, labelAttrs), ctx);

        ZarrArray raw = Zarr.createArray(store, Key.of("raw"), ArrayMetadata.builder(DataType.UINT16, 10, 20, 30)
                .chunks(5, 10, 16).codecs(Codecs.bytes("little"), Codecs.gzip(1))
                .dimensionNames(List.of("z", "y", "x")).attributes(labelAttrs).build(), ctx);
        raw.write(random(DataType.UINT16, new long[] {10, 20, 30}, 1));

        ZarrArray fortran = Zarr.createArray(store, Key.of("fortran"), ArrayMetadata.builder(DataType.FLOAT32, 9, 7)
                .chunks(4, 4).codecs(Codecs.transpose(1, 0), Codecs.bytes("little")).fillValue(FillValue.ofNumber(DataType.FLOAT32, -1))
                .build(), ctx);
        fortran.write(random(DataType.FLOAT32, new long[] {9, 7}, 2));

        ZarrArray mask = Zarr.createArray(store, Key.of("labels/mask"), ArrayMetadata.builder(DataType.UINT8, 20, 30)
                .chunks(7, 7).codecs(Codecs.bytes("little"), Codecs.gzip(9)).build(), ctx);
        NdBuffer m = NdBuffer.allocate(DataType.UINT8, 20, 30);
        for (int y = 2; y < 9; y++) {
            for (int x = 3; x < 12; x++) {
                m.setByte((byte) 3, y, x);
            }
        }
        mask.write(m); // most chunks are all fill and are not stored
    }

    private static NdBuffer random(DataType type, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(type, shape);
        SplittableRandom r = new SplittableRandom(seed);
        byte[] bytes = new byte[(int) b.segment().byteSize()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) r.nextInt(type.isFloatingPoint() && i % 4 == 3 ? 64 : 256);
        }
        java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray(bytes), 0, b.segment(), 0, bytes.length);
        return b;
    }
}
