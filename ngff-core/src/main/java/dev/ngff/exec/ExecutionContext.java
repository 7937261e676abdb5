package dev.ngff.exec;

import dev.ngff.cache.ChunkCache;
import dev.ngff.codec.CodecOptions;
import dev.ngff.codec.CodecRegistry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * The shared resources of reads and writes, explicit rather than global: the codec registry, three
 * limits and the chunk cache. Chunk tasks run on virtual threads; at most {@code ioConcurrency} of them
 * talk to stores at once, at most {@code cpuConcurrency} encode or decode at once (a task gives its CPU
 * permit back while it waits for I/O), and at most {@code chunksInFlight} chunks are held in memory per
 * call, which bounds memory by configuration whatever the size of the region. One {@link ChunkCache} of
 * {@code cacheBytes} holds the shard indexes of every array handle opened with this context, and the
 * decoded chunks of handles that ask for it ({@code ZarrArray.withChunkCaching}). Codecs reach the CPU
 * limit through {@link #codecOptions()}. Thread-safe; share one per application.
 */
public final class ExecutionContext implements AutoCloseable {

    /**
     * @param ioConcurrency    store requests in flight
     * @param cpuConcurrency   chunks being encoded or decoded at once
     * @param chunksInFlight   chunks held in memory at once by one read or write call
     * @param cacheBytes       the budget of the context's {@link ChunkCache}; 0 disables it (every read
     *                         then goes to the store, shard indexes included)
     * @param maxMetadataBytes the largest metadata document ({@code zarr.json}, {@code .zarray},
     *                         {@code .zattrs}, {@code .zgroup}, {@code .zmetadata}) that is read; a larger
     *                         one is invalid metadata, and no more than this many bytes (plus one) are
     *                         read from the store to find out
     * @param readBytesInFlight how much decoded chunk size one read call keeps in flight when chunks are large:
     *                         a read holds at most {@code max(cpuConcurrency + 1, readBytesInFlight / chunk
     *                         size)} chunk tasks at once (never more than {@code chunksInFlight}), each holding
     *                         its chunk's stored bytes until its decode ends. Small chunks are bounded by
     *                         {@code chunksInFlight} alone; large ones (shards) by one per decoding core plus
     *                         one read ahead when this budget is below two chunks. Default
     *                         {@link #DEFAULT_READ_BYTES_IN_FLIGHT}; at least 1
     */
    public record Config(int ioConcurrency, int cpuConcurrency, int chunksInFlight, long cacheBytes,
                         long maxMetadataBytes, long readBytesInFlight) {
        /** The largest default cache budget. */
        public static final long MAX_DEFAULT_CACHE_BYTES = 256L << 20;
        /** The default {@link #maxMetadataBytes}: 64 MiB, room for consolidated metadata of ~50,000 arrays. */
        public static final long DEFAULT_MAX_METADATA_BYTES = 64L << 20;
        /** The default {@link #readBytesInFlight}: 64 MiB of decoded chunks per read call. */
        public static final long DEFAULT_READ_BYTES_IN_FLIGHT = 64L << 20;

        public Config {
            if (ioConcurrency < 1 || cpuConcurrency < 1 || chunksInFlight < 1) {
                throw new IllegalArgumentException("limits must be positive: " + ioConcurrency + ", "
                        + cpuConcurrency + ", " + chunksInFlight);
            }
            if (cacheBytes < 0) {
                throw new IllegalArgumentException("cache budget must not be negative, got " + cacheBytes);
            }
            if (maxMetadataBytes < 1 || maxMetadataBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxMetadataBytes must lie in 1..2^31-17, got " + maxMetadataBytes);
            }
            if (readBytesInFlight < 1) {
                throw new IllegalArgumentException("readBytesInFlight must be positive, got " + readBytesInFlight);
            }
        }

        /** The limits, cache budget and metadata bound with the default {@link #readBytesInFlight}. */
        public Config(int ioConcurrency, int cpuConcurrency, int chunksInFlight, long cacheBytes,
                      long maxMetadataBytes) {
            this(ioConcurrency, cpuConcurrency, chunksInFlight, cacheBytes, maxMetadataBytes,
                    DEFAULT_READ_BYTES_IN_FLIGHT);
        }

        /** The three limits with the default cache budget and metadata bound. */
        public Config(int ioConcurrency, int cpuConcurrency, int chunksInFlight) {
            this(ioConcurrency, cpuConcurrency, chunksInFlight, defaultCacheBytes(), DEFAULT_MAX_METADATA_BYTES);
        }

        /**
         * 64 requests in flight, one codec task per core, twice as many chunks in memory as that sum
         * allows, and the default cache budget ({@link #defaultCacheBytes()}).
         */
        public static Config defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Config(64, cores, 2 * cores + 16);
        }

        /**
         * An eighth of the maximum heap, at most {@link #MAX_DEFAULT_CACHE_BYTES} (256 MiB): decoded chunks
         * live on the heap, and a cache that fills it would push reads into garbage collection. Handles
         * cache only shard indexes unless they ask for decoded chunks, so bulk reads that touch each
         * chunk once do not fill it.
         */
        public static long defaultCacheBytes() {
            return Math.min(MAX_DEFAULT_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 8);
        }

        public Config withIoConcurrency(int n) {
            return new Config(n, cpuConcurrency, chunksInFlight, cacheBytes, maxMetadataBytes, readBytesInFlight);
        }

        public Config withCpuConcurrency(int n) {
            return new Config(ioConcurrency, n, chunksInFlight, cacheBytes, maxMetadataBytes, readBytesInFlight);
        }

        public Config withChunksInFlight(int n) {
            return new Config(ioConcurrency, cpuConcurrency, n, cacheBytes, maxMetadataBytes, readBytesInFlight);
        }

        public Config withCacheBytes(long bytes) {
            return new Config(ioConcurrency, cpuConcurrency, chunksInFlight, bytes, maxMetadataBytes, readBytesInFlight);
        }

        public Config withMaxMetadataBytes(long n) {
            return new Config(ioConcurrency, cpuConcurrency, chunksInFlight, cacheBytes, n, readBytesInFlight);
        }

        public Config withReadBytesInFlight(long bytes) {
            return new Config(ioConcurrency, cpuConcurrency, chunksInFlight, cacheBytes, maxMetadataBytes, bytes);
        }
    }

    private final Config config;
    private final CodecRegistry codecs;
    private final Semaphore io;
    private final Semaphore cpu;
    private final ChunkCache cache;
    private final CodecOptions codecOptions;

    private ExecutionContext(Config config, CodecRegistry codecs) {
        this.config = config;
        this.codecs = codecs;
        this.cache = ChunkCache.create(config.cacheBytes());
        this.io = new Semaphore(config.ioConcurrency(), true);
        this.cpu = new Semaphore(config.cpuConcurrency(), true);
        this.codecOptions = CodecOptions.withRunner(this::runOnCpu, config.cpuConcurrency());
    }

    public static ExecutionContext create() {
        return create(Config.defaults());
    }

    public static ExecutionContext create(Config config) {
        return new ExecutionContext(config, CodecRegistry.standard());
    }

    public static ExecutionContext create(Config config, CodecRegistry codecs) {
        return new ExecutionContext(config, codecs);
    }

    public Config config() {
        return config;
    }

    public CodecRegistry codecs() {
        return codecs;
    }

    /**
     * The options that codec calls of this context's readers and writers get: their tasks run under the
     * CPU limit, each task holding one CPU permit, several in parallel on virtual threads (at most
     * {@code cpuConcurrency} of one call at once). One task runs on the calling thread. The caller must
     * hold no CPU permit of this context (see {@link dev.ngff.codec.TaskRunner}).
     */
    public CodecOptions codecOptions() {
        return codecOptions;
    }

    /**
     * Runs codec tasks of one chunk (the inner chunks of a shard) under the CPU limit, in parallel when
     * there are several. The caller holds no CPU permit, so waiting here cannot starve the tasks; the
     * number in flight is bounded by the CPU limit, their memory by one inner chunk each.
     */
    private void runOnCpu(java.util.List<ChunkTasks.Task> tasks) throws IOException {
        if (tasks.size() == 1) {
            ChunkTasks.Task only = tasks.getFirst();
            cpu(() -> {
                only.run();
                return null;
            });
            return;
        }
        try (ChunkTasks inner = new ChunkTasks(config.cpuConcurrency())) {
            for (ChunkTasks.Task t : tasks) {
                if (!inner.submit(() -> cpu(() -> {
                    t.run();
                    return null;
                }))) {
                    break;
                }
            }
            inner.await();
        }
    }

    /** The cache shared by every array handle opened with this context. */
    public ChunkCache cache() {
        return cache;
    }

    /** A store call under the I/O limit. */
    public <T> T io(IoCall<T> call) throws IOException {
        acquire(io);
        try {
            return call.run();
        } finally {
            io.release();
        }
    }

    /** A codec call under the CPU limit. */
    public <T> T cpu(IoCall<T> call) throws IOException {
        acquire(cpu);
        try {
            return call.run();
        } finally {
            cpu.release();
        }
    }

    private static void acquire(Semaphore s) throws InterruptedIOException {
        try {
            s.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a permit");
        }
    }

    /** A call that may fail with an IOException. */
    @FunctionalInterface
    public interface IoCall<T> {
        T run() throws IOException;
    }

    /** Empties the cache (virtual threads need no shutdown); the context stays usable. */
    @Override
    public void close() {
        cache.clear();
    }
}
