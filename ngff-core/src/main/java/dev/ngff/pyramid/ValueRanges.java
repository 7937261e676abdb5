package dev.ngff.pyramid;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Smallest and largest value of a run of elements, NaN ignored; tight loops for the common types. */
final class ValueRanges {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ValueRanges() {
    }

    /** {min, max} of elements [start, start + count) in C order; {NaN, NaN} when none is a number. */
    static double[] of(NdBuffer b, long start, long count) {
        DataType t = b.dataType();
        MemorySegment s = b.segment();
        if (t.equals(DataType.UINT16) || t.equals(DataType.INT16)) {
            boolean unsigned = t.equals(DataType.UINT16);
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (long i = start, end = start + count; i < end; i++) {
                short raw = s.get(SHORT, i * 2);
                int v = unsigned ? raw & 0xffff : raw;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return count == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {lo, hi};
        }
        if (t.equals(DataType.UINT8) || t.equals(DataType.INT8)) {
            boolean unsigned = t.equals(DataType.UINT8);
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (long i = start, end = start + count; i < end; i++) {
                byte raw = s.get(ValueLayout.JAVA_BYTE, i);
                int v = unsigned ? raw & 0xff : raw;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return count == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {lo, hi};
        }
        if (t.equals(DataType.FLOAT32)) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            boolean any = false;
            for (long i = start, end = start + count; i < end; i++) {
                float v = s.get(FLOAT, i * 4);
                if (v == v) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
            return any ? new double[] {lo, hi} : new double[] {Double.NaN, Double.NaN};
        }
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (t.kind() == DataType.Kind.COMPLEX || t.isVariableLength() || t.kind() == DataType.Kind.RAW) {
            return new double[] {lo, hi};
        }
        for (long i = start, end = start + count; i < end; i++) {
            double v = b.getAsDouble(i);
            lo = PyramidWriter.minIgnoringNaN(lo, v);
            hi = PyramidWriter.maxIgnoringNaN(hi, v);
        }
        return new double[] {lo, hi};
    }
}
