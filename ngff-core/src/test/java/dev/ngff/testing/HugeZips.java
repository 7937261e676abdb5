package dev.ngff.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files whose entries honestly hold gigabytes of zeros while the file stays small: a STORED
 * huge entry is a hole in a sparse file, a DEFLATED one repeats one independently compressed megabyte
 * (a block that refers to nothing before it decodes the same wherever it sits), closed by an empty final
 * block. Sizes, CRCs and headers are all correct, so readers see valid, huge entries. Below 4 GiB per
 * entry (no ZIP64).
 */
public final class HugeZips {
    private static final int MIB = 1 << 20;

    /** One entry: small content, or {@code zeros} bytes of zeros, STORED or DEFLATED. */
    public record Entry(String name, byte[] content, long zeros, boolean deflated) {
        public static Entry small(String name, String text) {
            return new Entry(name, text.getBytes(StandardCharsets.UTF_8), 0, false);
        }

        /** {@code mebibytes} MiB of zeros, stored in a hole of a sparse file. */
        public static Entry storedZeros(String name, int mebibytes) {
            return new Entry(name, null, (long) mebibytes * MIB, false);
        }

        /** {@code mebibytes} MiB of zeros, deflated (about 1 KiB on disk per MiB). */
        public static Entry deflatedZeros(String name, int mebibytes) {
            return new Entry(name, null, (long) mebibytes * MIB, true);
        }
    }

    private HugeZips() {
    }

    public static Path write(Path file, Entry... entries) throws IOException {
        List<long[]> central = new ArrayList<>(); // crc, compressed, size, offset, method
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            for (Entry e : entries) {
                long offset = ch.position();
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                long size = e.content() != null ? e.content().length : e.zeros();
                long crc = e.content() != null ? crc(e.content()) : crcOfZeros(e.zeros());
                int method = e.deflated() ? 8 : 0;
                byte[] block = e.deflated() ? deflatedMebibyteOfZeros() : null;
                long compressed = e.deflated() ? (e.zeros() / MIB) * block.length + 2 : size;
                ch.write(local(name, method, crc, compressed, size));
                if (e.content() != null) {
                    ch.write(ByteBuffer.wrap(e.content()));
                } else if (e.deflated()) {
                    for (long i = 0; i < e.zeros() / MIB; i++) {
                        ch.write(ByteBuffer.wrap(block));
                    }
                    ch.write(ByteBuffer.wrap(new byte[] {3, 0})); // final fixed-Huffman block holding only end-of-block
                } else {
                    ch.position(ch.position() + size); // a hole: reads as zeros, takes no disk
                }
                central.add(new long[] {crc, compressed, size, offset, method});
            }
            long cdStart = ch.position();
            for (int i = 0; i < entries.length; i++) {
                long[] c = central.get(i);
                ch.write(centralHeader(entries[i].name().getBytes(StandardCharsets.UTF_8), (int) c[4], c[0], c[1], c[2], c[3]));
            }
            long cdEnd = ch.position();
            ByteBuffer eocd = le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) entries.length).putShort((short) entries.length)
                    .putInt((int) (cdEnd - cdStart)).putInt((int) cdStart).putShort((short) 0);
            ch.write(eocd.flip());
        }
        return file;
    }

    private static ByteBuffer local(byte[] name, int method, long crc, long compressed, long size) {
        ByteBuffer b = le(30 + name.length).putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800)
                .putShort((short) method).putShort((short) 0).putShort((short) 0x21).putInt((int) crc)
                .putInt((int) compressed).putInt((int) size).putShort((short) name.length).putShort((short) 0).put(name);
        return b.flip();
    }

    private static ByteBuffer centralHeader(byte[] name, int method, long crc, long compressed, long size, long offset) {
        ByteBuffer b = le(46 + name.length).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
                .putShort((short) 0x0800).putShort((short) method).putShort((short) 0).putShort((short) 0x21)
                .putInt((int) crc).putInt((int) compressed).putInt((int) size).putShort((short) name.length)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) offset).put(name);
        return b.flip();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Raw deflate of one MiB of zeros, ending on a byte boundary and not final. */
    private static byte[] deflatedMebibyteOfZeros() {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            d.setInput(new byte[MIB]);
            byte[] buf = new byte[64 << 10];
            int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            if (!d.needsInput() || n == buf.length) {
                throw new IllegalStateException("a MiB of zeros did not deflate into one buffer");
            }
            return java.util.Arrays.copyOf(buf, n);
        } finally {
            d.end();
        }
    }

    private static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }

    private static long crcOfZeros(long n) {
        CRC32 c = new CRC32();
        byte[] zeros = new byte[MIB];
        for (long left = n; left > 0; left -= Math.min(left, MIB)) {
            c.update(zeros, 0, (int) Math.min(left, MIB));
        }
        return c.getValue();
    }
}
