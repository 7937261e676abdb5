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
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.ngff.conformance.peers.Peers.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acquisition as the peers see it while frames keep arriving: after each flush, with a thread still
 * appending (shards beyond and across the published extent being written), ome-zarr-models accepts the
 * image and zarr-python and tensorstore read every level with exactly the elements we publish; then
 * again after close.
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
        try (FileSystemStore store = FileSystemStore.open(root); ExecutionContext ctx = ExecutionContext.create()) {
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
                check(store, root, models, readers, ctx, "while writing, round " + round + " (" + frames + " frames flushed)");
            }
            stop.set(true);
            camera.join();
            assertThat(failed.get()).isNull();
            w.close();
            check(store, root, models, readers, ctx, "after close");
        }
    }

    private static void check(FileSystemStore store, Path root, Path models, Path readers, ExecutionContext ctx,
                              String when) throws Exception {
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
    }
}
