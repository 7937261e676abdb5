#!/usr/bin/env python3
"""acquire-zarr's side of frames.py, plus the frame pool and the read-back check.

  frames_peer.py pool FILE N [EDGE]                  N noisy EDGExEDGE (default 1024) uint16 frames (seeded), raw little-endian
  frames_peer.py write DIR blosc-zstd|zstd|none SHUFFLE FRAMES POOL [LEVELS [EDGE]]   stream FRAMES frames with acquire-zarr
  frames_peer.py check DIR POOL FRAMES JAVA JAR [EDGE]   ngff-engine reads DIR back; the sum must match the frames'
"""
import json
import subprocess
import sys
import time

import numpy as np

EDGE = 1024


def pool(path, n, edge=EDGE):
    rng = np.random.default_rng(12)
    yy, xx = np.mgrid[0:edge, 0:edge]
    frames = []
    for i in range(n):
        # a smooth field of blobs plus shot noise: compresses like a microscope frame, not like a ramp
        field = 400 + 300 * np.sin((xx + 37 * i) / 53.0) * np.cos((yy - 11 * i) / 71.0)
        frames.append(rng.poisson(np.clip(field, 1, None)).astype("<u2"))
    np.stack(frames).tofile(path)


def write(out, codec, shuffle, frames, pool_file, levels=1, edge=EDGE):
    import acquire_zarr as aqz
    data = np.fromfile(pool_file, dtype="<u2").reshape(-1, edge, edge)
    settings = aqz.StreamSettings(store_path=out, overwrite=True)
    settings.arrays = [aqz.ArraySettings(
        dimensions=[
            aqz.Dimension(name="z", kind=aqz.DimensionType.SPACE, array_size_px=frames, chunk_size_px=1,
                          shard_size_chunks=32),
            aqz.Dimension(name="y", kind=aqz.DimensionType.SPACE, array_size_px=edge, chunk_size_px=256,
                          shard_size_chunks=edge // 256),
            aqz.Dimension(name="x", kind=aqz.DimensionType.SPACE, array_size_px=edge, chunk_size_px=256,
                          shard_size_chunks=edge // 256),
        ],
        data_type=np.uint16,
        # plain zstd is acquire-zarr's Compressor.ZSTD (it refuses a shuffle there)
        compression=aqz.CompressionSettings(compressor=aqz.Compressor.BLOSC1, codec=aqz.CompressionCodec.BLOSC_ZSTD,
                                            level=1, shuffle=int(shuffle)) if codec == "blosc-zstd" else
        aqz.CompressionSettings(compressor=aqz.Compressor.ZSTD, codec=aqz.CompressionCodec.ZSTD, level=1, shuffle=0)
        if codec == "zstd" else None,  # none: no compressor, the bytes codec alone
    )]
    if levels > 1:  # its multiscale: mean, levels made while streaming
        settings.arrays[0].downsampling_method = aqz.DownsamplingMethod.MEAN
        settings.arrays[0].max_levels = levels
    assert codec in ("blosc-zstd", "zstd", "none")
    stream = aqz.ZarrStream(settings)
    t0 = time.perf_counter()
    for i in range(frames):
        stream.append(data[i % len(data)])
    stream.close()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "bytes": frames * edge * edge * 2}))


def check(out, pool_file, frames, java, jar, edge=EDGE):
    data = np.fromfile(pool_file, dtype="<u2").reshape(-1, edge, edge)
    want = sum(int(data[i % len(data)].sum(dtype=np.uint64)) for i in range(frames))
    # shard by shard: the same sum as reading it all, in bounded memory (an 8 GiB array does not fit one buffer)
    done = subprocess.run(java.split() + ["-cp", jar, "dev.ngff.bench.harness.HarnessPeer", "read-chunks", out],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-2000:])
        return 1
    got = json.loads(done.stdout.strip().splitlines()[-1])["checksum"]
    if got != want:
        print(f"checksum {got} != expected {want}")
        return 1
    return 0


if __name__ == "__main__":
    op = sys.argv[1]
    if op == "pool":
        pool(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else EDGE)
    elif op == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], int(sys.argv[7]) if len(sys.argv) > 7 else 1,
              int(sys.argv[8]) if len(sys.argv) > 8 else EDGE)
    elif op == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6],
                       int(sys.argv[7]) if len(sys.argv) > 7 else EDGE))
    else:
        sys.exit(f"unknown operation {op}")
