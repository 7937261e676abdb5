package dev.ngff.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipException;

/**
 * Reads the local-header offset of every entry from a zip file's central directory, ZIP64 included.
 * {@link java.util.zip.ZipFile} knows these offsets but does not expose them; {@link ZipStore} needs
 * them to read ranges of stored (uncompressed) entries with positional reads. Names are decoded as
 * UTF-8, as {@code ZipFile} does by default. Every size and offset read from the file is checked
 * against the file's length before it is used, so a corrupt directory fails instead of allocating.
 */
final class ZipCentralDirectory {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int EOCD_LEN = 22;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_LOCATOR_LEN = 20;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int CEN_LEN = 46;
    static final int LOC_SIG = 0x04034b50;
    static final int LOC_LEN = 30;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final long U32_MAX = 0xFFFFFFFFL;

    private ZipCentralDirectory() {
    }

    /** Entry name to the offset of its local header. */
    static Map<String, Long> localHeaderOffsets(FileChannel ch) throws IOException {
        long fileLength = ch.size();
        long[] dir = locateDirectory(ch, fileLength);
        long offset = dir[0];
        long size = dir[1];
        if (offset < 0 || size < 0 || offset + size > fileLength || size > Integer.MAX_VALUE - 16) {
            throw new ZipException("central directory out of bounds: offset " + offset + ", size " + size);
        }
        ByteBuffer cen = read(ch, offset, (int) size);
        return parseEntries(cen, fileLength);
    }

    /** {offset, size} of the central directory. */
    private static long[] locateDirectory(FileChannel ch, long fileLength) throws IOException {
        int tailLength = (int) Math.min(fileLength, EOCD_LEN + MAX_COMMENT);
        long tailStart = fileLength - tailLength;
        ByteBuffer tail = read(ch, tailStart, tailLength);
        int eocd = findEocd(tail);
        long cdSize = tail.getInt(eocd + 12) & U32_MAX;
        long cdOffset = tail.getInt(eocd + 16) & U32_MAX;
        long eocdPos = tailStart + eocd;
        if (eocdPos >= ZIP64_LOCATOR_LEN) {
            ByteBuffer locator = read(ch, eocdPos - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_LEN);
            if (locator.getInt(0) == ZIP64_LOCATOR_SIG) {
                return zip64Directory(ch, locator.getLong(8), fileLength);
            }
        }
        return new long[] {cdOffset, cdSize};
    }

    private static int findEocd(ByteBuffer tail) throws ZipException {
        for (int i = tail.limit() - EOCD_LEN; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && i + EOCD_LEN + (tail.getShort(i + 20) & 0xFFFF) <= tail.limit()) {
                return i;
            }
        }
        throw new ZipException("no end of central directory record");
    }

    private static long[] zip64Directory(FileChannel ch, long zip64EocdOffset, long fileLength) throws IOException {
        if (zip64EocdOffset < 0 || zip64EocdOffset + 56 > fileLength) {
            throw new ZipException("ZIP64 end of central directory out of bounds: " + zip64EocdOffset);
        }
        ByteBuffer rec = read(ch, zip64EocdOffset, 56);
        if (rec.getInt(0) != ZIP64_EOCD_SIG) {
            throw new ZipException("bad ZIP64 end of central directory signature at " + zip64EocdOffset);
        }
        return new long[] {rec.getLong(48), rec.getLong(40)};
    }

    private static Map<String, Long> parseEntries(ByteBuffer cen, long fileLength) throws ZipException {
        Map<String, Long> out = new HashMap<>();
        int pos = 0;
        while (pos + CEN_LEN <= cen.limit() && cen.getInt(pos) == CEN_SIG) {
            int nameLen = cen.getShort(pos + 28) & 0xFFFF;
            int extraLen = cen.getShort(pos + 30) & 0xFFFF;
            int commentLen = cen.getShort(pos + 32) & 0xFFFF;
            int next = pos + CEN_LEN + nameLen + extraLen + commentLen;
            if (next > cen.limit()) {
                throw new ZipException("truncated central directory entry at " + pos);
            }
            String name = new String(bytes(cen, pos + CEN_LEN, nameLen), StandardCharsets.UTF_8);
            long offset = localHeaderOffset(cen, pos, pos + CEN_LEN + nameLen, extraLen);
            if (offset < 0 || offset + LOC_LEN > fileLength) {
                throw new ZipException("local header of '" + name + "' out of bounds: " + offset);
            }
            out.put(name, offset);
            pos = next;
        }
        return out;
    }

    /** The local header offset, from the ZIP64 extra field (id 1) when the 32-bit field is saturated. */
    private static long localHeaderOffset(ByteBuffer cen, int entry, int extraStart, int extraLen) throws ZipException {
        long offset = cen.getInt(entry + 42) & U32_MAX;
        if (offset != U32_MAX) {
            return offset;
        }
        int skip = 0;
        if ((cen.getInt(entry + 24) & U32_MAX) == U32_MAX) {
            skip += 8; // uncompressed size comes first
        }
        if ((cen.getInt(entry + 20) & U32_MAX) == U32_MAX) {
            skip += 8; // then compressed size
        }
        int p = extraStart;
        int end = extraStart + extraLen;
        while (p + 4 <= end) {
            int id = cen.getShort(p) & 0xFFFF;
            int len = cen.getShort(p + 2) & 0xFFFF;
            if (id == 1 && skip + 8 <= len && p + 4 + len <= end) {
                return cen.getLong(p + 4 + skip);
            }
            p += 4 + len;
        }
        throw new ZipException("saturated local header offset without a ZIP64 extra field");
    }

    /** Reads {@code length} bytes at {@code offset}, little-endian, failing at the end of the file. */
    static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.hasRemaining()) {
            if (ch.read(bb, offset + bb.position()) < 0) {
                throw new EOFException("zip file ends at " + (offset + bb.position()) + ", expected " + (offset + length));
            }
        }
        return bb.flip();
    }

    private static byte[] bytes(ByteBuffer bb, int offset, int length) {
        byte[] out = new byte[length];
        bb.get(offset, out);
        return out;
    }
}
