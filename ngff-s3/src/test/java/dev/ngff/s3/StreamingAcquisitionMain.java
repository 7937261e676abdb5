package dev.ngff.s3;

import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.Key;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The writer that {@link S3AbortOnResumeTest} kills: an acquisition of 512x512 uint16 frames into shards of
 * 16 frames (8 MiB, streamed as multipart uploads of 5 MiB parts) on MinIO. Arguments: endpoint, bucket,
 * prefix, frames to append. Flushes after frame 24, prints {@code flushed N}, appends the rest, prints
 * {@code appended N} and then waits to be killed, its last shard's upload open.
 */
public final class StreamingAcquisitionMain {
    static final int SIDE = 512;
    static final long PART = 5L << 20;

    private StreamingAcquisitionMain() {
    }

    static AcquisitionSpec spec() {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "s3-resume", List.of(Axis.time("t", null),
                Axis.space("y", "micrometer"), Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, SIDE, SIDE},
                new long[] {16, SIDE, SIDE}, new double[] {1, 0.5, 0.5}, null, PyramidPlan.uniform(new int[] {1, 2, 2}, 2),
                List.of(Codecs.sharding(new long[] {1, 256, 256}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)), null, null, null);
        return new AcquisitionSpec(image, 2, new Downsampling.Mean());
    }

    /** Frame {@code i}: seeded noise, the same in every process. */
    static short[] frame(int i) {
        SplittableRandom r = new SplittableRandom(i);
        short[] f = new short[SIDE * SIDE];
        for (int j = 0; j < f.length; j++) {
            f[j] = (short) r.nextInt(1 << 16);
        }
        return f;
    }

    static S3Options options(URI endpoint) {
        return S3Options.builder().endpoint(endpoint).region("us-east-1").pathStyle(true)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        MinioTestServer.ACCESS_KEY, MinioTestServer.SECRET_KEY)))
                .multipart(PART, PART).build();
    }

    public static void main(String[] args) throws Exception {
        S3Location location = new S3Location(args[1], Key.of(args[2]));
        int frames = Integer.parseInt(args[3]);
        try (S3Store store = S3Store.open(location, options(URI.create(args[0])));
             ExecutionContext ctx = ExecutionContext.create()) {
            AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, spec(), AcquisitionWriter.Options.defaults(), ctx);
            for (int i = 0; i < frames; i++) {
                w.append(frame(i));
                if (i == 23) {
                    System.out.println("flushed " + w.flush());
                    System.out.flush();
                }
            }
            System.out.println("appended " + frames);
            System.out.flush();
            Thread.sleep(600_000); // killed here, never closed
        }
    }
}
