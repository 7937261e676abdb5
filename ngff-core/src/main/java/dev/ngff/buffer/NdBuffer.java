package dev.ngff.buffer;

import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dense, C-ordered (row-major) n-dimensional buffer of one data type, little-endian in memory,
 * addressed with {@code long} indices so it may exceed 2 GiB. Mutable: it is the destination of reads
 * and the source of writes. Not thread-safe for overlapping writes; disjoint regions may be written
 * concurrently.
 */
public final class NdBuffer {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final DataType dataType;
    private final long[] shape;
    private final long[] strides; // in elements
    private final MemorySegment data;

    private NdBuffer(DataType dataType, long[] shape, MemorySegment data) {
        this.dataType = dataType;
        this.shape = shape.clone();
        this.strides = new long[shape.length];
        long n = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            strides[d] = n;
            n = Math.multiplyExact(n, shape[d]);
        }
        long bytes = Math.multiplyExact(n, (long) dataType.byteSize());
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dataType + " needs "
                    + bytes + " bytes, memory holds " + data.byteSize());
        }
        this.data = data;
    }

    /** A zero-filled buffer. */
    public static NdBuffer allocate(DataType dataType, long... shape) {
        long bytes = Math.multiplyExact(elementCount(shape), (long) dataType.byteSize());
        return new NdBuffer(dataType, shape, Buffers.allocate(bytes));
    }

    /** Views existing memory (no copy) as a buffer of the given type and shape. */
    public static NdBuffer wrap(DataType dataType, long[] shape, MemorySegment data) {
        return new NdBuffer(dataType, shape, data);
    }

    /** A buffer filled with the given element (little-endian bytes of one element). */
    public static NdBuffer filled(DataType dataType, long[] shape, byte[] element) {
        NdBuffer b = allocate(dataType, shape);
        b.fill(element);
        return b;
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public DataType dataType() {
        return dataType;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long shape(int dim) {
        return shape[dim];
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return data.byteSize() / dataType.byteSize();
    }

    /** The writable memory underneath, C order, little-endian. */
    public MemorySegment segment() {
        return data;
    }

    /** A read-only byte view of the whole buffer. */
    public Bytes asBytes() {
        return Bytes.wrap(data);
    }

    /** Linear element index of a coordinate. */
    public long index(long... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for buffer of rank " + shape.length);
        }
        long off = 0;
        for (int d = 0; d < idx.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside shape " + Arrays.toString(shape));
            }
            off += idx[d] * strides[d];
        }
        return off;
    }

    private long byteOffset(long[] idx) {
        return index(idx) * dataType.byteSize();
    }

    public boolean getBoolean(long... idx) {
        return data.get(ValueLayout.JAVA_BYTE, byteOffset(idx)) != 0;
    }

    public byte getByte(long... idx) {
        return data.get(ValueLayout.JAVA_BYTE, byteOffset(idx));
    }

    public short getShort(long... idx) {
        return data.get(SHORT, byteOffset(idx));
    }

    public int getInt(long... idx) {
        return data.get(INT, byteOffset(idx));
    }

    public long getLong(long... idx) {
        return data.get(LONG, byteOffset(idx));
    }

    public float getFloat(long... idx) {
        return data.get(FLOAT, byteOffset(idx));
    }

    public double getDouble(long... idx) {
        return data.get(DOUBLE, byteOffset(idx));
    }

    public void setByte(byte v, long... idx) {
        data.set(ValueLayout.JAVA_BYTE, byteOffset(idx), v);
    }

    public void setShort(short v, long... idx) {
        data.set(SHORT, byteOffset(idx), v);
    }

    public void setInt(int v, long... idx) {
        data.set(INT, byteOffset(idx), v);
    }

    public void setLong(long v, long... idx) {
        data.set(LONG, byteOffset(idx), v);
    }

    public void setFloat(float v, long... idx) {
        data.set(FLOAT, byteOffset(idx), v);
    }

    public void setDouble(double v, long... idx) {
        data.set(DOUBLE, byteOffset(idx), v);
    }

    /**
     * Element at a linear (C-order) index, widened to double: integers exactly up to 2^53, unsigned
     * types as unsigned, float16 converted, bool as 0/1, complex as its real part.
     */
    public double getAsDouble(long linearIndex) {
        long off = linearIndex * dataType.byteSize();
        return switch (dataType.kind()) {
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, off) != 0 ? 1 : 0;
            case INT -> switch (dataType.byteSize()) {
                case 1 -> data.get(ValueLayout.JAVA_BYTE, off);
                case 2 -> data.get(SHORT, off);
                case 4 -> data.get(INT, off);
                default -> data.get(LONG, off);
            };
            case UINT -> switch (dataType.byteSize()) {
                case 1 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off));
                case 2 -> Short.toUnsignedInt(data.get(SHORT, off));
                case 4 -> Integer.toUnsignedLong(data.get(INT, off));
                default -> {
                    long v = data.get(LONG, off);
                    yield v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
                }
            };
            case FLOAT, COMPLEX -> switch (dataType.componentSize()) {
                case 2 -> Float.float16ToFloat(data.get(SHORT, off));
                case 4 -> data.get(FLOAT, off);
                default -> data.get(DOUBLE, off);
            };
            case RAW -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off));
        };
    }

    /** Element at a linear index as a raw integer: the bits, sign-extended for signed integers. */
    public long getAsLong(long linearIndex) {
        long off = linearIndex * dataType.byteSize();
        int size = Math.min(dataType.byteSize(), 8);
        boolean signed = dataType.kind() == DataType.Kind.INT;
        return switch (size) {
            case 1 -> signed ? data.get(ValueLayout.JAVA_BYTE, off) : Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, off));
            case 2 -> signed ? data.get(SHORT, off) : Short.toUnsignedLong(data.get(SHORT, off));
            case 4 -> signed ? data.get(INT, off) : Integer.toUnsignedLong(data.get(INT, off));
            default -> data.get(LONG, off);
        };
    }

    /** Fills every element with one element's little-endian bytes. */
    public void fill(byte[] element) {
        if (element.length != dataType.byteSize()) {
            throw new IllegalArgumentException("fill element of " + element.length + " bytes for " + dataType);
        }
        fill(data, element);
    }

    static void fill(MemorySegment seg, byte[] element) {
        boolean allSame = true;
        for (byte b : element) {
            allSame &= b == element[0];
        }
        if (allSame) {
            seg.fill(element[0]);
            return;
        }
        long n = seg.byteSize();
        if (n == 0) {
            return;
        }
        MemorySegment.copy(MemorySegment.ofArray(element), 0, seg, 0, element.length);
        long done = element.length;
        while (done < n) { // doubling copies keep this O(log n) calls
            long len = Math.min(done, n - done);
            MemorySegment.copy(seg, 0, seg, done, len);
            done += len;
        }
    }

    /** True if every element equals the given element bytes. */
    public boolean allEqual(byte[] element) {
        return allEqual(data, element);
    }

    static boolean allEqual(MemorySegment seg, byte[] element) {
        int es = element.length;
        long n = seg.byteSize();
        if (n == 0) {
            return true;
        }
        // compare the first element, then the rest against growing verified prefixes
        if (MemorySegment.ofArray(element).mismatch(seg.asSlice(0, es)) != -1) {
            return false;
        }
        long checked = es;
        while (checked < n) {
            long len = Math.min(checked, n - checked);
            if (seg.asSlice(0, len).mismatch(seg.asSlice(checked, len)) != -1) {
                return false;
            }
            checked += len;
        }
        return true;
    }

    /** A new buffer holding a copy of a region of this one. */
    public NdBuffer copyRegion(long[] offset, long[] regionShape) {
        NdBuffer out = allocate(dataType, regionShape);
        copy(this, offset, out, new long[shape.length], regionShape);
        return out;
    }

    /**
     * Copies a box of elements between two buffers of the same data type and rank. Runs of contiguous
     * elements are copied in bulk; trailing dimensions that both sides cover whole are merged.
     */
    public static void copy(NdBuffer src, long[] srcOffset, NdBuffer dst, long[] dstOffset, long[] box) {
        if (src.dataType.byteSize() != dst.dataType.byteSize()) {
            throw new IllegalArgumentException("element size mismatch: " + src.dataType + " vs " + dst.dataType);
        }
        int rank = box.length;
        if (src.rank() != rank || dst.rank() != rank || srcOffset.length != rank || dstOffset.length != rank) {
            throw new IllegalArgumentException("rank mismatch in copy");
        }
        for (int d = 0; d < rank; d++) {
            if (box[d] < 0 || srcOffset[d] < 0 || dstOffset[d] < 0
                    || srcOffset[d] + box[d] > src.shape[d] || dstOffset[d] + box[d] > dst.shape[d]) {
                throw new IndexOutOfBoundsException("box " + Arrays.toString(box) + " at " + Arrays.toString(srcOffset)
                        + " -> " + Arrays.toString(dstOffset) + " does not fit " + Arrays.toString(src.shape)
                        + " -> " + Arrays.toString(dst.shape));
            }
            if (box[d] == 0) {
                return;
            }
        }
        long es = src.dataType.byteSize();
        if (rank == 0) {
            MemorySegment.copy(src.data, 0, dst.data, 0, es);
            return;
        }
        // merge trailing dims: while the box covers dim d fully in both buffers, the run extends into d-1
        int inner = rank - 1;
        long run = box[inner];
        while (inner > 0 && box[inner] == src.shape[inner] && box[inner] == dst.shape[inner]) {
            inner--;
            run *= box[inner];
        }
        long runBytes = run * es;
        long srcBase = 0;
        long dstBase = 0;
        for (int d = 0; d < rank; d++) {
            srcBase += srcOffset[d] * src.strides[d];
            dstBase += dstOffset[d] * dst.strides[d];
        }
        if (inner == 0) {
            MemorySegment.copy(src.data, srcBase * es, dst.data, dstBase * es, runBytes);
            return;
        }
        long[] counter = new long[inner];
        while (true) {
            long s = srcBase;
            long t = dstBase;
            for (int d = 0; d < inner; d++) {
                s += counter[d] * src.strides[d];
                t += counter[d] * dst.strides[d];
            }
            MemorySegment.copy(src.data, s * es, dst.data, t * es, runBytes);
            int d = inner - 1;
            while (d >= 0) {
                if (++counter[d] < box[d]) {
                    break;
                }
                counter[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** Same data type, shape and element bytes. */
    public boolean contentEquals(NdBuffer other) {
        return dataType.equals(other.dataType) && Arrays.equals(shape, other.shape)
                && data.mismatch(other.data) == -1;
    }

    @Override
    public String toString() {
        return "NdBuffer[" + dataType + " " + Arrays.toString(shape) + "]";
    }
}
