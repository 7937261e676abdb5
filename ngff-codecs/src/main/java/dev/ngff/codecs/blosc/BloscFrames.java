package dev.ngff.codecs.blosc;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ngff.buffer.ObjectPool;
import dev.ngff.codecs.kernels.Kernels;
import dev.ngff.codecs.kernels.ShuffleKernels;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Reads and writes c-blosc 1.x frames: a 16-byte header (format version, compressor version, flags,
 * typesize, then little-endian {@code nbytes}, {@code blocksize}, {@code cbytes}), the start offset of each
 * block, and per block one stream, or one per byte of the element ("splits"), each prefixed by its length; a
 * stream whose length equals its decoded size is stored raw. Frames flagged memcpy'd hold the data right
 * after the header. Everything a header claims is checked against the input size and the caller's bound
 * before anything is allocated; a violation is a {@link CorruptDataException} that names the field.
 *
 * <p>The compressors run in Java or JNI libraries that bound-check their input: lz4-java's safe decompressor,
 * zstd-jni, {@link Inflater}, and our own BloscLZ and Snappy decoders. Pooled workspaces hold every
 * temporary, so steady-state decoding allocates only the output array.
 */
final class BloscFrames {
    static final int HEADER = 16;
    /** c-blosc's MIN_BUFFERSIZE: below it frames are memcpy'd, and splits need this many elements. */
    static final int MIN_BUFFERSIZE = 128;
    static final int MAX_SPLITS = 16;
    static final int MAX_TYPESIZE = 255;
    /** c-blosc's BLOSC_MAX_BUFFERSIZE: a frame's sizes are signed 32-bit. */
    static final int MAX_BUFFERSIZE = Integer.MAX_VALUE - HEADER;

    static final int FLAG_SHUFFLE = 0x1;
    static final int FLAG_MEMCPYED = 0x2;
    static final int FLAG_BITSHUFFLE = 0x4;
    static final int FLAG_DONT_SPLIT = 0x10;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4SafeDecompressor LZ4_DECODER = LZ4.safeDecompressor();
    private static final LZ4Compressor LZ4_FAST = LZ4.fastCompressor();
    /** lz4hc compressors by level (c-blosc passes its clevel 1..9 as the lz4hc level). */
    private static final LZ4Compressor[] LZ4_HIGH = new LZ4Compressor[18];

    static {
        for (int level = 1; level < LZ4_HIGH.length; level++) {
            LZ4_HIGH[level] = LZ4.highCompressor(level);
        }
    }

    private BloscFrames() {
    }

    /** Temporaries of one call at a time: grown on demand, never shrunk (bounded by the largest block seen). */
    static final class Workspace {
        byte[] block = new byte[0];
        byte[] scratch = new byte[0];
        byte[] staging = new byte[0];
        final int[] hashTable = new int[1 << Blosclz.HASH_LOG];
        ZstdDecompressCtx zstdIn;
        ZstdCompressCtx zstdOut;
        int zstdOutLevel = Integer.MIN_VALUE;
        final Inflater inflater = new Inflater();
        Deflater deflater;
        int deflaterLevel = Integer.MIN_VALUE;

        byte[] block(int n) {
            if (block.length < n) {
                block = new byte[n];
            }
            return block;
        }

        byte[] scratch(int n) {
            if (scratch.length < n) {
                scratch = new byte[n];
            }
            return scratch;
        }

        byte[] staging(int n) {
            if (staging.length < n) {
                staging = new byte[n];
            }
            return staging;
        }

        ZstdDecompressCtx zstdIn() {
            if (zstdIn == null) {
                zstdIn = new ZstdDecompressCtx();
            }
            return zstdIn;
        }

        ZstdCompressCtx zstdOut(int level) {
            if (zstdOut == null) {
                zstdOut = new ZstdCompressCtx();
            }
            if (zstdOutLevel != level) {
                zstdOut.setLevel(level);
                zstdOut.setContentSize(true);
                zstdOutLevel = level;
            }
            return zstdOut;
        }

