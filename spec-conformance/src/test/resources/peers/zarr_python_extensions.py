"""zarr-python against ngff-engine for numcodecs codecs and NumPy datetime types.

Usage: zarr_python_extensions.py read ROOT NAME [NAME ...]
         prints {name: {"zarr": sha256 | "error: ...", "zarrs": sha256 | "error: ...", "dtype": str}} for
         arrays we wrote ("zarrs": read through the zarrs codec pipeline);
       zarr_python_extensions.py write ROOT
         writes arrays with zarr-python and prints {name: {"sha256": ..., "dtype": str, "shape": [...]}}.
Digests are over the elements in C order, little-endian (datetimes as their int64 counts).
"""
import hashlib
import json
import os
import sys
import warnings

import numcodecs
import numpy as np
import zarr

warnings.simplefilter("ignore")

# zarr-python 3.1.3 registers its numcodecs.pcodec wrapper as "zarr.codecs.numcodecs.pcodec" but its default
# config names "zarr.codecs.numcodecs.PCodec", so v3 arrays with numcodecs.pcodec fail to open ("Unknown
# codec"). Point the config at the registered name: the same class.
_codecs = dict(zarr.config.get("codecs"))
_codecs["numcodecs.pcodec"] = "zarr.codecs.numcodecs.pcodec"
zarr.config.set({"codecs": _codecs})


def digest(a):
    a = np.asarray(a)
    if a.dtype.kind in "Mm":
        a = a.view("<i8") if a.dtype.byteorder != ">" else a.view(">i8")
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
    return hashlib.sha256(a.tobytes()).hexdigest()


def read(root, names):
    out = {}
    for name in names:
        try:
            arr = zarr.open_array(os.path.join(root, name), mode="r")
            out[name] = {"zarr": digest(arr[...]), "dtype": str(arr.dtype)}
        except Exception as e:  # reported; the Java side asserts
            out[name] = {"zarr": "error: %s: %s" % (type(e).__name__, e)}
        try:  # the same array through zarrs (Rust), strict: no fallback to zarr-python's own codecs
            with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
                out[name]["zarrs"] = digest(zarr.open_array(os.path.join(root, name), mode="r")[...])
        except Exception as e:
            out[name]["zarrs"] = "error: %s: %s" % (type(e).__name__, e)
    return out


def write(root):
    out = {}
    n = np.arange(600)
    cases = {
        "zp_v2_delta_bz2": (dict(zarr_format=2, dtype="<i4", filters=[numcodecs.Delta(dtype="<i4")],
                                 compressors=numcodecs.BZ2(level=5)), (n * 37 % 1001).astype("<i4").reshape(20, 30)),
        "zp_v2_fso_lzma": (dict(zarr_format=2, dtype="<f8",
                                filters=[numcodecs.FixedScaleOffset(offset=1000, scale=100, dtype="<f8", astype="<i4")],
                                compressors=numcodecs.LZMA(preset=1)), (1000 + n / 7.0).reshape(20, 30)),
        "zp_v2_quantize_crc32": (dict(zarr_format=2, dtype="<f4", filters=[numcodecs.Quantize(digits=2, dtype="<f4")],
                                      compressors=numcodecs.CRC32()), (n / 3.0).astype("<f4").reshape(20, 30)),
        "zp_v2_packbits_adler32": (dict(zarr_format=2, dtype="|b1", filters=[numcodecs.PackBits()],
                                        compressors=numcodecs.Adler32()), (n % 3 == 0).reshape(20, 30)),
        "zp_v2_astype": (dict(zarr_format=2, dtype="<f8", filters=[numcodecs.AsType(encode_dtype="<f4", decode_dtype="<f8")],
                              compressors=None), (n / 4.0).reshape(20, 30)),
        "zp_v2_datetime_ns": (dict(zarr_format=2, dtype="<M8[ns]", compressors=None),
                              (np.datetime64("2005-02-03T04:05:06", "ns") + n.astype("m8[s]")).reshape(20, 30)),
        "zp_v3_timedelta_10ms": (dict(zarr_format=3, dtype="m8[10ms]", compressors=None),
                                 (n * 3).astype("m8[10ms]").reshape(20, 30)),
        "zp_v3_datetime_D": (dict(zarr_format=3, dtype="M8[D]", compressors=None),
                             (np.datetime64("2000-01-01") + n.astype("m8[D]")).reshape(20, 30)),
        "zp_v3_utf32": (dict(zarr_format=3, dtype="<U6", compressors=None),
                        np.array(["x%d" % i if i % 5 else "\U0001F389%d" % (i % 10) for i in n], dtype="<U6").reshape(20, 30)),
        "zp_v2_utf32_be": (dict(zarr_format=2, dtype=">U3", compressors=None),
                           np.array(["b\u00e9%d" % (i % 10) for i in n], dtype=">U3").reshape(20, 30)),
        "zp_v3_numcodecs": (dict(zarr_format=3, dtype="<u2",
                                 filters=[zarr.codecs.numcodecs.Delta(dtype="<u2")],
                                 compressors=[zarr.codecs.numcodecs.BZ2(level=3), zarr.codecs.numcodecs.Fletcher32()]),
                            (n * 11 % 65536).astype("<u2").reshape(20, 30)),
        "zp_v2_pcodec": (dict(zarr_format=2, dtype="<i8", compressors=numcodecs.PCodec(level=5)),
                         (n * n - 300 * n).astype("<i8").reshape(20, 30)),
        "zp_v2_pcodec_f4": (dict(zarr_format=2, dtype="<f4", compressors=numcodecs.PCodec(level=8, delta_spec="none")),
                            (np.sin(n / 10.0) * 100).astype("<f4").reshape(20, 30)),
        "zp_v2_zfpy": (dict(zarr_format=2, dtype="<f8", compressors=numcodecs.ZFPY()), (1000 + n / 7.0).reshape(20, 30)),
        "zp_v2_zfpy_i4": (dict(zarr_format=2, dtype="<i4", compressors=numcodecs.ZFPY(mode=4, tolerance=-1)),
                          (n * 37 % 1001).astype("<i4").reshape(20, 30)),
        # (zarr-python 3.1.3 cannot write v3 arrays with numcodecs.pcodec or numcodecs.zfpy: it hands their
        # encoders non-contiguous chunks, which they refuse; it reads them, see the read test)
    }
    for name, (kw, data) in cases.items():
        arr = zarr.create_array(os.path.join(root, name), shape=data.shape, chunks=(8, 16), **kw)
        arr[...] = data
        again = zarr.open_array(os.path.join(root, name), mode="r")[...]
        out[name] = {"sha256": digest(again), "dtype": str(data.dtype), "shape": list(data.shape)}
    return out


def main():
    if sys.argv[1] == "read":
        json.dump(read(sys.argv[2], sys.argv[3:]), sys.stdout)
    else:
        json.dump(write(sys.argv[2]), sys.stdout)


if __name__ == "__main__":
    main()
