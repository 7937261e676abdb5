package dev.ngff.metadata;

/**
 * Binary floating-point formats narrower than (or other than) IEEE binary32/64 that Zarr v3 extension data
 * types use, with exact conversions to and from {@code double}.
 *
 * <p>All three follow IEEE 754 conventions (the zarr-extensions definitions say so for each): a sign bit,
 * {@link #exponentBits()} biased by {@code 2^(exponentBits-1) - 1}, {@link #mantissaBits()} with an implicit
 * leading one, subnormals when the biased exponent is 0, and the all-ones exponent for infinity (mantissa 0)
 * and NaN (any other mantissa).
 * <ul>
 *   <li>{@link #BFLOAT16}: the upper half of a binary32 (8 exponent bits, 7 mantissa bits).</li>
 *   <li>{@link #FLOAT8_E4M3}: 4 exponent bits (bias 7), 3 mantissa bits; largest finite 240. This is the
 *       IEEE-style E4M3 of zarr-extensions and LLVM's {@code Float8E4M3}, not the OCP/NVIDIA {@code e4m3fn}.</li>
 *   <li>{@link #FLOAT8_E5M2}: 5 exponent bits (bias 15), 2 mantissa bits; largest finite 57344.</li>
 * </ul>
 * Converting from double rounds to nearest, ties to even; values beyond the largest finite one (after
 * rounding) become infinity; NaN becomes the canonical quiet NaN ({@link #canonicalNaN()}). Immutable and
 * thread-safe.
 */
public enum MiniFloat implements DataType.Flavor {
    BFLOAT16("bfloat16", 8, 7),
    FLOAT8_E4M3("float8_e4m3", 4, 3),
    FLOAT8_E5M2("float8_e5m2", 5, 2);

    private final String v3Name;
    private final int exponentBits;
    private final int mantissaBits;
    private final int bias;
    private final int signBit;
    private final int expMask;
    private final int mantMask;
    private final double maxFinite;
    private final double minNormal;

    MiniFloat(String v3Name, int exponentBits, int mantissaBits) {
        this.v3Name = v3Name;
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = (1 << (exponentBits - 1)) - 1;
        this.signBit = 1 << (exponentBits + mantissaBits);
        this.expMask = ((1 << exponentBits) - 1) << mantissaBits;
        this.mantMask = (1 << mantissaBits) - 1;
        int maxExp = (1 << exponentBits) - 2 - bias;
        this.maxFinite = Math.scalb(2.0 - Math.scalb(1.0, -mantissaBits), maxExp);
        this.minNormal = Math.scalb(1.0, 1 - bias);
    }

    /** The Zarr v3 data type name of the real type ({@code bfloat16}, {@code float8_e4m3}, {@code float8_e5m2}). */
    public String v3Name() {
        return v3Name;
    }

    public int exponentBits() {
        return exponentBits;
    }

    public int mantissaBits() {
        return mantissaBits;
    }

    /** Bytes per value: 2 for bfloat16, 1 for the float8 formats. */
    public int byteSize() {
        return (1 + exponentBits + mantissaBits) / 8;
    }

    /** The largest finite value. */
    public double maxFinite() {
        return maxFinite;
    }

    /** The quiet NaN with only the top mantissa bit set ({@code 0x7fc0}, {@code 0x7c}, {@code 0x7e}): what "NaN" means in fill values. */
    public int canonicalNaN() {
        return expMask | (1 << (mantissaBits - 1));
    }

    /** Positive infinity's bits. */
    public int positiveInfinity() {
        return expMask;
    }

    /** The value of a bit pattern (only the low {@code 8 * byteSize()} bits of {@code bits} are read). Exact. */
    public double toDouble(int bits) {
        int exp = (bits & expMask) >>> mantissaBits;
        int mant = bits & mantMask;
        boolean negative = (bits & signBit) != 0;
        double magnitude;
        if (exp == (expMask >>> mantissaBits)) {
            magnitude = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exp == 0) {
            magnitude = Math.scalb((double) mant, 1 - bias - mantissaBits);
        } else {
            magnitude = Math.scalb((double) (mant | (1 << mantissaBits)), exp - bias - mantissaBits);
        }
        return negative ? -magnitude : magnitude;
    }

    /** The nearest value's bit pattern (ties to even; overflow to infinity; NaN to {@link #canonicalNaN()}). */
    public int fromDouble(double value) {
        if (Double.isNaN(value)) {
            return canonicalNaN();
        }
        int sign = (Double.doubleToRawLongBits(value) < 0) ? signBit : 0;
        double a = Math.abs(value);
        if (a == Double.POSITIVE_INFINITY) {
            return sign | expMask;
        }
        // the spacing of representable values at a's magnitude; dividing by a power of two is exact
        int e = Math.max(Math.getExponent(a), 1 - bias);
        double quantum = Math.scalb(1.0, e - mantissaBits);
        double r = Math.rint(a / quantum) * quantum; // rint rounds half to even
        if (r > maxFinite) {
            return sign | expMask;
        }
        if (r < minNormal) { // subnormal or zero: the mantissa counts quanta of the smallest subnormal
            return sign | (int) (r / Math.scalb(1.0, 1 - bias - mantissaBits));
        }
        int re = Math.getExponent(r);
        int mant = (int) (Math.scalb(r, mantissaBits - re)) & mantMask;
        return sign | ((re + bias) << mantissaBits) | mant;
    }

    /** The format whose Zarr v3 name is {@code name}, or null. */
    public static MiniFloat fromV3Name(String name) {
        for (MiniFloat f : values()) {
            if (f.v3Name.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