        /** Frees the native zlib state of a workspace the pool drops. */
        void end() {
            inflater.end();
            if (zstdIn != null) {
                zstdIn.close();
            }
            if (zstdOut != null) {
                zstdOut.close();
            }
            if (deflater != null) {
                deflater.end();
            }
        }

        Deflater deflater(int level) {
            if (deflater == null || deflaterLevel != level) {
                if (deflater != null) {
                    deflater.end();
                }
                deflater = new Deflater(level);
                deflaterLevel = level;
            }
            deflater.reset();
            return deflater;
        }
    }

    /**
     * Workspaces shared by all calls: chunk tasks run on virtual threads, one per task, where a
     * per-thread workspace would be rebuilt (its inflater included) for every chunk. A cache only, bounded.
     */
    private static final ObjectPool<Workspace> WORKSPACES = new ObjectPool<>(ObjectPool.defaultCapacity(),
            Workspace::new, Workspace::end);

    static int readInt(byte[] b, int at) {
        return (int) INT_LE.get(b, at);
    }

    /** The header fields, validated against the input length and the decode bound. */
    record Header(int version, int flags, int typesize, int nbytes, int blocksize, int cbytes) {
        boolean memcpyed() {
            return (flags & FLAG_MEMCPYED) != 0;
        }

        static Header parse(String name, byte[] in, int off, int len, long maxDecoded)
                throws CorruptDataException, UnsupportedExtensionException {
            if (len < HEADER) {
                throw new CorruptDataException(name + ": truncated frame: " + len + " bytes, the blosc header alone takes "
                        + HEADER);
            }
            int version = in[off] & 0xff;
            int flags = in[off + 2] & 0xff;
            int typesize = in[off + 3] & 0xff;
            int nbytes = readInt(in, off + 4);
            int blocksize = readInt(in, off + 8);
            int cbytes = readInt(in, off + 12);
            if (version == 0) {
                throw new CorruptDataException(name + ": header byte 0 (format version) is 0: not a blosc frame");
            }
            if (version > 2) {
                throw new CorruptDataException(name + ": header byte 0 (format version) is " + version
                        + "; c-blosc 1.x frames have version 1 or 2 (c-blosc2 frames are not supported)");
            }
            if ((flags & (FLAG_SHUFFLE | FLAG_BITSHUFFLE)) == (FLAG_SHUFFLE | FLAG_BITSHUFFLE)) {
                throw new CorruptDataException(name + ": header flags 0x" + Integer.toHexString(flags)
                        + " mark a c-blosc2 extended header, which c-blosc 1.x frames never have");
            }
            if (typesize == 0) {
                throw new CorruptDataException(name + ": header field typesize is 0");
            }
            if (nbytes < 0) {
                throw new CorruptDataException(name + ": header field nbytes is negative (" + nbytes + ")");
            }
            if (nbytes > maxDecoded) {
                throw new CorruptDataException(name + ": header field nbytes declares " + nbytes
                        + " decoded bytes, more than the " + maxDecoded + " the chunk can hold");
            }
            if (cbytes < HEADER || cbytes > len) {
                throw new CorruptDataException(name + ": header field cbytes is " + Integer.toUnsignedString(cbytes)
                        + " but the frame has " + len + " bytes" + (cbytes > len ? " (truncated)" : ""));
            }
            if (nbytes > 0 && blocksize <= 0) {
                throw new CorruptDataException(name + ": header field blocksize is " + blocksize);
            }
            Header h = new Header(version, flags, typesize, nbytes, blocksize, cbytes);
            if (h.memcpyed() && (long) HEADER + nbytes > cbytes) {
                throw new CorruptDataException(name + ": memcpy'd frame declares nbytes " + nbytes + " but holds "
                        + (cbytes - HEADER) + " bytes after the header (cbytes " + cbytes + ")");
            }
            return h;
        }
    }

