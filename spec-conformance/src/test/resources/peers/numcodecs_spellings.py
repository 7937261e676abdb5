"""zarr-python writes arrays whose numcodecs configurations use every spelling of each field it can emit.

Usage: numcodecs_spellings.py ROOT [--pcodec]
  Writes one array per case under ROOT (zarr-python's own write, through zarr.codecs.numcodecs, zarr.codecs
  and numcodecs). Some cases then rewrite the configuration in zarr.json / .zarray to the spelling an older
  zarr-python or numcodecs wrote (e.g. numcodecs 0.12's pcodec fields, the numcodecs id inside the
  configuration); the chunks stay zarr-python's. For each case it stores what zarr-python reads back from its
  own write as NAME.bin (C order, little-endian) and prints {NAME: {"codecs": [...the configuration as
  stored...], "dtype": "<f8", "shape": [...]}} or {NAME: {"error": "..."}} when zarr-python refused the case.
"""
import json
import os
import sys
import warnings

import numcodecs
import numpy as np
import zarr
import zarr.codecs
from zarr.codecs import numcodecs as znc

warnings.simplefilter("ignore")

ROOT = sys.argv[1]
SHAPE = (40, 30)
CHUNKS = (16, 16)


def data(dtype, seed, shape):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dt.kind == "f":
        return (1000 + rng.normal(0, 50, shape)).astype(dt)
    info = np.iinfo(dt)
    return rng.integers(max(info.min, 0), min(info.max, 200), size=shape, endpoint=True).astype(dt)


def rewrite(path, fn):
    """Rewrites the stored codec configurations with fn(metadata) (an older writer's spelling)."""
    for doc in ("zarr.json", ".zarray"):
        p = os.path.join(path, doc)
        if os.path.exists(p):
            with open(p) as f:
                meta = json.load(f)
            fn(meta)
            with open(p, "w") as f:
                json.dump(meta, f, indent=2)


def stored_codecs(path):
    p = os.path.join(path, "zarr.json")
    if os.path.exists(p):
        return json.load(open(p))["codecs"]
    meta = json.load(open(os.path.join(path, ".zarray")))
    return {"filters": meta.get("filters"), "compressor": meta.get("compressor")}


CASES = []


def case(name, dtype, patch=None, **kw):
    CASES.append((name, dtype, patch, kw))


# filters that take a dtype: NumPy dtype strings, Zarr v3 / NumPy names, one-letter codes, aliases
for i, sp in enumerate(["int32", "<i4", "i4", "=i4", "i", "intc"]):
    case(f"delta_i4_{i}", "int32", filters=[znc.Delta(dtype=sp)])
for i, (sp, ast) in enumerate([("int32", "int16"), ("<i4", "<i2"), ("i4", "h"), ("int32", "i2")]):
    case(f"delta_astype_{i}", "int32", filters=[znc.Delta(dtype=sp, astype=ast)])
for i, sp in enumerate(["uint8", "|u1", "u1", "B", "ubyte"]):
    case(f"delta_u1_{i}", "uint8", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["uint16", "<u2", "u2", "H"]):
    case(f"delta_u2_{i}", "uint16", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["int64", "<i8", "i8", "q", "int64"]):
    case(f"delta_i8_{i}", "int64", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["float64", "<f8", "f8", "d", "double", "float"]):
    case(f"delta_f8_{i}", "float64", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["float32", "<f4", "f4", "f", "single"]):
    case(f"delta_f4_{i}", "float32", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["float16", "<f2", "e", "half"]):
    case(f"delta_f2_{i}", "float16", filters=[znc.Delta(dtype=sp)])
for i, sp in enumerate(["bool", "|b1", "?"]):
    case(f"delta_bool_{i}", "bool", filters=[znc.Delta(dtype=sp)])
for i, (sp, ast) in enumerate([("float64", "uint8"), ("<f8", "|u1"), ("f8", "u1"), ("d", "B"), (None, "u1"),
                                ("float64", "int16"), ("float32", "<i4")]):
    kw = {"offset": 1000, "scale": 2, "astype": ast}
    if sp is not None:
        kw["dtype"] = sp
    case(f"fso_{i}", "float32" if sp == "float32" else "float64", filters=[znc.FixedScaleOffset(**kw)])
