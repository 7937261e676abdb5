"""OME-Zarr peers for ngff-engine: ome-zarr-models validates, ome-zarr-py reads and writes.

Usage:
  ome_peers.py models ROOT VERSION KIND [SUBPATH]
      Validates the group ROOT/SUBPATH with ome-zarr-models (VERSION 0.4 or 0.5; KIND image, label, labels,
      plate or well). Prints {"ok": true, "class": ...} or {"ok": false, "error": ...}.
  ome_peers.py read ROOT
      Reads the image at ROOT with ome-zarr-py. Prints the first node's levels (shape, sha256 of the
      C-order little-endian elements), axes, coordinate transformations, channel names and colours, and
      the names of the label images it found.
  ome_peers.py write ROOT VERSION
      Writes a 3-level uint16 image (axes c, y, x; arange values) with two channels and a label image with
      ome-zarr-py, gzip-compressed. Prints the level-0 digest it wrote.
"""
import hashlib
import json
import sys

import numpy as np
import zarr


def digest(a):
    a = np.asarray(a)
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
    return hashlib.sha256(a.tobytes()).hexdigest()


def models(root, version, kind, sub=""):
    if version == "0.4":
        import ome_zarr_models.v04 as m
    else:
        import ome_zarr_models.v05 as m
    cls = {"image": m.Image, "label": m.ImageLabel, "labels": m.Labels, "plate": m.HCS, "well": m.Well}[kind]
    try:
        group = zarr.open_group(root + ("/" + sub if sub else ""), mode="r")
        obj = cls.from_zarr(group)
        out = {"ok": True, "class": type(obj).__name__}
        if kind == "image":
            ms = obj.attributes.multiscales if version == "0.4" else obj.ome_attributes.multiscales
            out["datasets"] = [d.path for d in ms[0].datasets]
            out["axes"] = [a.name for a in ms[0].axes]
        return out
    except Exception as e:  # report, the Java side asserts
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def read(root):
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    nodes = list(Reader(parse_url(root))())
    image = nodes[0]
    out = {
        "levels": [{"shape": list(d.shape), "sha256": digest(np.asarray(d))} for d in image.data],
        "axes": [a["name"] if isinstance(a, dict) else a for a in image.metadata.get("axes", [])],
        "units": [a.get("unit") if isinstance(a, dict) else None for a in image.metadata.get("axes", [])],
        "transforms": image.metadata.get("coordinateTransformations"),
        "channel_names": image.metadata.get("channel_names"),
        "colors": image.metadata.get("color"),
        "labels": [],
    }
    for n in nodes[1:]:
        if n.metadata.get("name") is not None and any(sp.__class__.__name__ == "Label" for sp in n.specs):
            out["labels"].append({"name": n.metadata.get("name"), "levels": [list(d.shape) for d in n.data]})
    return out


def write(root, version):
    from ome_zarr.format import FormatV04, FormatV05
    from ome_zarr.writer import write_image, write_labels

    fmt = FormatV04() if version == "0.4" else FormatV05()
    # gzip rather than ome-zarr-py's default blosc, so the check does not depend on a blosc codec here
    if version == "0.4":
        import numcodecs
        codec = {"compressor": numcodecs.GZip(level=5)}
    else:
        codec = {"compressors": [zarr.codecs.GzipCodec(level=5)]}
    data = np.arange(2 * 64 * 48, dtype=np.uint16).reshape(2, 64, 48)
    group = zarr.open_group(root, mode="w", zarr_format=fmt.zarr_format)
    write_image(data, group, scale_factors=(2, 4), fmt=fmt, axes="cyx",
                scale={"y": 0.5, "x": 0.25}, axes_units={"y": "micrometer", "x": "micrometer"},
                storage_options=dict(chunks=(1, 32, 32), **codec),
                omero={"channels": [{"label": "red", "color": "FF0000", "active": True,
                                     "window": {"min": 0, "max": 65535, "start": 0, "end": 6000}},
                                    {"label": "green", "color": "00FF00", "active": True,
                                     "window": {"min": 0, "max": 65535, "start": 0, "end": 6000}}]})
    labels = (np.arange(64 * 48, dtype=np.uint32).reshape(1, 64, 48) % 7)
    write_labels(labels, group, name="blobs", fmt=fmt, axes="cyx", scale_factors=(2,), storage_options=dict(codec))
    return {"level0": digest(data), "label0": digest(labels)}


def main():
    cmd = sys.argv[1]
    if cmd == "models":
        res = models(*sys.argv[2:])
    elif cmd == "read":
        res = read(sys.argv[2])
    elif cmd == "write":
        res = write(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit("unknown command " + cmd)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
