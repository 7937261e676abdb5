package dev.ngff.tiff;

import dev.ngff.error.CorruptDataException;
import dev.ngff.error.StoreException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An open TIFF or BigTIFF file: its header and every image file directory (IFD), top-level pages in file
 * order and each page's SubIFDs (reduced resolutions). Opening parses all IFDs, checking every count and offset
 * against the file's size before anything is allocated from it; a bad header is a one-line
 * {@link CorruptDataException} naming the file, the IFD's offset and the tag.
 *
 * <p>Thread-safe: pages read with positional reads on one channel. Closing the file ends its pages' reads.
 */
public final class TiffFile implements Closeable {
    /** Most top-level pages and SubIFDs one file may declare (a loop or a hostile chain stops here). */
    public static final int MAX_IFDS = 1 << 20;
    /** Most entries in one IFD. */
    static final int MAX_ENTRIES = 4096;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteOrder order;
    private final boolean bigTiff;
    private final List<TiffPage> pages;

    private TiffFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        if (size < 8) {
            throw corrupt(0, "is " + size + " bytes long, shorter than a TIFF header");
        }
        ByteBuffer h = read(0, (int) Math.min(16, size), "the header");
        int b0 = h.get(0) & 0xff;
        int b1 = h.get(1) & 0xff;
        if (b0 == 'I' && b1 == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b0 == 'M' && b1 == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw corrupt(0, "is not a TIFF file (no II or MM byte-order mark)");
        }
        h.order(order);
        int magic = h.getShort(2) & 0xffff;
        long first;
        if (magic == 42) {
            bigTiff = false;
            first = h.getInt(4) & 0xffffffffL;
        } else if (magic == 43) {
            if (size < 16) {
                throw corrupt(0, "is " + size + " bytes long, shorter than a BigTIFF header");
            }
            if ((h.getShort(4) & 0xffff) != 8 || h.getShort(6) != 0) {
                throw corrupt(4, "BigTIFF header declares offsets of " + (h.getShort(4) & 0xffff) + " bytes (only 8)");
            }
            bigTiff = true;
            first = h.getLong(8);
        } else {
            throw corrupt(2, "is not a TIFF file (version " + magic + ", expected 42 or 43)");
        }
        this.pages = List.copyOf(parseChain(first, new HashSet<>(), new int[1], 0));
    }

    /**
     * Opens and parses {@code path}.
     *
     * @throws CorruptDataException a malformed header or IFD
     * @throws dev.ngff.error.UnsupportedExtensionException never here: unsupported pixels fail when read
     */
    public static TiffFile open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new StoreException(path + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new TiffFile(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The top-level pages in file order; reduced resolutions in SubIFDs hang off their page. */
    public List<TiffPage> pages() {
        return pages;
    }

    public Path path() {
        return path;
    }

    /** The file's name for messages. */
    public String describe() {
        return path.toString();
    }

    public ByteOrder byteOrder() {
        return order;
    }

    public boolean isBigTiff() {
        return bigTiff;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private List<TiffPage> parseChain(long offset, Set<Long> seen, int[] count, int depth) throws IOException {
        List<TiffPage> out = new ArrayList<>();
        long next = offset;
        while (next != 0) {
            TiffPage p = parseIfd(next, seen, count, depth);
            out.add(p);
            next = p.nextIfd;
        }
        return out;
    }

    /** Parses the IFD at {@code offset} (and its SubIFDs); {@code next} of the result is the chain's next IFD. */
    private TiffPage parseIfd(long offset, Set<Long> seen, int[] count, int depth) throws IOException {
        if (offset < 8 || offset >= size) {
            throw corrupt(offset, "IFD offset " + offset + " is outside the file (" + size + " bytes)");
        }
        if (!seen.add(offset)) {
            throw corrupt(offset, "IFD chain loops back to offset " + offset);
        }
        if (++count[0] > MAX_IFDS) {
            throw corrupt(offset, "more than " + MAX_IFDS + " IFDs");
        }
        int countBytes = bigTiff ? 8 : 2;
        int entryBytes = bigTiff ? 20 : 12;
        int offsetBytes = bigTiff ? 8 : 4;
        ByteBuffer head = read(offset, countBytes, "IFD at offset " + offset);
        long n = bigTiff ? head.getLong(0) : head.getShort(0) & 0xffff;
        if (n < 0 || n > MAX_ENTRIES) {
            throw corrupt(offset, "IFD at offset " + offset + " declares " + Long.toUnsignedString(n) + " entries (at most "
                    + MAX_ENTRIES + ")");
        }
        long tableBytes = n * entryBytes + offsetBytes;
        if (offset + countBytes + tableBytes > size) {
            throw corrupt(offset, "IFD at offset " + offset + " with " + n + " entries runs past the end of the file ("
                    + size + " bytes)");
        }
        ByteBuffer t = read(offset + countBytes, (int) tableBytes, "IFD at offset " + offset);
        Ifd ifd = new Ifd(this, offset);
        for (int i = 0; i < n; i++) {
            int base = i * entryBytes;
            int tag = t.getShort(base) & 0xffff;
            int type = t.getShort(base + 2) & 0xffff;
            long cnt = bigTiff ? t.getLong(base + 4) : t.getInt(base + 4) & 0xffffffffL;
            int typeSize = Ifd.typeSize(type);
            if (typeSize == 0) {
                continue; // unknown field types are skipped, as TIFF 6.0 asks
            }
            if (cnt < 0 || cnt > size / typeSize + 1) {
                throw corrupt(offset, "IFD at offset " + offset + ", tag " + tag + ": " + Long.toUnsignedString(cnt)
                        + " values cannot fit in the file (" + size + " bytes)");
            }
            long bytes = cnt * typeSize;
            int valueAt = base + (bigTiff ? 12 : 8);
            if (bytes <= offsetBytes) {
                byte[] inline = new byte[(int) bytes];
                t.get(valueAt, inline);
                ifd.put(tag, type, cnt, -1, inline);
            } else {
                long at = bigTiff ? t.getLong(valueAt) : t.getInt(valueAt) & 0xffffffffL;
                if (at < 0 || at > size || bytes > size - at) {
                    throw corrupt(offset, "IFD at offset " + offset + ", tag " + tag + ": " + bytes + " bytes of values at "
                            + "offset " + Long.toUnsignedString(at) + " lie outside the file (" + size + " bytes)");
                }
                ifd.put(tag, type, cnt, at, null);
            }
        }
        long next = bigTiff ? t.getLong((int) (n * entryBytes)) : t.getInt((int) (n * entryBytes)) & 0xffffffffL;
        List<TiffPage> subs = new ArrayList<>();
        if (ifd.has(Ifd.SUB_IFDS) && depth < 4) {
            long[] subOffsets = ifd.longs(Ifd.SUB_IFDS, 1 << 10);
            if (subOffsets.length == 1) { // one SubIFD may chain further reduced images through its next-IFD offset
                subs.addAll(parseChain(subOffsets[0], seen, count, depth + 1));
            } else { // listed one by one; their next-IFD offsets (tifffile chains them) are not followed
                for (long s : subOffsets) {
                    subs.add(parseIfd(s, seen, count, depth + 1));
                }
            }
        }
        return TiffPage.of(ifd, subs, next);
    }

    /** {@code length} bytes at {@code offset}, in the file's byte order; checked against the file's size. */
    ByteBuffer read(long offset, int length, String what) throws IOException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw corrupt(offset, what + ": " + length + " bytes at offset " + offset + " lie outside the file (" + size
                    + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        long pos = offset;
        while (b.hasRemaining()) {
            int r = channel.read(b, pos);
            if (r < 0) {
                throw corrupt(pos, what + ": the file ended at offset " + pos + " (it shrank while being read)");
            }
            pos += r;
        }
        return b.flip().order(order);
    }

    CorruptDataException corrupt(long offset, String message) {
        return new CorruptDataException(path + ": " + message);
    }
}
