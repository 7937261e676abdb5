package dev.ngff.buffer;

import dev.ngff.metadata.DataType;
import dev.ngff.metadata.MiniFloat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dense, C-ordered (row-major) n-dimensional buffer of one data type, little-endian in memory,
 * addressed with {@code long} indices so it may exceed 2 GiB. Mutable: it is the destination of reads
 * and the source of writes. Not thread-safe for overlapping writes; disjoint regions may be written
 * concurrently.
 *
 * <p>Buffers of a variable-length type ({@link DataType#isVariableLength()}: text and bytes) hold one
 * {@code byte[]} per element instead of memory (UTF-8 for text), at most {@link #MAX_VARIABLE_LENGTH_ELEMENTS}
 * of them. They have no {@link #segment()}; use {@link #getString}, {@link #getBytes}, their setters, the
 * linear {@link #elementBytes}, and the factories {@link #ofStrings} / {@link #ofBytes}. Element arrays are
 * never modified in place: setters store copies, getters return copies. Region copies, fills and
 * {@link #allEqual} work on both forms.
 *
 * <p>A {@code zarrs.optional} type over text or bytes ({@link DataType#isOptionalVariableLength()}) uses the
 * same form, where a {@code null} element is "missing": {@link #allocate} fills with missing, the element
 * getters ({@link #getString}, {@link #getBytes}, {@link #elementText}, {@link #elementBytes},
 * {@link #elementBytesUnsafe}, {@link #toStrings}, {@link #toByteArrays}) return {@code null} for a missing
 * element, and the setters take {@code null} to mark one missing. {@link #fill} and {@link #allEqual} take
 * the fill value's form: the value's bytes then a validity byte ({@code [0]} is missing). In every other
 * buffer elements are never null.
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
    /** Most elements one variable-length buffer holds (a Java array bound). */
    public static final int MAX_VARIABLE_LENGTH_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];

    private final MemorySegment data; // null for variable-length types
    private final byte[][] elements; // null for fixed-size types

    private NdBuffer(DataType dataType, long[] shape, byte[][] elements) {
        this.dataType = dataType;
        this.shape = shape.clone();
        this.strides = new long[shape.length];
        long n = cOrderStrides(shape, strides);
        if (n != elements.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + elements.length);
        }
        this.data = null;
        this.elements = elements;
    }

    /** Fills {@code strides} (in elements) for C order and returns the element count. */
    private static long cOrderStrides(long[] shape, long[] strides) {
        long n = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            strides[d] = n;
            n = Math.multiplyExact(n, shape[d]);
        }
        return n;
    }

    private NdBuffer(DataType dataType, long[] shape, MemorySegment data) {
        if (dataType.isVariableLength()) {
            throw new IllegalArgumentException(dataType + " is variable-length: its buffers hold byte[] elements, not memory");
        }
        this.dataType = dataType;
        this.shape = shape.clone();
        this.strides = new long[shape.length];
        long n = cOrderStrides(shape, strides);
        long bytes = Math.multiplyExact(n, (long) dataType.byteSize());
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dataType + " needs "
                    + bytes + " bytes, memory holds " + data.byteSize());
        }
        this.data = data;
        this.elements = null;
    }

    private static int variableLengthCount(DataType dataType, long[] shape) {
        long n = elementCount(shape);
        if (n > MAX_VARIABLE_LENGTH_ELEMENTS) {
            throw new IllegalArgumentException("a buffer of " + dataType + " holds at most " + MAX_VARIABLE_LENGTH_ELEMENTS
                    + " elements, shape " + Arrays.toString(shape) + " has " + n);
        }
        return (int) n;
    }

    /**
     * A zero-filled buffer; for variable-length types every element is empty, for an optional over a
     * variable-length type every element is missing (null).
     */
    public static NdBuffer allocate(DataType dataType, long... shape) {
        if (dataType.isVariableLength()) {
            byte[][] e = new byte[variableLengthCount(dataType, shape)][];
            if (!dataType.isOptionalVariableLength()) {
                Arrays.fill(e, EMPTY);
            }
            return new NdBuffer(dataType, shape, e);
        }
        long bytes = Math.multiplyExact(elementCount(shape), (long) dataType.byteSize());
        return new NdBuffer(dataType, shape, Buffers.allocate(bytes));
    }

    /** A {@link DataType#STRING} buffer of the given texts in C order; a lone surrogate is an IllegalArgumentException. */
    public static NdBuffer ofStrings(String[] values, long... shape) {
        NdBuffer b = new NdBuffer(DataType.STRING, shape, new byte[checkCount(values.length, shape)][]);
        for (int i = 0; i < values.length; i++) {
            b.elements[i] = Utf8.encode(java.util.Objects.requireNonNull(values[i], "values[" + i + "]"));
        }
        return b;
    }

    /** A {@link DataType#BYTES} buffer of copies of the given byte sequences in C order. */
    public static NdBuffer ofBytes(byte[][] values, long... shape) {
        NdBuffer b = new NdBuffer(DataType.BYTES, shape, new byte[checkCount(values.length, shape)][]);
        for (int i = 0; i < values.length; i++) {
            b.elements[i] = java.util.Objects.requireNonNull(values[i], "values[" + i + "]").clone();
        }
        return b;
    }

    private static int checkCount(int n, long[] shape) {
        if (elementCount(shape) != n) {
            throw new IllegalArgumentException(n + " values for shape " + Arrays.toString(shape));
        }
        return n;
    }

    /**
     * A variable-length buffer that takes ownership of {@code elements} (no copy): neither the array nor
     * its entries may be changed by the caller afterwards. For decoders, which validate what they pass
     * (text must be valid UTF-8). Null entries (missing) are allowed only for an optional type.
     */
    public static NdBuffer wrapElements(DataType dataType, long[] shape, byte[][] elements) {
        if (!dataType.isVariableLength()) {
            throw new IllegalArgumentException(dataType + " is not a variable-length type");
        }
        if (!dataType.isOptionalVariableLength()) {
            for (byte[] e : elements) {
                java.util.Objects.requireNonNull(e, "null element in a buffer of " + dataType + ", which has no missing elements");
            }
        }
        return new NdBuffer(dataType, shape, elements);
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
        return elements != null ? elements.length : data.byteSize() / dataType.byteSize();
    }

    /** Whether this buffer holds a variable-length type (byte[] elements, no memory segment). */
    public boolean isVariableLength() {
        return elements != null;
    }

    /** The writable memory underneath, C order, little-endian; refused for variable-length types. */
    public MemorySegment segment() {
        requireFixed("segment()");
        return data;
    }

    /**
     * This buffer when its memory can be written (variable-length buffers always can), else a writable
     * copy: a decoder may return a read-only view of the bytes it was given.
     */
    public NdBuffer writable() {
        if (elements != null || !data.isReadOnly()) {
            return this;
        }
        NdBuffer copy = allocate(dataType, shape);
        MemorySegment.copy(data, 0, copy.data, 0, data.byteSize());
        return copy;
    }

    /** A read-only byte view of the whole buffer; refused for variable-length types. */
    public Bytes asBytes() {
        requireFixed("asBytes()");
        return Bytes.wrap(data);
    }

    private void requireFixed(String what) {
        if (elements != null) {
            throw new UnsupportedOperationException(what + " is not defined for a buffer of the variable-length type "
                    + dataType + ": read its elements with getString/getBytes/elementBytes");
        }
    }

    private void requireVariable(String what) {
        if (elements == null) {
            throw new UnsupportedOperationException(what + " needs a variable-length buffer (string or bytes), not " + dataType);
        }
    }

    // ---- variable-length elements ----------------------------------------------------------------

    /** The text at a coordinate ({@link DataType#STRING}; for bytes buffers the bytes read as UTF-8); null if missing. */
    public String getString(long... idx) {
        return elementText(index(idx));
    }

    /** A copy of the bytes at a coordinate (UTF-8 for text); null if missing. */
    public byte[] getBytes(long... idx) {
        return elementBytes(index(idx));
    }

    /** Stores text at a coordinate (null: missing, optional types only); a lone surrogate is an IllegalArgumentException. */
    public void setString(String value, long... idx) {
        setElementBytes(index(idx), value == null ? null : Utf8.encode(value), false);
    }

    /** Stores a copy of bytes at a coordinate (null: missing, optional types only); in a text buffer they must be valid UTF-8. */
    public void setBytes(byte[] value, long... idx) {
        setElementBytes(index(idx), value == null ? null : value.clone(), true);
    }

    /** The text at a linear (C-order) index; null if missing. */
    public String elementText(long linearIndex) {
        requireVariable("elementText");
        byte[] e = elements[Math.toIntExact(linearIndex)];
        return e == null ? null : Utf8.decode(e);
    }

    /**
     * A copy of the bytes at a linear (C-order) index: a variable-length element's bytes, or a fixed-size
     * element's {@link DataType#byteSize()} little-endian bytes (for {@code zarrs.optional}: the value, then
     * the validity byte); null for a missing element of an optional variable-length type.
     */
    public byte[] elementBytes(long linearIndex) {
        if (elements == null) {
            int size = dataType.byteSize();
            byte[] out = new byte[size];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, linearIndex * size, out, 0, size);
            return out;
        }
        byte[] e = elementBytesUnsafe(linearIndex);
        return e == null ? null : e.clone();
    }

    /** The bytes at a linear index without a copy (null if missing), for encoders; callers must not modify them. */
    public byte[] elementBytesUnsafe(long linearIndex) {
        requireVariable("elementBytes");
        return elements[Math.toIntExact(linearIndex)];
    }

    /**
     * Stores a copy of bytes at a linear index; in a text buffer they must be valid UTF-8; for a fixed-size
     * type they must be exactly one element's little-endian bytes; null marks an optional element missing.
     */
    public void setElementBytes(long linearIndex, byte[] value) {
        if (elements == null) {
            int size = dataType.byteSize();
            if (value.length != size) {
                throw new IllegalArgumentException("element of " + value.length + " bytes for " + dataType + " (" + size + " bytes)");
            }
            MemorySegment.copy(value, 0, data, ValueLayout.JAVA_BYTE, linearIndex * size, size);
            return;
        }
        setElementBytes(linearIndex, value == null ? null : value.clone(), true);
    }

    private void setElementBytes(long linearIndex, byte[] owned, boolean validate) {
        requireVariable("setElementBytes");
        if (owned == null && !dataType.isOptionalVariableLength()) {
            throw new IllegalArgumentException("element " + linearIndex + ": null (missing) in a buffer of " + dataType
                    + ", which has no missing elements");
        }
        if (owned != null && validate && dataType.kind() == DataType.Kind.STRING && Utf8.firstInvalid(owned, 0, owned.length) >= 0) {
            throw new IllegalArgumentException("element " + linearIndex + ": bytes are not valid UTF-8 for a string buffer");
        }
        elements[Math.toIntExact(linearIndex)] = owned;
    }

    /** Every element as text, C order; null for missing ones. */
    public String[] toStrings() {
        requireVariable("toStrings");
        String[] out = new String[elements.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = elements[i] == null ? null : Utf8.decode(elements[i]);
        }
        return out;
    }

    /** Copies of every element's bytes, C order; null for missing ones. */
    public byte[][] toByteArrays() {
        requireVariable("toByteArrays");
        byte[][] out = new byte[elements.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = elements[i] == null ? null : elements[i].clone();
        }
        return out;
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
        requireFixed("numeric access");
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
     * types as unsigned, float16, bfloat16 and the float8 types converted exactly, bool as 0/1, complex as
     * its real part ({@link #getImagAsDouble} reads the other).
     */
    public double getAsDouble(long linearIndex) {
        requireFixed("getAsDouble");
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
            case FLOAT, COMPLEX -> component(off);
            case RAW -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off));
            case STRING, BYTES -> throw new IllegalStateException("unreachable");
        };
    }

    /** A FLOAT value, or a COMPLEX component, at a byte offset, converted exactly to double. */
    private double component(long off) {
        DataType.Kind k = dataType.kind();
        if (k != DataType.Kind.FLOAT && k != DataType.Kind.COMPLEX) {
            throw new IllegalStateException(dataType + " is not a floating-point type");
        }
        MiniFloat fmt = dataType.miniFloat();
        if (fmt != null) {
            return fmt.toDouble(fmt.byteSize() == 1 ? Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, off))
                    : Short.toUnsignedInt(data.get(SHORT, off)));
        }
        return switch (dataType.componentSize()) {
            case 2 -> Float.float16ToFloat(data.get(SHORT, off));
            case 4 -> data.get(FLOAT, off);
            default -> data.get(DOUBLE, off);
        };
    }

    /** Stores a double into a FLOAT value or COMPLEX component, rounded to nearest (ties to even) for narrow formats. */
    private void setComponent(long off, double v) {
        MiniFloat fmt = dataType.miniFloat();
        if (fmt != null) {
            int bits = fmt.fromDouble(v);
            if (fmt.byteSize() == 1) {
                data.set(ValueLayout.JAVA_BYTE, off, (byte) bits);
            } else {
                data.set(SHORT, off, (short) bits);
            }
            return;
        }
        switch (dataType.componentSize()) {
            case 2 -> data.set(SHORT, off, Float.floatToFloat16((float) v));
            case 4 -> data.set(FLOAT, off, (float) v);
            default -> data.set(DOUBLE, off, v);
        }
    }

    /** The imaginary part of a COMPLEX element at a linear index, as double (exact for every complex type). */
    public double getImagAsDouble(long linearIndex) {
        requireFixed("getImagAsDouble");
        if (dataType.kind() != DataType.Kind.COMPLEX) {
            throw new IllegalStateException(dataType + " is not a complex type");
        }
        return component(linearIndex * dataType.byteSize() + dataType.componentSize());
    }

    /**
     * Stores a number into the FLOAT element at a linear index, rounded to the type (to nearest, ties to
     * even; beyond the largest finite value: infinity). For float16, float32 and float64 this is the
     * plain narrowing cast; for {@code bfloat16} and the float8 types it is the formats' own rounding.
     *
     * @throws IllegalStateException when the type is not FLOAT
     */
    public void setAsDouble(long linearIndex, double value) {
        requireFixed("setAsDouble");
        if (dataType.kind() != DataType.Kind.FLOAT) {
            throw new IllegalStateException("setAsDouble needs a FLOAT type, not " + dataType);
        }
        setComponent(linearIndex * dataType.byteSize(), value);
    }

    /** Stores a complex number into the COMPLEX element at a linear index, each part rounded as {@link #setAsDouble}. */
    public void setComplex(long linearIndex, double real, double imag) {
        requireFixed("setComplex");
        if (dataType.kind() != DataType.Kind.COMPLEX) {
            throw new IllegalStateException("setComplex needs a COMPLEX type, not " + dataType);
        }
        long off = linearIndex * dataType.byteSize();
        setComponent(off, real);
        setComponent(off + dataType.componentSize(), imag);
    }

    /**
     * Stores an integer into the INT or UINT element at a linear index; for {@code int2}/{@code int4}/
     * {@code uint2}/{@code uint4} one byte holding the value (sign-extended when signed).
     *
     * @throws IllegalArgumentException when the value does not fit a 2- or 4-bit type (wider types keep the low bits)
     * @throws IllegalStateException    when the type is not INT or UINT
     */
    public void setAsLong(long linearIndex, long value) {
        requireFixed("setAsLong");
        if (!dataType.isInteger()) {
            throw new IllegalStateException("setAsLong needs an integer type, not " + dataType);
        }
        DataType.SubByte sb = dataType.subByte();
        boolean signed = dataType.kind() == DataType.Kind.INT;
        if (sb != null && (value < sb.min(signed) || value > sb.max(signed))) {
            throw new IllegalArgumentException(value + " does not fit " + dataType + " (" + sb.min(signed) + ".." + sb.max(signed) + ")");
        }
        long off = linearIndex * dataType.byteSize();
        switch (dataType.byteSize()) {
            case 1 -> data.set(ValueLayout.JAVA_BYTE, off, (byte) value);
            case 2 -> data.set(SHORT, off, (short) value);
            case 4 -> data.set(INT, off, (int) value);
            default -> data.set(LONG, off, value);
        }
    }

    /** Element at a linear index as a raw integer: the bits, sign-extended for signed integers. */
    public long getAsLong(long linearIndex) {
        requireFixed("getAsLong");
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

    /** Fills every element with one element's little-endian bytes (for variable-length types: its whole bytes). */
    public void fill(byte[] element) {
        if (elements != null) {
            Arrays.fill(elements, dataType.isOptionalVariableLength() ? untagged(element) : element.clone());
            return;
        }
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

    /**
     * An optional variable-length element from the fill-value form (value bytes, then a validity byte):
     * null when the validity byte is 0.
     */
    private byte[] untagged(byte[] tagged) {
        if (tagged.length == 0) {
            throw new IllegalArgumentException("an element of " + dataType + " needs its validity byte, got no bytes");
        }
        return tagged[tagged.length - 1] == 0 ? null : Arrays.copyOf(tagged, tagged.length - 1);
    }

    /** True if every element equals the given element bytes (for optional variable-length types: the fill-value form). */
    public boolean allEqual(byte[] element) {
        if (elements != null) {
            if (dataType.isOptionalVariableLength()) {
                byte[] want = untagged(element);
                for (byte[] e : elements) {
                    if (!Arrays.equals(e, want)) {
                        return false;
                    }
                }
                return true;
            }
            for (byte[] e : elements) {
                if (e != element && !Arrays.equals(e, element)) {
                    return false;
                }
            }
            return true;
        }
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
        if (src.isVariableLength() != dst.isVariableLength() || src.dataType.byteSize() != dst.dataType.byteSize()) {
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
        if (rank == 0) {
            copyRun(src, 0, dst, 0, 1);
            return;
        }
        // merge trailing dims: while the box covers dim d fully in both buffers, the run extends into d-1
        int inner = rank - 1;
        long run = box[inner];
        while (inner > 0 && box[inner] == src.shape[inner] && box[inner] == dst.shape[inner]) {
            inner--;
            run *= box[inner];
        }
        long srcBase = 0;
        long dstBase = 0;
        for (int d = 0; d < rank; d++) {
            srcBase += srcOffset[d] * src.strides[d];
            dstBase += dstOffset[d] * dst.strides[d];
        }
        if (inner == 0) {
            copyRun(src, srcBase, dst, dstBase, run);
            return;
        }
        if (src.elements != null) {
            copyElementRuns(src, srcBase, dst, dstBase, box, inner, run);
            return;
        }
        long es = src.dataType.byteSize();
        long[] srcStep = new long[inner];
        long[] dstStep = new long[inner];
        for (int d = 0; d < inner; d++) {
            srcStep[d] = src.strides[d] * es;
            dstStep[d] = dst.strides[d] * es;
        }
        copyStridedRuns(src.data, srcBase * es, srcStep, dst.data, dstBase * es, dstStep, box, inner, run * es);
    }

    /**
     * Copies the runs of a box whose bounds were checked: {@code box[0..inner)} runs of {@code runBytes}
     * bytes each, the run at counter {@code c} starting at {@code srcStart + sum(c[d] * srcStep[d])} (likewise
     * in {@code dst}). Heap memory of byte arrays on both sides is copied with {@link System#arraycopy}, without
     * a segment copy's bounds, alignment and liveness checks per run (scatters of small inner chunks are
     * millions of runs; the read profile showed those checks); other memory with one segment copy per run. Offsets advance by addition, never by recomputation.
     */
    private static void copyStridedRuns(MemorySegment src, long srcStart, long[] srcStep, MemorySegment dst,
                                        long dstStart, long[] dstStep, long[] box, int inner, long runBytes) {
        byte[] srcArray = byteArrayOf(src);
        byte[] dstArray = byteArrayOf(dst);
        boolean arrays = srcArray != null && dstArray != null;
        long srcBias = arrays ? src.address() : 0; // where the segment starts inside its array
        long dstBias = arrays ? dst.address() : 0;
        int last = inner - 1;
        long rows = box[last];
        long srcRowStep = srcStep[last];
        long dstRowStep = dstStep[last];
        long[] counter = new long[last];
        long s = srcStart;
        long t = dstStart;
        while (true) {
            if (arrays) {
                // in bounds: the caller checked the box against both shapes, and the shapes against the memory
                int from = (int) (srcBias + s);
                int to = (int) (dstBias + t);
                int len = (int) runBytes;
                int fromStep = (int) srcRowStep;
                int toStep = (int) dstRowStep;
                for (long r = 0; r < rows; r++) {
                    System.arraycopy(srcArray, from, dstArray, to, len);
                    from += fromStep;
                    to += toStep;
                }
            } else {
                long from = s;
                long to = t;
                for (long r = 0; r < rows; r++) {
                    MemorySegment.copy(src, from, dst, to, runBytes);
                    from += srcRowStep;
                    to += dstRowStep;
                }
            }
            int d = last - 1;
            while (d >= 0) {
                if (++counter[d] < box[d]) {
                    s += srcStep[d];
                    t += dstStep[d];
                    break;
                }
                counter[d] = 0;
                s -= (box[d] - 1) * srcStep[d];
                t -= (box[d] - 1) * dstStep[d];
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** The byte array under writable-or-readable heap memory, or null (native memory, another array type, a read-only view). */
    private static byte[] byteArrayOf(MemorySegment seg) {
        return seg.heapBase().orElse(null) instanceof byte[] a ? a : null;
    }

    /** The row loop of {@link #copy} for variable-length buffers (element arrays, shared, never mutated). */
    private static void copyElementRuns(NdBuffer src, long srcBase, NdBuffer dst, long dstBase, long[] box, int inner,
                                        long run) {
        long[] counter = new long[inner];
        while (true) {
            long s = srcBase;
            long t = dstBase;
            for (int d = 0; d < inner; d++) {
                s += counter[d] * src.strides[d];
                t += counter[d] * dst.strides[d];
            }
            copyRun(src, s, dst, t, run);
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

    /** Copies {@code n} consecutive elements; element arrays of variable-length buffers are shared (never mutated). */
    private static void copyRun(NdBuffer src, long from, NdBuffer dst, long to, long n) {
        if (src.elements != null) {
            System.arraycopy(src.elements, (int) from, dst.elements, (int) to, (int) n);
            return;
        }
        long es = src.dataType.byteSize();
        MemorySegment.copy(src.data, from * es, dst.data, to * es, n * es);
    }

    /** Same data type, shape and element bytes. */
    public boolean contentEquals(NdBuffer other) {
        if (!dataType.equals(other.dataType) || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        return elements != null ? Arrays.deepEquals(elements, other.elements) : data.mismatch(other.data) == -1;
    }

    @Override
    public String toString() {
        return "NdBuffer[" + dataType + " " + Arrays.toString(shape) + "]";
    }
}