# (zarr-python 3.1.3 cannot write a quantize whose astype differs from its dtype: it does not resolve the new type)
for i, (sp, ast) in enumerate([("float64", None), ("<f8", "float64"), ("f8", "d"), (None, None), ("float32", "f4"),
                                ("f4", "single")]):
    kw = {"digits": 2}
    if sp is not None:
        kw["dtype"] = sp
    if ast is not None:
        kw["astype"] = ast
    case(f"quantize_{i}", "float32" if sp in ("float32", "f4") else "float64", filters=[znc.Quantize(**kw)])
for i, (enc, dec) in enumerate([("float32", "float64"), ("<f4", "<f8"), ("f4", "d"), ("f4", None), ("int16", "int32")]):
    kw = {"encode_dtype": enc}
    if dec is not None:
        kw["decode_dtype"] = dec
    case(f"astype_{i}", "int32" if enc == "int16" else "float64", filters=[znc.AsType(**kw)])
for keep in (0, 5, 10, 23):
    case(f"bitround_{keep}", "float32", filters=[znc.BitRound(keepbits=keep)])
case("packbits", "bool", filters=[znc.PackBits()])

# blosc: numcodecs' integer shuffle (with and without numcodecs 0.16's typesize), the v3 codec's names
for cname in ("lz4", "lz4hc", "blosclz", "zstd", "zlib"):
    for sh in (-1, 0, 1, 2):
        case(f"nblosc_{cname}_{sh + 1}", "uint16", compressors=[znc.Blosc(cname=cname, clevel=5, shuffle=sh)])
case("nblosc_typesize", "uint16", compressors=[znc.Blosc(cname="zstd", clevel=3, shuffle=1, typesize=2)])
case("nblosc_blocksize", "uint16", compressors=[znc.Blosc(cname="lz4", clevel=5, shuffle=2, blocksize=256)])
case("nblosc_defaults", "uint16", compressors=[znc.Blosc()])
case("nblosc_blocksize0", "uint16", compressors=[znc.Blosc(cname="zstd", blocksize=0)])
for i, sh in enumerate(["noshuffle", "shuffle", "bitshuffle"]):
    case(f"blosc_v3_{i}", "uint16", compressors=[zarr.codecs.BloscCodec(cname="zstd", clevel=5, shuffle=sh)])
case("blosc_v3_auto", "uint8", compressors=[zarr.codecs.BloscCodec(cname="lz4")])


def shuffle_as_string(meta):
    for c in meta["codecs"]:
        if c["name"] == "numcodecs.blosc":
            c["configuration"]["shuffle"] = str(c["configuration"]["shuffle"])


def shuffle_by_name(name):
    def fn(meta):
        for c in meta["codecs"]:
            if c["name"] == "numcodecs.blosc":
                c["configuration"]["shuffle"] = name
                c["configuration"]["typesize"] = 2
    return fn


def with_id(meta):  # a numcodecs configuration that keeps its id, as written by numcodecs' own get_config()
    for c in meta["codecs"]:
        if c["name"].startswith("numcodecs."):
            c["configuration"]["id"] = c["name"][len("numcodecs."):]


case("nblosc_shuffle_string", "uint16", shuffle_as_string, compressors=[znc.Blosc(cname="zstd", shuffle=2)])
case("nblosc_shuffle_name", "uint16", shuffle_by_name("bitshuffle"), compressors=[znc.Blosc(cname="zstd", shuffle=2)])
case("nblosc_autoshuffle", "uint16", shuffle_by_name("autoshuffle"), compressors=[znc.Blosc(cname="zstd", shuffle=-1)])
case("nblosc_id", "uint16", with_id, compressors=[znc.Blosc(cname="lz4", shuffle=1)])
case("delta_id", "int32", with_id, filters=[znc.Delta(dtype="int32")])

# the other compressors and checksums, each with its fields present, absent and at their ends
for i, kw in enumerate([{}, {"level": 3}, {"level": -5}, {"level": 19, "checksum": True}, {"level": 1, "checksum": False},
                        {"checksum": 1}]):
    case(f"nzstd_{i}", "int32", compressors=[znc.Zstd(**kw)])
case("zstd_v3", "int32", compressors=[zarr.codecs.ZstdCodec(level=5, checksum=True)])
for i, kw in enumerate([{}, {"acceleration": 1}, {"acceleration": 10}]):
    case(f"lz4_{i}", "int32", compressors=[znc.LZ4(**kw)])
