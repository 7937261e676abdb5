package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.ForwardingStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How many chunks one read holds at once: large chunks are bounded by the decode parallelism, small ones by the context. */
class ReadTasksInFlightTest {

    /** Counts chunk reads in progress; each read takes a while, so tasks started together overlap. */
    private static final class SlowStore extends ForwardingStore {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        SlowStore() {
            super(new MemoryStore());
        }

        @Override
        public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
            if (key.name().endsWith(".json")) {
                return delegate.read(key, range);
            }
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
                return delegate.read(key, range);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            } finally {
                now.decrementAndGet();
            }
        }
    }

    private static int mostChunksReadAtOnce(long[] shape, long[] chunks) throws IOException {
        return mostChunksReadAtOnce(shape, chunks, new ExecutionContext.Config(64, 2, 20));
    }

    private static int mostChunksReadAtOnce(long[] shape, long[] chunks, ExecutionContext.Config config)
            throws IOException {
        SlowStore store = new SlowStore();
        try (ExecutionContext ctx = ExecutionContext.create(config)) {
            ZarrArray a = Zarr.createArray(store, Key.of("a"), ArrayMetadata.builder(DataType.UINT16, shape)
                    .chunks(chunks).codecs(Codecs.bytes("little"), Codecs.gzip(1)).build(), ctx);
            // one element of each of the 16 chunks (all missing: no chunk memory is needed to see the overlap)
            NdBuffer column = a.read(new long[3], new long[] {16, 1, 1});
            assertThat(column.allEqual(new byte[2])).isTrue();
        }
        return store.most.get();
    }

    @Test
    void largeChunksAreReadNoFurtherAheadThanTheirDecoding() throws Exception {
        // 32 MiB chunks, 2 CPU permits: two decoding and one read ahead, not the context's 20
        assertThat(mostChunksReadAtOnce(new long[] {16, 4096, 4096}, new long[] {1, 4096, 4096})).isBetween(1, 3);
    }

    @Test
    void smallChunksKeepTheContextsLimit() throws Exception {
        // 8 KiB chunks: 16 tasks start together and their slow reads overlap
        assertThat(mostChunksReadAtOnce(new long[] {16, 64, 64}, new long[] {1, 64, 64})).isGreaterThan(3);
    }

    @Test
    void theBoundIsTheLargerOfTheDecodersPlusOneAndTheByteBudget() {
        long budget = ExecutionContext.Config.DEFAULT_READ_BYTES_IN_FLIGHT;
        assertThat(budget).isEqualTo(64L << 20);
        assertThat(ZarrArray.readTasksInFlight(32L << 20, 2, 20, budget)).isEqualTo(3);
        assertThat(ZarrArray.readTasksInFlight(8L << 20, 2, 20, budget)).isEqualTo(8);
        assertThat(ZarrArray.readTasksInFlight(1L << 20, 2, 20, budget)).isEqualTo(20);
        assertThat(ZarrArray.readTasksInFlight(1L << 30, 16, 48, budget)).isEqualTo(17);
        assertThat(ZarrArray.readTasksInFlight(0, 2, 20, budget)).isEqualTo(20);
        // a larger budget lets more large chunks ahead, a smaller one holds small chunks back
        assertThat(ZarrArray.readTasksInFlight(32L << 20, 2, 20, 256L << 20)).isEqualTo(8);
        assertThat(ZarrArray.readTasksInFlight(1L << 20, 2, 20, 4L << 20)).isEqualTo(4);
        assertThat(ZarrArray.readTasksInFlight(1L << 20, 2, 20, 1)).isEqualTo(3);
    }

    @Test
    void theContextsReadBudgetBoundsHowManySmallChunksAreReadAtOnce() throws Exception {
        // 8 KiB chunks under a 16 KiB budget: two decoding and one read ahead, where the default lets all 16 start
        ExecutionContext.Config tight = new ExecutionContext.Config(64, 2, 20).withReadBytesInFlight(16 << 10);
        assertThat(mostChunksReadAtOnce(new long[] {16, 64, 64}, new long[] {1, 64, 64}, tight)).isBetween(1, 3);
    }

    @Test
    void theReadBudgetIsPartOfTheConfigAndValidated() {
        ExecutionContext.Config defaults = ExecutionContext.Config.defaults();
        assertThat(defaults.readBytesInFlight()).isEqualTo(ExecutionContext.Config.DEFAULT_READ_BYTES_IN_FLIGHT);
        assertThat(new ExecutionContext.Config(64, 2, 20, 0, 1 << 20).readBytesInFlight())
                .isEqualTo(64L << 20);
        ExecutionContext.Config c = defaults.withReadBytesInFlight(1L << 30);
        assertThat(c.readBytesInFlight()).isEqualTo(1L << 30);
        // every other with* keeps it
        assertThat(c.withIoConcurrency(3).withCpuConcurrency(1).withChunksInFlight(5).withCacheBytes(0)
                .withMaxMetadataBytes(1024).readBytesInFlight()).isEqualTo(1L << 30);
        assertThatThrownBy(() -> defaults.withReadBytesInFlight(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readBytesInFlight must be positive, got 0");
        assertThatThrownBy(() -> defaults.withReadBytesInFlight(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
