"""Writes an OME-TIFF (two images, the first a SubIFD pyramid) and an ImageJ hyperstack with tifffile, and
what tifffile reads from them: per image the pixels in t, c, z, y, x order (only the axes the file has, for
ImageJ) and the metadata as tifffile parses it.

usage: tiff_metadata.py OUTDIR
"""
import json
import os
import sys

import numpy as np
import tifffile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
entries = []


def dump(name, arr):
    arr = np.ascontiguousarray(arr)
    arr.astype(arr.dtype.newbyteorder("<")).tofile(os.path.join(out, name))
    return name


# OME-TIFF: image 0 is TCZYX uint16 with two SubIFD levels; image 1 is an RGB (interleaved) uint8 image
img0 = rng.integers(0, 60000, size=(2, 3, 4, 64, 48), dtype=np.uint16)
img1 = rng.integers(0, 255, size=(40, 30, 3), dtype=np.uint8)
path = os.path.join(out, "multi.ome.tif")
with tifffile.TiffWriter(path, bigtiff=True, ome=True) as tw:
    tw.write(img0, tile=(32, 32), compression="zlib", predictor=True, subifds=2,
             metadata={"axes": "TCZYX", "Name": "first", "PhysicalSizeX": 0.25, "PhysicalSizeXUnit": "µm",
                       "PhysicalSizeY": 0.5, "PhysicalSizeYUnit": "µm", "PhysicalSizeZ": 2.0,
                       "PhysicalSizeZUnit": "nm", "TimeIncrement": 1.5, "TimeIncrementUnit": "ms",
                       "Channel": {"Name": ["DAPI", "GFP", "RFP"], "Color": [-16776961, 16711935, 65535]}})
    for f in (2, 4):
        lv = img0[..., ::f, ::f]
        tw.write(lv.reshape(-1, *lv.shape[-2:]), tile=(16, 16), compression="zlib", predictor=True, subfiletype=1)
    tw.write(img1, photometric="rgb", compression="lzw", metadata={"axes": "YXS", "Name": "rgb",
                                                                   "PhysicalSizeX": 3.0, "PhysicalSizeY": 3.0})
with tifffile.TiffFile(path) as tf:
    ome = tifffile.xml2dict(tf.ome_metadata)["OME"]["Image"]
    for i, s in enumerate(tf.series):
        px = ome[i]["Pixels"]
        a = s.asarray()
        if s.axes == "YXS":
            a = np.moveaxis(a, -1, 0)[np.newaxis, :, np.newaxis]  # t, c, z, y, x
        levels = [dump(f"multi.{i}.0.bin", a)]
        for k in range(1, len(s.levels)):
            levels.append(dump(f"multi.{i}.{k}.bin", s.levels[k].asarray()))
        ch = px.get("Channel", [])
        ch = ch if isinstance(ch, list) else [ch]
        entries.append({"file": "multi.ome.tif", "image": i, "name": ome[i].get("Name"), "axes": "tczyx",
                        "shape": list(a.shape), "levels": levels,
                        "scale": [px.get("TimeIncrement", 1.0), 1.0, px.get("PhysicalSizeZ", 1.0),
                                  px.get("PhysicalSizeY", 1.0), px.get("PhysicalSizeX", 1.0)],
                        "units": [px.get("TimeIncrementUnit", "s"), None, px.get("PhysicalSizeZUnit", "µm"),
                                  px.get("PhysicalSizeYUnit", "µm"), px.get("PhysicalSizeXUnit", "µm")],
                        "channels": [c.get("Name") for c in ch],
                        "colors": [c.get("Color") for c in ch]})

# ImageJ hyperstack: TZCYX float32, 0.2 um pixels, z spacing 1.5, frame interval 0.75 s
ij = rng.standard_normal((2, 3, 2, 20, 24)).astype(np.float32)
path = os.path.join(out, "hyper.tif")
tifffile.imwrite(path, ij, imagej=True, resolution=(1 / 0.2, 1 / 0.2),
                 metadata={"axes": "TZCYX", "spacing": 1.5, "unit": "um", "finterval": 0.75})
with tifffile.TiffFile(path) as tf:
    s = tf.series[0]
    a = s.asarray()
    md = tf.imagej_metadata
    order = [s.axes.index(ax) for ax in "TCZYX"]
    entries.append({"file": "hyper.tif", "image": 0, "name": None, "axes": "tczyx",
                    "shape": list(np.transpose(a, order).shape),
                    "levels": [dump("hyper.0.0.bin", np.transpose(a, order))],
                    "scale": [md["finterval"], 1.0, md["spacing"], 1 / tf.pages[0].tags["YResolution"].value[0]
                              * tf.pages[0].tags["YResolution"].value[1],
                              1 / tf.pages[0].tags["XResolution"].value[0] * tf.pages[0].tags["XResolution"].value[1]],
                    "units": ["second", None, md["unit"], md["unit"], md["unit"]],
                    "channels": [], "colors": []})

# a page pyramid (reduced pages after the main one, as slide scanners write) with a label image that is no level
slide = rng.integers(0, 255, size=(96, 128, 3), dtype=np.uint8)
path = os.path.join(out, "pages.tif")
with tifffile.TiffWriter(path) as tw:
    tw.write(slide, tile=(32, 32), photometric="rgb", compression="zlib", metadata=None)
    tw.write(slide[::2, ::2], tile=(16, 16), photometric="rgb", compression="zlib", subfiletype=1, metadata=None)
    tw.write(slide[::4, ::4], tile=(16, 16), photometric="rgb", compression="zlib", subfiletype=1, metadata=None)
    tw.write(slide[:10, :60], photometric="rgb", subfiletype=1, metadata=None)  # "label": another aspect ratio
with tifffile.TiffFile(path) as tf:
    levels = [dump(f"pages.0.{k}.bin", np.moveaxis(tf.pages[k].asarray(), -1, 0)) for k in range(3)]
pyramids = [{"file": "pages.tif", "levels": levels}]

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(entries, f, indent=1)
with open(os.path.join(out, "pyramids.json"), "w") as f:
    json.dump(pyramids, f, indent=1)
print(len(entries), "images")