for codec in ("GZip", "Zlib"):
    for i, kw in enumerate([{}, {"level": 0}, {"level": 1}, {"level": 9}, {"level": -1}]):
        case(f"{codec.lower()}_{i}", "int32", compressors=[getattr(znc, codec)(**kw)])
case("gzip_v3", "int32", compressors=[zarr.codecs.GzipCodec(level=9)])
for i, kw in enumerate([{}, {"level": 9}]):
    case(f"bz2_{i}", "int32", compressors=[znc.BZ2(**kw)])
for i, kw in enumerate([{}, {"preset": 0}, {"preset": 9}, {"format": 1, "check": 0}, {"format": 2, "preset": 1}]):
    case(f"lzma_{i}", "int32", compressors=[znc.LZMA(**kw)])
for i, kw in enumerate([{}, {"elementsize": 2}, {"elementsize": 8}]):
    case(f"shuffle_{i}", "uint16", compressors=[znc.Shuffle(**kw)])
for name in ("CRC32", "CRC32C", "Adler32", "Fletcher32"):
    case(name.lower(), "int32", compressors=[getattr(znc, name)()])
case("crc32_start", "int32", compressors=[znc.CRC32(location="start")])
case("crc32_end", "int32", compressors=[znc.CRC32(location="end")])

# Zarr v2 as zarr-python writes it (numcodecs' get_config: NumPy dtype strings)
case("v2_delta", "int32", zarr_format=2, filters=[numcodecs.Delta(dtype="int32", astype="int16")])
case("v2_fso", "float64", zarr_format=2, filters=[numcodecs.FixedScaleOffset(offset=1000, scale=2, dtype="f8", astype="u1")])
case("v2_quantize", "float64", zarr_format=2, filters=[numcodecs.Quantize(digits=2, dtype="float64")])
case("v2_astype", "float64", zarr_format=2, filters=[numcodecs.AsType(encode_dtype="float32", decode_dtype="float64")])
case("v2_blosc", "uint16", zarr_format=2, compressors=numcodecs.Blosc(cname="zstd", shuffle=-1))
case("v2_zstd", "int32", zarr_format=2, compressors=numcodecs.Zstd(level=5, checksum=True))
case("v2_lz4", "int32", zarr_format=2, compressors=numcodecs.LZ4(acceleration=3))


def legacy_pcodec(meta):  # numcodecs 0.12's PCodec.get_config()
    for c in meta["codecs"]:
        if c["name"] == "numcodecs.pcodec":
            c["configuration"] = {"level": 8, "delta_encoding_order": None, "int_mult_spec": "enabled",
                                  "float_mult_spec": "enabled", "max_page_n": 262144}


# one-dimensional: zarr-python 3.1.3 hands pcodec 0.3 chunks it refuses ("contiguous memory is required") otherwise;
# and it cannot open its own numcodecs.pcodec arrays ("Unknown codec"), so the expected values are the (lossless) input
if "--pcodec" in sys.argv[2:]:
    case("pcodec_0", "int32", shape=(1000,), chunks=(300,), readback=False, serializer=znc.PCodec())
    case("pcodec_1", "float64", shape=(1000,), chunks=(300,), readback=False, serializer=znc.PCodec(level=3, mode_spec="classic", delta_spec="none"))
    case("pcodec_legacy", "int32", legacy_pcodec, shape=(1000,), chunks=(300,), readback=False, serializer=znc.PCodec())

report = {}
for seed, (name, dtype, patch, kw) in enumerate(CASES):
    path = os.path.join(ROOT, name)
    shape = kw.pop("shape", SHAPE)
    chunks = kw.pop("chunks", CHUNKS)
    readback = kw.pop("readback", True)
    try:
        a = zarr.create_array(path, shape=shape, chunks=chunks, dtype=dtype, fill_value=0, **kw)
        values = data(dtype, seed, shape)
        a[:] = values
        back = zarr.open_array(path, mode="r")[:] if readback else values
        np.ascontiguousarray(back).astype(back.dtype.newbyteorder("<")).tofile(os.path.join(path + ".bin"))
        if patch is not None:
            rewrite(path, patch)
        report[name] = {"codecs": stored_codecs(path), "dtype": back.dtype.newbyteorder("<").str, "shape": list(shape)}
    except Exception as e:  # noqa: BLE001 - reported to the Java side, which fails on it
        report[name] = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps(report))
