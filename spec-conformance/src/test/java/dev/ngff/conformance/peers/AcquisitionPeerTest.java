package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.server.Dataset;
import dev.ngff.server.NgffServer;
import dev.ngff.server.ServerConfig;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.ngff.conformance.peers.Peers.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acquisition as the peers see it while frames keep arriving: after each flush, with a thread still
 * appending (shards beyond and across the published extent being written), ome-zarr-models accepts the
 * image, zarr-python and tensorstore read every level from the directory, and zarrita (the reader of
 * web viewers) reads every level over {@code ngff serve}'s server running in the same process as the
 * writer, all with exactly the elements we publish; then again after close.
 */
class AcquisitionPeerTest {
    @Test
    void peersReadAnAcquisitionWhileItIsWrittenAndAfter(@TempDir Path dir) throws Exception {
        List<Axis> axes = List.of(Axis.time("t", null), Axis.channel("c"), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer"));
        long[] inner = {1, 1, 16, 16};
        List<CodecSpec> codecs = List.of(Codecs.sharding(inner, List.of(Codecs.bytes("little"), Codecs.zstd(1, false)),
                Codecs.defaultShardIndexCodecs(), true));
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "live", axes, DataType.UINT16, new long[] {0, 2, 50, 37},
                new long[] {4, 1, 64, 48}, new double[] {1, 1, 0.5, 0.5}, null,
                PyramidPlan.uniform(new int[] {1, 1, 2, 2}, 3), codecs,
                new Omero(null, null, null, List.of(Omero.Channel.of("a", "FF0000", null), Omero.Channel.of("b", "00FF00", null)),
                        null, null), null, null);
        AcquisitionSpec spec = new AcquisitionSpec(image, 2, new Downsampling.Mean());
        Path root = dir.resolve("live.ome.zarr");
        Path models = Peers.script("ome_peers.py", dir.resolve("s1"));
        Path readers = Peers.script("read_with_peers.py", dir.resolve("s2"));
        ServedPyramidZarritaTest.requireZarrita("ZARRITA READING AN ACQUISITION OVER NGFF SERVE");
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (FileSystemStore store = FileSystemStore.open(root); ExecutionContext ctx = ExecutionContext.create();
             // zarrita reads a whole level at once: thousands of inner chunks requested together, beyond the
             // per-client limits meant for viewers
             NgffServer server = NgffServer.start(ServerConfig.builder().port(0).maxConnections(100_000)
                             .requestsPerSecondPerClient(1_000_000).accessLog(log::add).build(),
                     List.of(new Dataset("live", store)))) {
            String url = server.uri(server.datasets().getFirst()).toString();
            AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, spec, AcquisitionWriter.Options.defaults(), ctx);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread camera = Thread.ofPlatform().start(() -> {
                Random r = new Random(5);
                short[] f = new short[50 * 37];
                try {
                    // a 500 fps camera of at most 1,200 frames: the peers' processes get their share of the CPU, and
                    // what they read stays small however slowly they start
                    for (int n = 0; n < 1200 && !stop.get(); n++) {
                        for (int i = 0; i < f.length; i++) {
                            f[i] = (short) (100 + r.nextInt(3000));
                        }
                        w.append(f);
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            for (int round = 0; round < 3; round++) {
                while (w.metrics().framesAppended() < 100L * (round + 1) && camera.isAlive()) {
                    Thread.sleep(10);
                }
                long frames = w.flush();
                assertThat(frames).isPositive();
                check(store, root, url, models, readers, ctx, "while writing, round " + round + " (" + frames + " frames flushed)");
            }
            stop.set(true);
            camera.join();
            assertThat(failed.get()).isNull();
            w.close();
            check(store, root, url, models, readers, ctx, "after close");
            assertThat(log).as("chunks served over HTTP").anySatisfy(l -> assertThat(l).contains("/live/0/"))
                    .noneSatisfy(l -> assertThat(l).contains("\" 5"));
        }
    }

    private static void check(FileSystemStore store, Path root, String url, Path models, Path readers,
                              ExecutionContext ctx, String when) throws Exception {
        OmeImage img = OmeZarr.openImage(Zarr.openGroup(store, Key.ROOT, ctx));
        List<String> digests = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            NdBuffer b = img.level(k).array().read();
            digests.add(sha256(b));
            names.add(Integer.toString(k));
        }
        JsonNode m = Json.parse(Peers.run(models, List.of("models", root.toString(), "0.5", "image")), "ome_peers.py models");
        assertThat(m.path("ok").asBoolean()).as("ome-zarr-models %s: %s", when, m).isTrue();
        List<String> args = new ArrayList<>(List.of(root.toString()));
        args.addAll(names);
        JsonNode peers = Json.parse(Peers.run(readers, args), "read_with_peers.py");
        for (int k = 0; k < 3; k++) {
            for (String peer : List.of("zarr", "tensorstore")) {
                assertThat(peers.path(Integer.toString(k)).path(peer).asText()).as("%s level %d %s", peer, k, when)
                        .isEqualTo(digests.get(k));
            }
        }
        // the served image is read after ours: the writer only ever adds, so a level may have grown since, but
        // never beyond what is flushed; compare over the extent zarrita saw
        JsonNode served = ServedPyramidZarritaTest.zarritaOverHttp(url, root.getParent());
        assertThat(served.path("version").asText()).as("zarrita %s", when).isEqualTo("0.5");
        for (int k = 0; k < 3; k++) {
            JsonNode a = served.path("arrays").path(Integer.toString(k));
            long[] shape = new long[a.path("shape").size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = a.path("shape").get(d).asLong();
            }
            NdBuffer ours = img.level(k).array().read(new long[shape.length], shape);
            assertThat(a.path("digest").asText()).as("zarrita over ngff serve, level %d %s (shape %s)", k, when,
                    java.util.Arrays.toString(shape)).isEqualTo(sha256(ours));
        }
    }
}
