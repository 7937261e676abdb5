"""Peers that judge what `ngff convert` writes (ngff-engine tests; run with the peers' venv).

Usage:
  convert_peers.py models ROOT VERSION KIND [SUBPATH]
      ome-zarr-models validates the group ROOT/SUBPATH as KIND (image, label, labels, plate, well, bf2raw) of
      VERSION (0.4 or 0.5; its provisional 0.6 models describe an older draft than the 0.6rc0 we write).
      Prints {"ok": true, "class": ...} or {"ok": false, "error": ...}.
  convert_peers.py write ROOT
      ome-zarr-py writes an OME-Zarr 0.4 image (uint16, axes c, y, x, 5 levels, omero with two channels) with a
      label image 'blobs' of 5 levels (write_labels makes 5 whatever it is given), gzip-compressed. Prints the sha256 of each level it wrote.
  convert_peers.py omezarr ROOT
      ome-zarr-py reads the image at ROOT: per level the shape and the sha256 of the C-order little-endian
      elements, the axes, each level's coordinate transformations, channel names, and the label images found.
  convert_peers.py ngffzarr ROOT
      ngff-zarr (from_ngff_zarr) reads the image at ROOT: per level shape, scale, translation and sha256,
      the axis names and the omero channel labels.
"""
import hashlib
import json
import sys
import warnings

import numpy as np
import zarr

warnings.simplefilter("ignore")


def digest(a):
    a = np.asarray(a)
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
    return hashlib.sha256(a.tobytes()).hexdigest()


def models(root, version, kind, sub=""):
    if version == "0.4":
        import ome_zarr_models.v04 as m
        import ome_zarr_models.v04.bioformats2raw as bf
    else:
        import ome_zarr_models.v05 as m
        import ome_zarr_models.v05.bioformats2raw as bf
    cls = {"image": m.Image, "label": m.ImageLabel, "labels": m.Labels, "plate": m.HCS, "well": m.Well,
           "bf2raw": bf.BioFormats2Raw}[kind]
    try:
        group = zarr.open_group(root + ("/" + sub if sub else ""), mode="r")
        obj = cls.from_zarr(group)
        return {"ok": True, "class": type(obj).__name__}
    except Exception as e:  # reported; the Java side asserts
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def write(root):
    import numcodecs
    from ome_zarr.format import FormatV04
    from ome_zarr.writer import write_image, write_labels

    fmt = FormatV04()
    codec = {"compressor": numcodecs.GZip(level=5)}  # not blosc, so nothing depends on a blosc build here
    data = (np.arange(2 * 64 * 48, dtype=np.uint32).reshape(2, 64, 48) * 7 % 4099).astype(np.uint16)
    group = zarr.open_group(root, mode="w", zarr_format=2)
    write_image(data, group, scale_factors=(2, 4, 8, 16), fmt=fmt, axes="cyx",
                scale={"y": 0.5, "x": 0.25}, axes_units={"y": "micrometer", "x": "micrometer"},
                storage_options=dict(chunks=(1, 32, 32), **codec),
                omero={"channels": [{"label": "red", "color": "FF0000", "active": True,
                                     "window": {"min": 0, "max": 4098, "start": 0, "end": 3000}},
                                    {"label": "green", "color": "00FF00", "active": True,
                                     "window": {"min": 0, "max": 4098, "start": 10, "end": 2000}}]})
    labels = (np.arange(2 * 64 * 48, dtype=np.uint32).reshape(2, 64, 48) // 97 % 5)
    write_labels(labels, group, name="blobs", fmt=fmt, axes="cyx", scale_factors=(2, 4, 8, 16),
                 storage_options=dict(chunks=(1, 32, 32), **codec),
                 label_metadata={"colors": [{"label-value": 1, "rgba": [255, 0, 0, 255]}],
                                 "properties": [{"label-value": 1, "class": "cell"}]})
    return {"levels": [digest(np.asarray(group["s%d" % k])) for k in range(5)],
            "labels": [digest(np.asarray(group["labels/blobs/s%d" % k])) for k in range(5)]}


def omezarr(root):
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    nodes = list(Reader(parse_url(root))())
    image = nodes[0]
    out = {
        "levels": [{"shape": list(d.shape), "sha256": digest(np.asarray(d))} for d in image.data],
        "axes": [a["name"] if isinstance(a, dict) else a for a in image.metadata.get("axes", [])],
        "transforms": image.metadata.get("coordinateTransformations"),
        "channel_names": image.metadata.get("channel_names"),
        "labels": [],
    }
    for n in nodes[1:]:
        if any(sp.__class__.__name__ == "Label" for sp in n.specs):
            out["labels"].append({"name": n.metadata.get("name"), "levels": [list(d.shape) for d in n.data]})
    return out


def ngffzarr(root):
    import ngff_zarr

    ms = ngff_zarr.from_ngff_zarr(root)
    omero = ms.metadata.omero
    return {
        "levels": [{"shape": list(im.data.shape), "scale": im.scale, "translation": im.translation,
                    "sha256": digest(np.asarray(im.data))} for im in ms.images],
        "axes": [a.name for a in ms.metadata.axes],
        "channels": [c.label for c in omero.channels] if omero is not None else None,
    }


def main():
    cmd = sys.argv[1]
    if cmd == "models":
        res = models(*sys.argv[2:])
    elif cmd == "write":
        res = write(sys.argv[2])
    elif cmd == "omezarr":
        res = omezarr(sys.argv[2])
    elif cmd == "ngffzarr":
        res = ngffzarr(sys.argv[2])
    else:
        raise SystemExit("unknown command " + cmd)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
