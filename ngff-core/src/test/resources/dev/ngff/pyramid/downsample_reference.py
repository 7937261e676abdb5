"""Independent NumPy reference for dev.ngff.pyramid.Downsampler (used by DownsamplerPropertyTest).

Usage: python downsample_reference.py DIR
DIR/cases.json lists cases {id, dtype, shape, factors, method, sigma, halfSize}; DIR/in_<id>.bin holds the
input as little-endian C-order bytes. Writes DIR/out_<id>.bin, the reduced array in the same form.

Written from the documented semantics (docs/pyramids.md, "Downsampling methods"), not from the Java code:
blocks come from padding to a multiple of the factors and reshaping to (n0/f0, f0, n1/f1, f1, ...), with a
mask of the elements present; integers are reduced with Python integers (exact); float sums are exact
(math.fsum); gaussian filtering is a matrix per axis applied with tensordot.
"""
import json
import math
import sys
from fractions import Fraction

import numpy as np

NUMPY = {
    "bool": "?", "int8": "<i1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
    "uint8": "<u1", "uint16": "<u2", "uint32": "<u4", "uint64": "<u8",
    "int4": "<i1", "int2": "<i1", "uint4": "<u1", "uint2": "<u1",
    "float16": "<f2", "float32": "<f4", "float64": "<f8", "bfloat16": "<u2",
    "complex64": "<c8", "complex128": "<c16",
}
RANGES = {"int4": (-8, 7), "int2": (-2, 1), "uint4": (0, 15), "uint2": (0, 3)}


def integer_range(dtype):
    if dtype in RANGES:
        return RANGES[dtype]
    if dtype == "bool":
        return (0, 1)
    info = np.iinfo(np.dtype(NUMPY[dtype]))
    return (int(info.min), int(info.max))


def is_integer(dtype):
    return dtype == "bool" or "int" in dtype


