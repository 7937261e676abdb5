package dev.ngff.bench.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Layout;
import dev.ngff.buffer.Bytes;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parsing of one array's metadata document from a memory store: a Zarr v3 {@code zarr.json} of a
 * sharded zstd array with OME-NGFF-sized attributes (a 5-level multiscales block), and the same
 * array as Zarr v2 {@code .zarray} plus {@code .zattrs}.
 */
@State(Scope.Benchmark)
public class MetadataParseBenchmark extends BenchmarkBase {

    @Param({"v3", "v2"})
    public String format;

    private MemoryStore store;
    private final Key path = Key.of("0");

    @Setup
    public void setUp() throws IOException {
        store = new MemoryStore();
        ObjectNode attrs = Json.object();
        ObjectNode ome = attrs.putObject("ome");
        ome.put("version", "0.5");
        ArrayNode multiscales = ome.putArray("multiscales");
        ObjectNode ms = multiscales.addObject();
        ArrayNode axes = ms.putArray("axes");
        for (String a : new String[] {"z", "y", "x"}) {
            axes.addObject().put("name", a).put("type", "space").put("unit", "micrometer");
        }
        ArrayNode datasets = ms.putArray("datasets");
        for (int level = 0; level < 5; level++) {
            ObjectNode ds = datasets.addObject();
            ds.put("path", String.valueOf(level));
            ArrayNode scale = ds.putArray("coordinateTransformations").addObject().put("type", "scale").putArray("scale");
            for (int d = 0; d < 3; d++) {
                scale.add(0.5 * (1 << level));
            }
        }
        if (format.equals("v3")) {
            ArrayMetadata meta = Layout.SHARDED.metadata(1024, 256, 64).withAttributes(attrs);
            store.write(path.resolve(Zarr.ZARR_JSON), Json.write(MetadataFormat.toV3(meta)));
        } else {
            String zarray = """
                    {"zarr_format": 2, "shape": [1024, 1024, 1024], "chunks": [256, 256, 256], "dtype": "<u2",
                     "compressor": {"id": "zstd", "level": 3, "checksum": false}, "fill_value": 0,
                     "order": "C", "filters": null, "dimension_separator": "/"}""";
            store.write(path.resolve(Zarr.ZARRAY), Bytes.wrap(zarray.getBytes(StandardCharsets.UTF_8)));
            store.write(path.resolve(Zarr.ZATTRS), Json.write(attrs));
        }
        if (parse().isEmpty()) {
            throw new IllegalStateException("metadata set-up wrote nothing parseable");
        }
    }

    @Benchmark
    public Optional<NodeMetadata> parse() throws IOException {
        return Zarr.readMetadata(store, path);
    }
}
