package dev.ngff.s3;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ranged reads longer than {@link S3Options#readPartSize()} go out as parallel ranged GETs into one buffer, against
 * a real MinIO ({@link MinioTestServer}; skipped loudly without the binary, failed under CI): the bytes are those of
 * an unsplit read, ranges that run past the end of the object are cut there, and the request count is the parts'.
 */
class S3SplitReadTest {
    private static final int PART = 64 << 10;

    private static S3Store store(S3Location location, long readPart) {
        return S3Store.open(location, MinioTestServer.options().readPartSize(readPart).build());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** What a range of {@code data} reads as: cut at the end of the object, empty wholly past it. */
    private static byte[] expected(byte[] data, long offset, long length) {
        int from = (int) Math.min(offset, data.length);
        int to = (int) Math.min(offset + length, data.length);
        return Arrays.copyOfRange(data, from, to);
    }

    @Test
    void aLongRangeIsReadInPartsWithTheSameBytes() throws Exception {
        byte[] data = random(1_000_000, 11);
        S3Location location = MinioTestServer.freshLocation();
        try (S3Store s = store(location, PART)) {
            s.write(Key.of("shard"), Bytes.wrap(data));
            S3Store.RequestCounts before = s.requestCounts();
            List<Bytes> got = s.readRanges(Key.of("shard"), List.of(ByteRange.of(1000, 900_000))).orElseThrow();
            assertThat(got.getFirst().toArray()).isEqualTo(expected(data, 1000, 900_000));
            // 900,000 bytes in parts of 65,536: 14 GETs (13 whole, one of 48,032)
            assertThat(s.requestCounts().minus(before).of(S3Store.Op.GET)).isEqualTo(14);
        }
    }

    @Test
    void partsPastTheEndOfTheObjectAreCutThereAsAnUnsplitReadIs() throws Exception {
        byte[] data = random(300_000, 12);
        S3Location location = MinioTestServer.freshLocation();
        try (S3Store split = store(location, PART); S3Store whole = store(location, S3Options.defaults().maxCoalescedSize())) {
            split.write(Key.of("o"), Bytes.wrap(data));
            // 200,000..500,000: parts 1-2 full, part 3 short (ends at 300,000), parts 4-5 wholly past the end (416)
            List<ByteRange> ranges = List.of(ByteRange.of(200_000, 300_000), ByteRange.of(0, 10));
            List<Bytes> a = split.readRanges(Key.of("o"), ranges).orElseThrow();
            List<Bytes> b = whole.readRanges(Key.of("o"), ranges).orElseThrow();
            for (int i = 0; i < ranges.size(); i++) {
                ByteRange.Bounded r = (ByteRange.Bounded) ranges.get(i);
                assertThat(a.get(i).toArray()).as("range %s", r).isEqualTo(expected(data, r.offset(), r.length()))
                        .isEqualTo(b.get(i).toArray());
            }
        }
    }

    @Test
    void aMissingObjectReadsAsMissing() throws Exception {
        try (S3Store s = store(MinioTestServer.freshLocation(), PART)) {
            assertThat(s.readRanges(Key.of("none"), List.of(ByteRange.of(0, 500_000)))).isEmpty();
        }
    }

    @Test
    void aChangedVersionIsReportedNotMixed() throws Exception {
        S3Location location = MinioTestServer.freshLocation();
        try (S3Store s = store(location, PART)) {
            s.write(Key.of("v"), Bytes.wrap(random(400_000, 13)));
            String old = s.version(Key.of("v")).orElseThrow();
            s.write(Key.of("v"), Bytes.wrap(random(400_000, 14)));
            assertThatThrownBy(() -> s.readRanges(Key.of("v"), List.of(ByteRange.of(0, 400_000)), java.util.Optional.of(old)))
                    .isInstanceOf(dev.ngff.error.VersionChangedException.class)
                    .hasMessageContaining("'v'");
        }
    }

    /** Random range sets (seed printed) on one object: every result equals the object's bytes at that range. */
    @Test
    void randomRangeSetsReadTheObjectsBytes() throws Exception {
        long seed = System.nanoTime();
        System.out.println("randomRangeSetsReadTheObjectsBytes seed=" + seed);
        Random rnd = new Random(seed);
        byte[] data = random(700_000, seed);
        try (S3Store s = store(MinioTestServer.freshLocation(), 1 + rnd.nextInt(PART))) {
            s.write(Key.of("r"), Bytes.wrap(data));
            for (int round = 0; round < 20; round++) {
                List<ByteRange> ranges = new ArrayList<>();
                int n = 1 + rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    ranges.add(ByteRange.of(rnd.nextInt(data.length + 50_000), 1 + rnd.nextInt(250_000)));
                }
                List<Bytes> got = s.readRanges(Key.of("r"), ranges).orElseThrow();
                for (int i = 0; i < n; i++) {
                    ByteRange.Bounded r = (ByteRange.Bounded) ranges.get(i);
                    assertThat(got.get(i).toArray()).as("seed %d round %d range %s", seed, round, r)
                            .isEqualTo(expected(data, r.offset(), r.length()));
                }
            }
        }
    }
}
