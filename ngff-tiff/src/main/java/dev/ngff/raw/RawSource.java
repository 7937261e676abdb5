package dev.ngff.raw;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.StoreException;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.LevelSource;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A raw binary file holding one array in C order (the last dimension fastest) with elements in a given byte
 * order, and nothing else: its size must be exactly the array's. Blocks are planes of the last two dimensions.
 *
 * <p>Thread-safe (positional reads); close it after the reads.
 */
public final class RawSource implements LevelSource, Closeable {
    private final Path path;
    private final FileChannel channel;
    private final long[] shape;
    private final DataType dataType;
    private final ByteOrder order;

    private RawSource(Path path, FileChannel channel, long[] shape, DataType dataType, ByteOrder order) {
        this.path = path;
        this.channel = channel;
        this.shape = shape;
        this.dataType = dataType;
        this.order = order;
    }

    /**
     * Opens {@code path} as an array of {@code shape} and {@code dataType} (fixed-size numbers only).
     *
     * @throws CorruptDataException the file's size is not the array's
     */
    public static RawSource open(Path path, long[] shape, DataType dataType, ByteOrder order) throws IOException {
        if (shape.length == 0 || dataType.isVariableLength() || dataType.kind() == DataType.Kind.STRING) {
            throw new IllegalArgumentException("a raw array needs at least one dimension and a fixed-size type");
        }
        long n = dataType.byteSize();
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has an empty dimension");
            }
            n = Math.multiplyExact(n, d);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new StoreException(path + ": cannot open: " + e.getMessage(), e);
        }
        long size = ch.size();
        if (size != n) {
            ch.close();
            throw new CorruptDataException(path + ": holds " + size + " bytes, a " + Arrays.toString(shape) + " array of "
                    + dataType + " needs " + n);
        }
        return new RawSource(path, ch, shape.clone(), dataType, order);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    /** One plane of the last two dimensions (a row for a 1-D array). */
    @Override
    public long[] blockShape() {
        long[] b = new long[shape.length];
        Arrays.fill(b, 1);
        b[shape.length - 1] = shape[shape.length - 1];
        if (shape.length > 1) {
            b[shape.length - 2] = shape[shape.length - 2];
        }
        return b;
    }

    @Override
    public NdBuffer read(long[] offset, long[] box) throws IOException {
        int rank = shape.length;
        dev.ngff.tiff.internal.Boxes.check(shape, offset, box);
        NdBuffer out = NdBuffer.allocate(dataType, box);
        if (out.elementCount() == 0) {
            return out;
        }
        int bytes = dataType.byteSize();
        long rowBytes = box[rank - 1] * bytes;
        if (rowBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a row of " + rowBytes + " bytes is too long for one read");
        }
        ByteBuffer row = ByteBuffer.allocate((int) rowBytes);
        MemorySegment dst = out.segment();
        long[] idx = new long[rank]; // over the box's leading dimensions
        long at = 0;
        while (true) {
            long pos = 0;
            for (int d = 0; d < rank; d++) {
                pos = pos * shape[d] + offset[d] + idx[d];
            }
            pos *= bytes;
            row.clear();
            long p = pos;
            while (row.hasRemaining()) {
                int r = channel.read(row, p);
                if (r < 0) {
                    throw new CorruptDataException(path + ": ended at offset " + p + " (it shrank while being read)");
                }
                p += r;
            }
            if (order == ByteOrder.BIG_ENDIAN && bytes > 1) {
                byte[] a = row.array();
                for (int i = 0; i < a.length; i += bytes) {
                    for (int x = i, y = i + bytes - 1; x < y; x++, y--) {
                        byte t = a[x];
                        a[x] = a[y];
                        a[y] = t;
                    }
                }
            }
            MemorySegment.copy(row.array(), 0, dst, ValueLayout.JAVA_BYTE, at, (int) rowBytes);
            at += rowBytes;
            int d = rank - 2;
            for (; d >= 0; d--) {
                if (++idx[d] < box[d]) {
                    break;
                }
                idx[d] = 0;
            }
            if (d < 0) {
                break;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