def to_bfloat16_bits(x):
    """float64 -> bfloat16 bits, rounded once to nearest even (8 significant bits), overflow to inf."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape, dtype=np.uint16)
    flat_in = x.ravel()
    flat_out = out.ravel()
    for i, v in enumerate(flat_in):
        if math.isnan(v):
            flat_out[i] = 0x7FC0
            continue
        sign = 0x8000 if math.copysign(1.0, v) < 0 else 0
        a = abs(v)
        if a == 0:
            flat_out[i] = sign
            continue
        if math.isinf(a):
            flat_out[i] = sign | 0x7F80
            continue
        m, e = math.frexp(a)  # a = m * 2^e, m in [0.5, 1)
        e = max(e, -125)  # subnormals share the smallest exponent
        q = Fraction(a) / Fraction(2) ** (e - 8)
        r = round(q)  # Python rounds half to even
        r_val = float(r) * 2.0 ** (e - 8)
        if r_val > 3.3895313892515355e38:
            flat_out[i] = sign | 0x7F80
            continue
        bits = int(np.array([r_val], dtype=np.float32).view(np.uint32)[0]) >> 16
        flat_out[i] = sign | bits
    return out


def load(case, directory):
    dtype = case["dtype"]
    raw = np.fromfile(f"{directory}/in_{case['id']}.bin", dtype=np.dtype(NUMPY[dtype]))
    a = raw.reshape(case["shape"])
    if dtype == "bfloat16":
        a = (a.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    if dtype == "bool":
        a = a.astype(bool)
    return a


def store(result, case, directory):
    dtype = case["dtype"]
    if dtype == "bfloat16":
        result = to_bfloat16_bits(result)
    elif dtype == "bool":
        result = np.asarray(result).astype(bool)
    else:
        result = np.asarray(result).astype(np.dtype(NUMPY[dtype]))
    np.ascontiguousarray(result).tofile(f"{directory}/out_{case['id']}.bin")


def blocks(a, factors):
    """(values, mask) reshaped to (out0, f0, out1, f1, ...) -> moved to (out..., f...) and flattened to (out..., prod f)."""
    rank = a.ndim
    pad = [(0, (-n) % f) for n, f in zip(a.shape, factors)]
    mask = np.pad(np.ones(a.shape, dtype=bool), pad)
    values = np.pad(a, pad) if a.dtype != object else np.pad(a, pad, constant_values=0)
    shape = []
    for n, f in zip(values.shape, factors):
        shape += [n // f, f]
    values = values.reshape(shape)
    mask = mask.reshape(shape)
    order = list(range(0, 2 * rank, 2)) + list(range(1, 2 * rank, 2))
    values = values.transpose(order)
    mask = mask.transpose(order)
    out_shape = values.shape[:rank]
    return values.reshape(out_shape + (-1,)), mask.reshape(out_shape + (-1,)), out_shape


def round_half_even_ratio(s, n):
    q, r = divmod(s, n)
    if 2 * r > n or (2 * r == n and q % 2 == 1):
        q += 1
    return q


def reduce_blocks(a, factors, method, dtype):
    values, mask, out_shape = blocks(a, factors)
    out = np.empty(out_shape, dtype=object)
    for idx in np.ndindex(*out_shape):
        v = values[idx][mask[idx]]
        out[idx] = reduce_one(v, method, dtype)
    return out


def reduce_one(v, method, dtype):
    if method == "mode":
        uniq, counts = np.unique(v, return_counts=True)  # sorted ascending: argmax takes the smallest of ties
        return uniq[np.argmax(counts)]
    if method in ("min", "max"):
        return np.min(v) if method == "min" else np.max(v)
    # mean
    if is_integer(dtype):
        ints = [int(x) for x in v]
        return round_half_even_ratio(sum(ints), len(ints))
    if "complex" in dtype:
        return complex(exact_mean(v.real), exact_mean(v.imag))
    return exact_mean(v)


def exact_mean(v):
    v = np.asarray(v, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        return float(np.sum(v)) / len(v)  # NaN and infinities as np.mean has them
    return math.fsum(v.tolist()) / len(v)


def gaussian_matrix(n, f, sigma, half):
    out_n = -(-n // f)
    w = np.zeros((out_n, n))
    for j in range(out_n):
        c = j * f + (f - 1) / 2.0
        nearest = 0.0 if float(c).is_integer() else 0.5
        reach = max(half, nearest)
        xs = [x for x in range(n) if abs(x - c) <= reach]
        if not xs:
            xs = [n - 1]
        d2 = np.array([(x - c) ** 2 for x in xs])
        if sigma == 0:
            wt = (d2 == d2.min()).astype(float)
        else:
            wt = np.exp(-(d2 - d2.min()) / (2 * sigma * sigma))
        w[j, xs] = wt / wt.sum()
    return w


def gaussian(a, factors, sigma, half, dtype):
    if "complex" in dtype:  # each part on its own: a real weight times a complex infinity must not make NaN
        re = gaussian(a.real, factors, sigma, half, "float64")
        out = np.empty(re.shape, dtype=np.complex128)
        out.real = re
        out.imag = gaussian(a.imag, factors, sigma, half, "float64")
        return out
    x = a.astype(np.float64)
    for axis, f in enumerate(factors):
        s = sigma[axis] if sigma is not None else (2.0 * f / 6.0 if f > 1 else 0.0)
        h = half[axis] if half is not None else (math.ceil(4 * s) if s > 0 else 0.0)
        m = gaussian_matrix(a.shape[axis], f, s, h)
        moved = np.moveaxis(x, axis, 0)
        rows = []
        for j in range(m.shape[0]):
            xs = np.nonzero(m[j])[0]  # only weighted elements take part: 0 * NaN must not spread
            rows.append(np.tensordot(m[j, xs], moved[xs], axes=(0, 0)))
        x = np.moveaxis(np.stack(rows), 0, axis)
    if is_integer(dtype):
        lo, hi = integer_range(dtype)
        return np.clip(np.rint(x), lo, hi)
    return x


def run(case, directory):
    dtype = case["dtype"]
    a = load(case, directory)
    factors = case["factors"]
    method = case["method"]
    if a.ndim == 0:
        store(a, case, directory)
        return
    if method == "nearest":
        result = a[tuple(slice(None, None, f) for f in factors)]
    elif method == "gaussian":
        result = gaussian(a, factors, case.get("sigma"), case.get("halfSize"), dtype)
        if dtype == "uint64" or dtype == "int64":
            result = np.array([int(v) for v in result.ravel()], dtype=object).reshape(result.shape)
    else:
        src = a.astype(object) if is_integer(dtype) and method == "mean" else a
        result = reduce_blocks(src, factors, method, dtype)
        if dtype == "bfloat16" or "float" in dtype or "complex" in dtype:
            result = result.astype(np.complex128 if "complex" in dtype else np.float64)
        elif dtype in ("uint64", "int64"):
            result = np.array([int(v) for v in result.ravel()], dtype=object).reshape(result.shape)
    if dtype in ("uint64", "int64") and result.dtype == object:
        bits = [int(v) & 0xFFFFFFFFFFFFFFFF for v in result.ravel()]
        out = np.array(bits, dtype=np.uint64).reshape(result.shape)
        if dtype == "int64":
            out = out.view(np.int64)
        result = out
    store(result, case, directory)


def main():
    directory = sys.argv[1]
    with open(f"{directory}/cases.json") as fh:
        cases = json.load(fh)
    for case in cases:
        run(case, directory)
    print(f"reference: {len(cases)} cases done")


if __name__ == "__main__":
    main()
