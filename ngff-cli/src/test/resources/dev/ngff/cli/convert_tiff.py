"""Writes the OME-TIFFs that ConvertTiffTest converts, and what tifffile reads from them.

usage: convert_tiff.py OUTDIR
one.ome.tif: a TCZYX uint16 image with one SubIFD level, physical sizes and channel names; two.ome.tif: two
images (uint8 and float32). Each level read by tifffile goes to NAME.IMAGE.LEVEL.bin (little-endian, C order,
t, c, z, y, x). Prints nothing but a line of JSON: the shapes.
"""
import json
import os
import sys

import numpy as np
import tifffile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)
shapes = {}


def dump(name, a):
    a = np.ascontiguousarray(a)
    a.astype(a.dtype.newbyteorder("<")).tofile(os.path.join(out, name))
    shapes[name] = list(a.shape)


one = rng.integers(0, 65535, size=(1, 2, 3, 40, 50), dtype=np.uint16)
with tifffile.TiffWriter(os.path.join(out, "one.ome.tif"), ome=True) as tw:
    tw.write(one, tile=(16, 16), compression="zlib", predictor=True, subifds=1,
             metadata={"axes": "TCZYX", "Name": "one", "PhysicalSizeX": 0.3, "PhysicalSizeY": 0.3,
                       "PhysicalSizeZ": 1.2, "Channel": {"Name": ["A", "B"]}})
    lv = one[..., ::2, ::2]
    tw.write(lv.reshape(-1, *lv.shape[-2:]), tile=(16, 16), compression="zlib", predictor=True, subfiletype=1)
with tifffile.TiffFile(os.path.join(out, "one.ome.tif")) as tf:
    s = tf.series[0]
    dump("one.0.0.bin", s.levels[0].asarray())
    dump("one.0.1.bin", s.levels[1].asarray())

img0 = rng.integers(0, 255, size=(1, 1, 2, 30, 20), dtype=np.uint8)
img1 = rng.standard_normal((1, 3, 1, 25, 35)).astype(np.float32)
with tifffile.TiffWriter(os.path.join(out, "two.ome.tif"), ome=True) as tw:
    tw.write(img0, compression="lzw", metadata={"axes": "TCZYX", "Name": "bytes"})
    tw.write(img1, compression="zstd", metadata={"axes": "TCZYX", "Name": "floats"})
with tifffile.TiffFile(os.path.join(out, "two.ome.tif")) as tf:
    dump("two.0.0.bin", tf.series[0].asarray().reshape(img0.shape))
    dump("two.1.0.bin", tf.series[1].asarray().reshape(img1.shape))
print(json.dumps(shapes))
