#!/usr/bin/env python3
"""Writes the seed files of the I/O fuzz target and mutation test into Tests/IOSeeds.

Every array holds the pattern `value(i)` below for its i-th element in C order, so the Swift tests
can rebuild what numpy wrote without reading numpy. Run from the repository root:

    python3 Scripts/make-io-seeds.py

Needs numpy (any 1.x or 2.x). The seeds are checked in; rerun only to change them.
"""
import gzip
import io
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "IOSeeds")


def pattern(dtype, shape):
    """The values the Swift tests expect: keep in step with `IOSeeds.value` in IOSeedTests.swift."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n)
    kind = np.dtype(dtype).kind
    if kind == "b":
        values = i % 3 != 0
    elif kind == "i":
        values = (i * 7) % 100 - 50
    elif kind == "f":
        values = i * 0.5 - 3
    else:
        values = (i * 0.5 - 3) - 1j * i
    return values.astype(dtype).reshape(shape)


def npy(array, version=None, fortran=False):
    buffer = io.BytesIO()
    if fortran:
        array = np.asfortranarray(array)
    np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    arrays = [
        ("f8-2x3", "<f8", (2, 3), {}),
        ("f4-5", "<f4", (5,), {}),
        ("i8-scalar", "<i8", (), {}),
        ("i4-2x2x2", "<i4", (2, 2, 2), {}),
        ("i2-3", "<i2", (3,), {}),
        ("i1-4", "|i1", (4,), {}),
        ("b1-7", "|b1", (7,), {}),
        ("c16-2x2", "<c16", (2, 2), {}),
        ("c8-3", "<c8", (3,), {}),
        ("f8-empty-0x4", "<f8", (0, 4), {}),
        ("f8-fortran-3x2", "<f8", (3, 2), {"fortran": True}),
        ("i4-bigendian-2x3", ">i4", (2, 3), {}),
        ("c8-bigendian-2", ">c8", (2,), {}),
        ("f8-v2-4", "<f8", (4,), {"version": (2, 0)}),
        ("f4-v3-2x2", "<f4", (2, 2), {"version": (3, 0)}),
    ]
    for name, dtype, shape, options in arrays:
        write(name + ".npy", npy(pattern(dtype, shape), **options))
        manifest.append(f"{name}.npy - {np.dtype(dtype).str} {','.join(map(str, shape)) or 'scalar'}")

    members = {"W": pattern("<f4", (3, 2)), "b": pattern("<f4", (2,)), "step": pattern("<i8", ()), "mask": pattern("|b1", (4,))}
    for compressed in (False, True):
        name = "params-compressed.npz" if compressed else "params.npz"
        buffer = io.BytesIO()
        (np.savez_compressed if compressed else np.savez)(buffer, **members)
        write(name, buffer.getvalue())
        for key, value in members.items():
            manifest.append(f"{name} {key} {value.dtype.str} {','.join(map(str, value.shape)) or 'scalar'}")
    buffer = io.BytesIO()
    np.savez(buffer)
    write("empty.npz", buffer.getvalue())
    manifest.append("empty.npz - - -")

    csv = "".join(",".join(str((r * 64 + c) % 17) for c in range(64)) + f",{r % 10}\n" for r in range(12))
    write("digits-12.csv.gz", gzip.compress(csv.encode(), mtime=0))
    manifest.append("digits-12.csv.gz - - 12")

    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("# file, npz key (- for none), dtype (numpy's str), shape; written by Scripts/make-io-seeds.py\n")
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