    /** Reads only the header, for callers that need the decoded size. */
    static Header header(String name, byte[] in, int off, int len, long maxDecoded)
            throws CorruptDataException, UnsupportedExtensionException {
        return Header.parse(name, in, off, len, maxDecoded);
    }

    /** Decodes one frame into a new array of exactly the declared size. */
    static byte[] decode(String name, byte[] in, int off, int len, long maxDecoded)
            throws CorruptDataException, UnsupportedExtensionException {
        Header h = Header.parse(name, in, off, len, maxDecoded);
        byte[] out = new byte[h.nbytes()];
        decodeInto(name, h, in, off, out, 0);
        return out;
    }

    static void decodeInto(String name, Header h, byte[] in, int off, byte[] out, int outOff)
            throws CorruptDataException, UnsupportedExtensionException {
        Workspace ws = WORKSPACES.acquire();
        try {
            decodeInto(name, h, in, off, out, outOff, ws);
        } finally {
            WORKSPACES.release(ws);
        }
    }

    private static void decodeInto(String name, Header h, byte[] in, int off, byte[] out, int outOff, Workspace ws)
            throws CorruptDataException, UnsupportedExtensionException {
        int nbytes = h.nbytes();
        if (nbytes == 0) {
            return;
        }
        if (h.memcpyed()) {
            System.arraycopy(in, off + HEADER, out, outOff, nbytes);
            return;
        }
        BloscCompressor comp = BloscCompressor.forFormat(h.flags() >>> 5);
        if (comp == null) {
            throw new CorruptDataException(name + ": header flags name compressor format " + (h.flags() >>> 5)
                    + ", which c-blosc 1.x does not define");
        }
        int blocksize = h.blocksize();
        int typesize = h.typesize();
        long nblocksL = (nbytes + (long) blocksize - 1) / blocksize;
        long firstData = HEADER + 4 * nblocksL;
        if (firstData > h.cbytes()) {
            throw new CorruptDataException(name + ": header fields nbytes " + nbytes + " and blocksize " + blocksize
                    + " need " + nblocksL + " block offsets, more than the " + h.cbytes() + "-byte frame holds");
        }
        int nblocks = (int) nblocksL;
        int end = off + h.cbytes();
        boolean byteShuffled = (h.flags() & FLAG_SHUFFLE) != 0 && typesize > 1;
        boolean bitShuffled = (h.flags() & FLAG_BITSHUFFLE) != 0;
        boolean dontSplit = (h.flags() & FLAG_DONT_SPLIT) != 0;
        int fullBlock = Math.min(blocksize, nbytes);
        byte[] tmp = byteShuffled || bitShuffled ? ws.block(fullBlock) : null;
        ShuffleKernels kernels = Kernels.best();
        for (int b = 0; b < nblocks; b++) {
            int dst = outOff + b * blocksize;
            int bsize = (int) Math.min(blocksize, nbytes - (long) b * blocksize);
            boolean leftover = bsize < blocksize;
            int start = readInt(in, off + HEADER + 4 * b);
            if (start < firstData || start >= h.cbytes()) {
                throw new CorruptDataException(name + ": block " + b + " starts at byte " + start
                        + ", outside the frame's data (" + firstData + ".." + h.cbytes() + ")");
            }
            int nsplits = !dontSplit && !leftover && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFERSIZE
                    ? typesize : 1;
            if (bsize % nsplits != 0) {
                throw new CorruptDataException(name + ": blocksize " + blocksize + " is not a multiple of typesize "
                        + typesize + " in a split block");
            }
            int neblock = bsize / nsplits;
            byte[] target = tmp != null ? tmp : out;
            int targetOff = tmp != null ? 0 : dst;
            int p = off + start;
            for (int s = 0; s < nsplits; s++) {
                if (end - p < 4) {
                    throw new CorruptDataException(name + ": block " + b + " stream " + s + ": length field at byte "
                            + (p - off) + " runs past cbytes " + h.cbytes());
                }
                int csize = readInt(in, p);
                p += 4;
                if (csize <= 0 || csize > end - p) {
                    throw new CorruptDataException(name + ": block " + b + " stream " + s + " declares " + csize
                            + " compressed bytes at byte " + (p - off) + ", but " + (end - p) + " remain before cbytes");
                }
                int at = targetOff + s * neblock;
                if (csize == neblock) {
                    System.arraycopy(in, p, target, at, neblock);
                } else {
                    int got = decompress(name, comp, ws, in, p, csize, target, at, neblock);
                    if (got != neblock) {
                        throw new CorruptDataException(name + ": block " + b + " stream " + s + " (" + comp.cname()
                                + ") decoded to " + (got < 0 ? "an error" : got + " bytes") + ", expected " + neblock);
                    }
                }
                p += csize;
            }
            if (byteShuffled) {
                kernels.unshuffle(tmp, 0, out, dst, bsize, typesize);
            } else if (bitShuffled) {
                if ((bsize / typesize) % 8 == 0) {
                    kernels.bitunshuffle(tmp, 0, out, dst, bsize, typesize, ws.scratch(bsize));
                } else {
                    // c-blosc 1.x leaves blocks whose element count is not a multiple of 8 unshuffled
                    System.arraycopy(tmp, 0, out, dst, bsize);
                }
            }
        }
    }

