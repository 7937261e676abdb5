"""One harness operation with one Python peer, timed inside the process.

Usage: peer.py TOOL OP DIR [ARGS...]
  TOOL: tensorstore | zarr (zarr-python 3, default pipeline) | zarrs (zarr-python with the zarrs pipeline)
  OP:   read-all DIR | read-chunks DIR [READERS] | read-inner DIR READERS EDGE | roundtrip SRC DST
  DIR, SRC and DST may be s3://bucket/prefix?endpoint=URL (tensorstore's s3 driver, path-style against that endpoint,
  credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
Prints one JSON line {"seconds": ..., "seconds_repeat": ..., "checksum": ..., "bytes": ...}, the same as
HarnessPeer (Java): NGFF_HARNESS_REPEAT=N repeats the operation N times in the process; "seconds" is
the first call, "seconds_repeat" the last (warm code, warm caches of the tool itself).
Checksums (sum of all uint16 values) are computed outside the clock, except in read-inner, where every
tool sums each block inside its reader threads.
"""
import itertools
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def checksum(a):
    return int(a.sum(dtype=np.uint64))


def boxes(shape, chunk):
    """Slices of every stored chunk (shard) in C order."""
    ranges = [range(0, s, c) for s, c in zip(shape, chunk)]
    for origin in itertools.product(*ranges):
        yield tuple(slice(o, min(o + c, s)) for o, c, s in zip(origin, chunk, shape))


class TensorStorePeer:
    def __init__(self):
        import tensorstore as ts
        self.ts = ts

    @staticmethod
    def kvstore(path):
        """A file kvstore, or tensorstore's s3 driver for s3://bucket/prefix?endpoint=URL."""
        if not path.startswith("s3://"):
            return {"driver": "file", "path": path}
        from urllib.parse import urlsplit, parse_qs
        u = urlsplit(path)
        spec = {"driver": "s3", "bucket": u.netloc, "path": u.path.lstrip("/").rstrip("/") + "/",
                "aws_region": "us-east-1"}
        endpoint = parse_qs(u.query).get("endpoint")
        if endpoint:
            spec["endpoint"] = endpoint[0]
        return spec

    def open(self, path):
        return self.ts.open({"driver": "zarr3", "kvstore": self.kvstore(path)}, read=True).result()

    def storage_chunk(self, arr):
        return tuple(arr.chunk_layout.write_chunk.shape)

    def read(self, arr, sl=None):
        return (arr if sl is None else arr[sl]).read().result()

    def create_like(self, src, path):
        spec = src.spec(minimal_spec=False).to_json()
        spec.pop("transform", None)
        # no fsync, like zarr-python and ngff-engine's file store by default (tensorstore's default syncs)
        spec["kvstore"] = self.kvstore(path)
        if spec["kvstore"]["driver"] == "file":
            spec["kvstore"]["file_io_sync"] = False
        return self.ts.open(spec, create=True, delete_existing=True).result()

    def write(self, dst, sl, data):
        dst[sl].write(data).result()


class ZarrPeer:
    def __init__(self, zarrs):
        import zarr
        self.zarr = zarr
        if zarrs:
            import zarrs  # noqa: F401  (registers the pipeline)
            zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline"})

    def open(self, path):
        return self.zarr.open_array(path, mode="r")

    def storage_chunk(self, arr):
        return tuple(arr.shards) if arr.shards is not None else tuple(arr.chunks)

    def read(self, arr, sl=None):
        return arr[...] if sl is None else arr[sl]

    def create_like(self, src, path):
        return self.zarr.create_array(
            store=path, shape=src.shape, dtype=src.dtype, chunks=src.chunks, shards=src.shards,
            compressors=src.compressors, fill_value=src.fill_value, dimension_names=src.metadata.dimension_names,
            overwrite=True)

    def write(self, dst, sl, data):
        dst[sl] = data


def run_once(peer, op, path, argv):
    start = time.perf_counter()
    excluded = 0.0
    total = 0
    nbytes = 0
    arr = peer.open(path)
    if op == "read-all":
        data = peer.read(arr)
        t = time.perf_counter()
        total = checksum(data)
        nbytes = data.nbytes
        excluded = time.perf_counter() - t
    elif op == "read-chunks" and len(argv) > 4 and int(argv[4]) > 1:
        readers = int(argv[4])
        chunks = list(boxes(arr.shape, peer.storage_chunk(arr)))

        def chunk_reader(k):  # checksums inside the readers (they overlap), as in read-inner
            s, n = 0, 0
            for sl in chunks[k::readers]:
                data = peer.read(arr, sl)
                s += checksum(data)
                n += data.nbytes
            return s, n

        with ThreadPoolExecutor(readers) as pool:
            for s, n in pool.map(chunk_reader, range(readers)):
                total += s
                nbytes += n
    elif op == "read-chunks":
        for sl in boxes(arr.shape, peer.storage_chunk(arr)):
            data = peer.read(arr, sl)
            t = time.perf_counter()
            total += checksum(data)
            nbytes += data.nbytes
            excluded += time.perf_counter() - t
    elif op == "read-inner":
        readers, edge = int(argv[4]), int(argv[5])
        blocks = list(boxes(arr.shape, (edge,) * len(arr.shape)))

        def reader(k):
            s = 0
            for sl in blocks[k::readers]:
                s += checksum(peer.read(arr, sl))
            return s

        with ThreadPoolExecutor(readers) as pool:
            total = sum(pool.map(reader, range(readers)))
        nbytes = len(blocks) * edge ** 3 * 2
    elif op == "roundtrip":
        dst = peer.create_like(arr, argv[4])
        for sl in boxes(arr.shape, peer.storage_chunk(arr)):
            data = peer.read(arr, sl)
            peer.write(dst, sl, data)
            nbytes += data.nbytes
    else:
        raise SystemExit(f"unknown operation {op}")
    return time.perf_counter() - start - excluded, total, nbytes


def main(argv):
    tool, op, path = argv[1], argv[2], argv[3]
    if tool == "tensorstore":
        peer = TensorStorePeer()
    elif tool in ("zarr", "zarrs"):
        peer = ZarrPeer(tool == "zarrs")
    else:
        raise SystemExit(f"unknown tool {tool}")
    repeat = max(1, int(os.environ.get("NGFF_HARNESS_REPEAT", "1")))
    results = [run_once(peer, op, path, argv) for _ in range(repeat)]
    # seconds: the first call in a fresh process; seconds_repeat: the last of NGFF_HARNESS_REPEAT calls
    print(json.dumps({"seconds": results[0][0], "seconds_repeat": results[-1][0], "checksum": results[0][1],
                      "bytes": results[0][2]}), flush=True)


if __name__ == "__main__":
    main(sys.argv)
