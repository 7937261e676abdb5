"""zarrs (through its zarr-python codec pipeline) reading and writing the zarr-extensions and zarrs codecs
that zarr-python itself does not know: reshape, zarrs.squeeze, packbits. (zarrs-python 0.2 hands
variable-length arrays back to zarr-python, so zarrs.vlen and vlen-array cannot be checked this way; the
strict setting makes such a fallback an error instead of a silent Python decode.)

zarr-python must parse the metadata before the zarrs pipeline sees it, so each name is registered as a
thin class that only carries its configuration; every chunk is encoded and decoded by zarrs (Rust).

  read DIR NAME...   prints {name: {"sha256": ..., "dtype": ...}} for each array
  write DIR          writes the arrays of CASES and prints {name: {"sha256": ...}}
"""
import hashlib
import json
import sys

import numpy as np
import zarr
from zarr.abc.codec import ArrayArrayCodec, ArrayBytesCodec
from zarr.registry import register_codec

zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.validate_checksums": True,
                 "codec_pipeline.strict": True})


def carrier(base, name):
    """A codec class zarr-python can parse and write back; it never codes a chunk itself."""

    class Carrier(base):
        is_fixed_size = True

        def __init__(self, configuration=None):
            object.__setattr__(self, "configuration", dict(configuration or {}))

        @classmethod
        def from_dict(cls, data):
            return cls(data.get("configuration"))

        def to_dict(self):
            d = {"name": name}
            if self.configuration:
                d["configuration"] = self.configuration
            return d

        def evolve_from_array_spec(self, array_spec):
            return self

        def resolve_metadata(self, chunk_spec):
            return chunk_spec

        def validate(self, **kwargs):
            pass

        def compute_encoded_size(self, input_byte_length, chunk_spec):
            return input_byte_length

        async def _decode_single(self, *args):
            raise RuntimeError(name + " is decoded by the zarrs pipeline only")

        async def _encode_single(self, *args):
            raise RuntimeError(name + " is encoded by the zarrs pipeline only")

    Carrier.__name__ = Carrier.__qualname__ = "Carrier_" + name.replace(".", "_").replace("-", "_")
    return Carrier


for n in ("reshape", "zarrs.squeeze"):
    register_codec(n, carrier(ArrayArrayCodec, n))
register_codec("packbits", carrier(ArrayBytesCodec, "packbits"))


def digest(a):
    """SHA-256 of the elements' little-endian bytes in C order (bool: one byte each)."""
    return hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest()


def values(dtype, shape):
    n = int(np.prod(shape))
    i = np.arange(n)
    if dtype == "bool":
        v = i % 3 == 0
    elif np.dtype(dtype).kind == "f":
        v = (i / 3.0).astype(dtype)
    else:
        v = ((i * 37) % 1001 - (500 if np.dtype(dtype).kind == "i" else 0)).astype(dtype)
    return v.reshape(shape)


CASES = {
    "zs_reshape_u16": ("uint16", (6, 10, 12), [{"name": "reshape", "configuration": {"shape": [[0, 1], -1]}}, {"name": "bytes"}]),
    "zs_squeeze_f32": ("float32", (1, 10, 12), [{"name": "zarrs.squeeze"}, {"name": "bytes"}]),
    "zs_packbits_bool": ("bool", (10, 12), [{"name": "packbits", "configuration": {"padding_encoding": "first_byte"}}]),
    "zs_packbits_i32": ("int32", (10, 12), [{"name": "packbits"}]),
    "zs_packbits_u16_bits": ("uint16", (10, 12), [{"name": "packbits", "configuration": {"padding_encoding": "last_byte",
                                                                                          "first_bit": 0, "last_bit": 9}}]),
}


def main():
    mode, root = sys.argv[1], sys.argv[2]
    out = {}
    if mode == "read":
        for name in sys.argv[3:]:
            a = zarr.open_array(root + "/" + name, mode="r")
            out[name] = {"sha256": digest(a[...]), "dtype": str(a.dtype)}
    else:
        for name, (dtype, shape, codecs) in CASES.items():
            chunks = tuple(max(1, s // 2) if k else s for k, s in enumerate(shape)) if len(shape) == 3 else (4, 5)
            a = zarr.create(store=root + "/" + name, shape=shape, chunks=chunks, dtype=dtype, codecs=codecs,
                            fill_value=0, zarr_format=3)
            v = values(dtype, shape)
            a[...] = v
            back = a[...]
            out[name] = {"sha256": digest(back), "dtype": str(a.dtype)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
