"""Runs numcodecs over cases that NumcodecsPeerTest wrote, so that the test can compare both ways.

Each case directory holds case.json ({"config": numcodecs config with id, "dtype": numpy dtype,
"shape": [..]}), data.bin (the array's bytes, C order) and ours.bin (our encoding). This script writes:
theirs.bin (numcodecs' encoding of data), theirs_decoded.bin (numcodecs' decoding of theirs.bin) and
ours_decoded.bin (numcodecs' decoding of ours.bin), or error.txt when numcodecs refuses ours.bin.
"""
import json
import os
import sys
import warnings

import numcodecs
import numpy as np

warnings.simplefilter("ignore")


def as_bytes(x):
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x)
    return np.ascontiguousarray(x).tobytes()


def main(root):
    done = 0
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        with open(os.path.join(d, "case.json")) as f:
            case = json.load(f)
        codec = numcodecs.get_codec(dict(case["config"]))
        with open(os.path.join(d, "data.bin"), "rb") as f:
            data = np.frombuffer(f.read(), dtype=case["dtype"]).reshape(case["shape"])
        theirs = codec.encode(data.copy())
        with open(os.path.join(d, "theirs.bin"), "wb") as f:
            f.write(as_bytes(theirs))
        with open(os.path.join(d, "theirs_decoded.bin"), "wb") as f:
            f.write(as_bytes(codec.decode(theirs)))
        with open(os.path.join(d, "ours.bin"), "rb") as f:
            ours = f.read()
        enc_dtype = case.get("encoded_dtype")
        ours_in = np.frombuffer(ours, dtype=enc_dtype) if enc_dtype else ours
        try:
            with open(os.path.join(d, "ours_decoded.bin"), "wb") as f:
                f.write(as_bytes(codec.decode(ours_in)))
        except Exception as e:  # reported to the test, which fails on it
            with open(os.path.join(d, "error.txt"), "w") as f:
                f.write(repr(e))
        done += 1
    print(json.dumps({"cases": done, "numcodecs": numcodecs.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
