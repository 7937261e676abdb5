"""ngff-zarr's pyramid methods, for ngff-engine's comparison of its own levels.

Usage:
  ngff_zarr_levels.py IN DTYPE SHAPE METHOD LEVELS OUTDIR
      IN: C-order little-endian elements of a z, y, x image of DTYPE (NumPy name) and SHAPE (z,y,x);
      METHOD: dask_image_gaussian or dask_image_mode. Runs ngff_zarr.to_multiscales with factor 2 on every
      axis for LEVELS levels beyond 0 and writes OUTDIR/level_K.bin (little-endian, C order). Prints JSON:
      per level its shape, scale and translation; for the gaussian also whether level 1 equals the
      convention docs/pyramids.md ascribes to ngff-zarr (scipy.ndimage.gaussian_filter with
      sigma = sqrt((f^2 - 1) / (8 ln 2)), mode "nearest", truncate 4, output in the input type, then every
      f-th element from 0).
"""
import json
import math
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def main():
    src, dtype, shape, method, levels, out = sys.argv[1:7]
    import ngff_zarr as nz
    import scipy.ndimage as ndi

    shape = tuple(int(s) for s in shape.split(","))
    a = np.fromfile(src, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape).astype(dtype)
    image = nz.to_ngff_image(a, dims=["z", "y", "x"], scale={"z": 1.0, "y": 1.0, "x": 1.0})
    factors = [2 ** (k + 1) for k in range(int(levels))]
    methods = {"dask_image_gaussian": nz.Methods.DASK_IMAGE_GAUSSIAN, "dask_image_mode": nz.Methods.DASK_IMAGE_MODE}
    ms = nz.to_multiscales(image, scale_factors=factors, method=methods[method], chunks=64)
    from ngff_zarr.__about__ import __version__
    result = {"ngff_zarr": __version__, "levels": []}
    for k, img in enumerate(ms.images):
        data = np.asarray(img.data)
        np.ascontiguousarray(data.astype(data.dtype.newbyteorder("<"))).tofile(f"{out}/level_{k}.bin")
        result["levels"].append({"shape": list(data.shape), "dtype": str(data.dtype),
                                 "scale": [img.scale[d] for d in "zyx"],
                                 "translation": [img.translation[d] for d in "zyx"]})
    if method == "dask_image_gaussian":
        sigma = math.sqrt(3 / (8 * math.log(2)))
        level1 = np.asarray(ms.images[1].data)
        ref = ndi.gaussian_filter(a, sigma, mode="nearest", truncate=4.0)[::2, ::2, ::2]
        ref = ref[tuple(slice(0, n) for n in level1.shape)]
        result["sigma"] = sigma
        result["convention_holds"] = bool(np.array_equal(ref, level1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