    private static int decompress(String name, BloscCompressor comp, Workspace ws, byte[] in, int p, int csize,
                                  byte[] out, int at, int n) throws CorruptDataException {
        switch (comp) {
            case BLOSCLZ:
                return Blosclz.decompress(in, p, csize, out, at, n);
            case LZ4:
            case LZ4HC:
                try {
                    return LZ4_DECODER.decompress(in, p, csize, out, at, n);
                } catch (LZ4Exception e) {
                    return -1;
                }
            case SNAPPY:
                return Snappy.decompress(in, p, csize, out, at, n);
            case ZLIB:
                Inflater inf = ws.inflater;
                inf.reset();
                inf.setInput(in, p, csize);
                try {
                    int got = 0;
                    while (got < n && !inf.finished()) {
                        int k = inf.inflate(out, at + got, n - got);
                        if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                            return -1;
                        }
                        got += k;
                    }
                    return inf.finished() ? got : -1;
                } catch (DataFormatException e) {
                    throw new CorruptDataException(name + ": zlib stream: " + e.getMessage(), e);
                }
            case ZSTD:
                try {
                    return ws.zstdIn().decompressByteArray(out, at, n, in, p, csize);
                } catch (ZstdException e) {
                    throw new CorruptDataException(name + ": zstd stream: " + e.getMessage(), e);
                }
            default:
                throw new IllegalStateException(comp.toString());
        }
    }

    /** c-blosc's choice of blocksize, simplified: larger blocks for higher levels and for the slower codecs. */
    static int blocksize(BloscCompressor comp, int clevel, int typesize, int nbytes, int forced) {
        if (nbytes < typesize) {
            return Math.max(1, nbytes);
        }
        int bs;
        if (forced > 0) {
            bs = Math.max(forced, MIN_BUFFERSIZE);
        } else {
            bs = switch (clevel) {
                case 0, 1, 2, 3 -> 32 << 10;
                case 4, 5 -> 64 << 10;
                case 6 -> 128 << 10;
                case 7, 8 -> 256 << 10;
                default -> 512 << 10;
            };
            if (comp == BloscCompressor.ZSTD || comp == BloscCompressor.ZLIB || comp == BloscCompressor.LZ4HC) {
                bs *= 4;
            }
        }
        bs = Math.min(bs, nbytes);
        if (bs > typesize) {
            bs = bs / typesize * typesize;
        }
        return bs;
    }

    /** Whether a full block is split into one stream per element byte (c-blosc 1.21's forward-compatible rule). */
    static boolean splits(BloscCompressor comp, int typesize, int blocksize) {
        boolean fast = comp == BloscCompressor.BLOSCLZ || comp == BloscCompressor.LZ4 || comp == BloscCompressor.LZ4HC
                || comp == BloscCompressor.SNAPPY;
        return fast && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFERSIZE;
    }

    /**
     * Encodes {@code len} bytes into a frame; returns a new array of exactly the frame's size.
     *
     * @throws UnsupportedExtensionException for snappy, which no current c-blosc build ships, and for inputs
     *     above c-blosc's 2 GiB frame limit
     */
    static byte[] encode(String name, byte[] src, int off, int len, BloscCompressor comp, int clevel,
                         BloscShuffle shuffle, int typesize, int forcedBlocksize) throws UnsupportedExtensionException {
        if (comp == BloscCompressor.SNAPPY) {
            throw new UnsupportedExtensionException(name + ": cannot encode with cname snappy: c-blosc builds "
                    + "(numcodecs, zarr-python) leave it out; snappy frames can only be read");
        }
        if (len > MAX_BUFFERSIZE) {
            throw new UnsupportedExtensionException(name + ": cannot compress " + len + " bytes; a blosc frame holds at most "
                    + MAX_BUFFERSIZE);
        }
        if (typesize > MAX_TYPESIZE || typesize < 1) {
            typesize = 1; // as c-blosc does
        }
        int blocksize = blocksize(comp, clevel, typesize, len, forcedBlocksize);
        int nblocks = len == 0 ? 0 : (int) ((len + (long) blocksize - 1) / blocksize);
        int flags = comp.format() << 5;
        if (shuffle == BloscShuffle.SHUFFLE) {
            flags |= FLAG_SHUFFLE;
        } else if (shuffle == BloscShuffle.BITSHUFFLE) {
            flags |= FLAG_BITSHUFFLE;
        }
        boolean split = splits(comp, typesize, blocksize);
        if (!split) {
            flags |= FLAG_DONT_SPLIT;
        }
        Workspace ws = WORKSPACES.acquire();
        try {
            return encode(src, off, len, comp, clevel, shuffle, typesize, blocksize, nblocks, flags, split, ws);
        } finally {
            WORKSPACES.release(ws);
        }
    }

    private static byte[] encode(byte[] src, int off, int len, BloscCompressor comp, int clevel, BloscShuffle shuffle,
                                 int typesize, int blocksize, int nblocks, int flags, boolean split, Workspace ws)
            throws UnsupportedExtensionException {
        byte[] out = ws.staging(len + HEADER);
        int cbytes = 0;
        if (clevel > 0 && len >= MIN_BUFFERSIZE && (long) HEADER + 4L * nblocks < len) {
            cbytes = compressBlocks(ws, src, off, len, out, comp, clevel, shuffle, typesize, blocksize, nblocks, split);
        }
        if (cbytes == 0) {
            // level 0, tiny or incompressible input: the data after the header, as c-blosc does
            flags |= FLAG_MEMCPYED;
            System.arraycopy(src, off, out, HEADER, len);
            cbytes = HEADER + len;
        }
        out[0] = 2; // BLOSC_VERSION_FORMAT of c-blosc 1.x
        out[1] = (byte) versionlz(comp);
        out[2] = (byte) flags;
        out[3] = (byte) typesize;
        INT_LE.set(out, 4, len);
        INT_LE.set(out, 8, blocksize);
        INT_LE.set(out, 12, cbytes);
        return java.util.Arrays.copyOf(out, cbytes);
    }

    private static int versionlz(BloscCompressor comp) {
        return switch (comp) {
            case BLOSCLZ -> 1;
            case LZ4, LZ4HC -> 1;
            case SNAPPY -> 1;
            case ZLIB -> 1;
            case ZSTD -> 1;
        };
    }

    /** Compresses every block after the header and offsets; returns cbytes, or 0 when it does not fit. */
    private static int compressBlocks(Workspace ws, byte[] src, int off, int len, byte[] out, BloscCompressor comp,
                                      int clevel, BloscShuffle shuffle, int typesize, int blocksize, int nblocks,
                                      boolean split) throws UnsupportedExtensionException {
        int maxbytes = len + HEADER;
        int p = HEADER + 4 * nblocks;
        ShuffleKernels kernels = Kernels.best();
        byte[] tmp = shuffle != BloscShuffle.NOSHUFFLE ? ws.block(Math.min(blocksize, len)) : null;
        for (int b = 0; b < nblocks; b++) {
            INT_LE.set(out, HEADER + 4 * b, p);
            int at = off + b * blocksize;
            int bsize = Math.min(blocksize, len - b * blocksize);
            boolean leftover = bsize < blocksize;
            byte[] in = src;
            int inOff = at;
            if (shuffle == BloscShuffle.SHUFFLE && typesize > 1) {
                kernels.shuffle(src, at, tmp, 0, bsize, typesize);
                in = tmp;
                inOff = 0;
            } else if (shuffle == BloscShuffle.BITSHUFFLE && (bsize / typesize) % 8 == 0) {
                kernels.bitshuffle(src, at, tmp, 0, bsize, typesize, ws.scratch(bsize));
                in = tmp;
                inOff = 0;
            }
            int nsplits = split && !leftover ? typesize : 1;
            int neblock = bsize / nsplits;
            for (int s = 0; s < nsplits; s++) {
                // as c-blosc: a stream may use what room is left, and only one that stays raw must fit whole
                // (requiring room for a raw stream up front gave up on frames whose later streams compress)
                int streamAt = p + 4;
                int maxOut = Math.min(neblock, maxbytes - streamAt);
                if (maxOut <= 0) {
                    return 0;
                }
                int c = compress(ws, comp, clevel, in, inOff + s * neblock, neblock, out, streamAt, maxOut);
                if (c <= 0 || c >= neblock) {
                    if (streamAt + neblock > maxbytes) {
                        return 0;
                    }
                    System.arraycopy(in, inOff + s * neblock, out, streamAt, neblock);
                    c = neblock;
                }
                INT_LE.set(out, p, c);
                p = streamAt + c;
            }
        }
        return p;
    }

    /** One stream into at most {@code maxOut} bytes; returns its size, or 0 when it does not fit. */
    private static int compress(Workspace ws, BloscCompressor comp, int clevel, byte[] in, int inOff, int n,
                                byte[] out, int outOff, int maxOut) {
        switch (comp) {
            case BLOSCLZ:
                return Blosclz.compress(in, inOff, n, out, outOff, maxOut, ws.hashTable);
            case LZ4:
            case LZ4HC: {
                LZ4Compressor c = comp == BloscCompressor.LZ4 ? LZ4_FAST : LZ4_HIGH[Math.max(1, Math.min(clevel, LZ4_HIGH.length - 1))];
                try {
                    return c.compress(in, inOff, n, out, outOff, maxOut);
                } catch (LZ4Exception e) {
                    return 0; // did not fit
                }
            }
            case ZLIB: {
                Deflater d = ws.deflater(clevel);
                d.setInput(in, inOff, n);
                d.finish();
                int written = 0;
                while (!d.finished() && written < maxOut) {
                    written += d.deflate(out, outOff + written, maxOut - written);
                }
                return d.finished() ? written : 0;
            }
            case ZSTD: {
                // c-blosc maps its levels 1..9 onto zstd's: 2 * clevel - 1, and 9 to the maximum
                int level = clevel < 9 ? 2 * clevel - 1 : Zstd.maxCompressionLevel();
                try {
                    return ws.zstdOut(level).compressByteArray(out, outOff, maxOut, in, inOff, n);
                } catch (ZstdException e) {
                    return 0; // destination too small
                }
            }
            default:
                throw new IllegalStateException(comp.toString());
        }
    }
}
