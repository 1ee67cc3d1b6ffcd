#!/usr/bin/env python3
"""Mutates the seed files and checks that this package's readers agree with numpy's.

    swift build --product TheanoFuzzIO
    python3 Scripts/compare-io-with-numpy.py [--count 3000] [--seed 1] [--keep DIR]

For every mutated file it runs `np.load` (or `gzip.decompress`) and `TheanoFuzzIO --contents`, and
sorts the pairs: both refuse; both read the same values; numpy reads it and we refuse (expected only
for the documented restrictions); we read it and numpy refuses, or both read different values (bugs).
Exits 1 when there is a bug. Needs numpy; never run in CI without it.
"""
import argparse
import collections
import gzip
import io
import os
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SEEDS = os.path.join(ROOT, "Tests", "IOSeeds")
OURS = {"b": {1: "bool"}, "i": {1: "int8", 2: "int16", 4: "int32", 8: "int64"}, "f": {4: "float32", 8: "float64"},
        "c": {8: "complex64", 16: "complex128"}}


TOKENS = [" ", "  ", "\n", "\r", "\r\n", "\t", "\x0c", "#c\n", "#", "\\\n", "\\", "(", ")", "((", "))", ",", ",,", ":",
          "'", '"', "'''", "L", " L", "0", "00", "01", "0x", "0o7", "0b1", "_", "1_0", "+", "-", "- ", "u'", "r'", "b'", "f'",
          "True", "False", "None", "1.0", "1e3", "2j", "[", "]", "{", "}", "\x00", "\xe9", "'descr'", "'shape'",
          "'fortran_order'", "'<f8'", "'>i4'", "'f8'", "'float64'", "'u1'", "9223372036854775807", "4294967296", "\\x3c",
          "\\u0066", "\\N{DIGIT EIGHT}", "\\1", "\\q"]


def edit_header(data, rng):
    """A token-level edit of an .npy header, with the header length kept right, so the parser is reached."""
    major = data[6]
    start = 10 if major == 1 else 12
    length = int.from_bytes(data[8:start], "little")
    header = data[start:start + length].decode("latin1" if major < 3 else "utf8")
    for _ in range(rng.randint(1, 3)):
        p = rng.randrange(len(header) + 1)
        token = rng.choice(TOKENS)
        if rng.random() < 0.5:
            header = header[:p] + token + header[p:]
        else:
            header = header[:p] + token + header[p + rng.randint(1, 4):]
    encoded = header.encode("latin1" if major < 3 else "utf8", errors="replace")
    return data[:8] + len(encoded).to_bytes(start - 8, "little") + encoded + data[start + length:]


def mutate(data, rng):
    """One to three edits of the kinds a damaged or hostile file has."""
    if data[:6] == b"\x93NUMPY" and rng.random() < 0.4:
        return edit_header(data, rng)
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(7)
        p = rng.randrange(len(data)) if data else 0
        if kind == 0 and data:
            data[p] ^= 1 << rng.randrange(8)
        elif kind == 1 and data:
            data[p] = rng.choice([0, 1, 0x7F, 0x80, 0xFF, rng.randrange(256)])
        elif kind == 2:
            data = data[:p]
        elif kind == 3:
            data[p:p] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif kind == 4 and data:
            del data[p:p + rng.randint(1, 8)]
        elif kind == 5 and data:
            # Header-like edits: a character that means something in a Python literal or a number.
            data[p] = ord(rng.choice("()[]{},:'\"\\#\n\t -+_0123456789LxTrueFalse<>|=?bifcdD"))
        elif kind == 6 and len(data) >= 4:
            # A 16- or 32-bit field set to an extreme.
            width = rng.choice([2, 4])
            p = min(p, len(data) - width)
            data[p:p + width] = rng.choice([b"\xff" * width, b"\x00" * width, b"\x7f" + b"\xff" * (width - 1)])
    return bytes(data)


# Where we are stricter than numpy on purpose (documented in ZipArchive.swift and Gzip.swift).
STRICTER = [
    ("overlap", "members overlap (Python 3.12's zipfile refuses them too)"),
    ("inflates to", "the size differs from the directory's (zipfile takes it as a limit)"),
    ("but declares", "the size differs from the directory's (zipfile takes it as a limit)"),
    ("truncated: its deflate data ends", "the size differs from the directory's (zipfile takes it as a limit)"),
    ("can hold", "the declared size is beyond what the data can hold"),
    ("runs past the end of the directory", "a directory entry runs past the directory (zipfile reads it short)"),
    ("too short for a gzip file", "an empty .gz (Python reads it as no data)"),
]


def canonical(array):
    """What `TheanoFuzzIO --contents` prints for an array numpy read, or None for dtypes we lack."""
    kind, size = array.dtype.kind, array.dtype.itemsize
    if array.dtype.fields is not None or array.dtype.subdtype is not None or kind not in OURS or size not in OURS[kind]:
        return None
    little = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<")))
    raw = (little.view(np.uint8) != 0).astype(np.uint8).tobytes() if kind == "b" else little.tobytes()
    return f"{OURS[kind][size]} {list(array.shape)} {raw.hex()}"


def numpy_reads(path, kind):
    """numpy's result in the replay's words, "error: ..." when it refuses, or "unsupported: ..."."""
    data = open(path, "rb").read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "gzip":
                return gzip.decompress(data).hex()
            loaded = np.load(io.BytesIO(data))
            if kind == "npy":
                # A subarray dtype such as '(5,)f8' comes back as a plain array with more dimensions.
                stream = io.BytesIO(data)
                version = np.lib.format.read_magic(stream)
                read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                dtype = read(stream)[2] if version != (3, 0) else loaded.dtype
                if dtype.subdtype is not None:
                    return f"unsupported: dtype {dtype}"
                described = canonical(loaded)
                return described if described is not None else f"unsupported: dtype {loaded.dtype}"
            parts = []
            with loaded:
                for key in sorted(set(loaded.files)):
                    value = loaded[key]
                    if isinstance(value, bytes):
                        return f"unsupported: member {key!r} is raw bytes"
                    described = canonical(value)
                    if described is None:
                        return f"unsupported: dtype {value.dtype}"
                    parts.append(f"{key}: {described}")
            if len(loaded.files) != len(set(loaded.files)):
                return "unsupported: two members share a key"
            return ", ".join(parts)
    except Exception as error:  # numpy refuses in many exception types
        return f"error: {type(error).__name__}: {error}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="write the mutated files here instead of a temporary directory")
    parser.add_argument("--replay", default=os.path.join(ROOT, ".build", "debug", "TheanoFuzzIO"))
    options = parser.parse_args()
    rng = random.Random(options.seed)
    seeds = sorted(f for f in os.listdir(SEEDS) if f.endswith((".npy", ".npz", ".gz")))
    directory = options.keep or tempfile.mkdtemp(prefix="theano-io-compare-")
    os.makedirs(directory, exist_ok=True)
    files = []
    for index in range(options.count):
        seed = seeds[index % len(seeds)]
        kind = "npy" if seed.endswith(".npy") else "npz" if seed.endswith(".npz") else "gzip"
        path = os.path.join(directory, f"{index:05d}-{seed}")
        with open(os.path.join(SEEDS, seed), "rb") as f:
            data = mutate(f.read(), rng)
        with open(path, "wb") as f:
            f.write(data)
        files.append((path, kind))

    ours = {}
    for start in range(0, len(files), 500):
        batch = [path for path, _ in files[start:start + 500]]
        output = subprocess.run([options.replay, "--contents", *batch], capture_output=True, text=True, timeout=600)
        if output.returncode != 0:
            print(output.stdout[-2000:], output.stderr[-2000:])
            sys.exit(f"the replay crashed (exit {output.returncode}) in the batch starting at {batch[0]}")
        current = None
        for line in output.stdout.splitlines():
            if not line.startswith("  "):
                current = line
                ours[current] = {}
            else:
                reader, _, result = line[2:].partition(": ")
                ours[current][reader] = result

    tally = collections.Counter()
    examples = collections.defaultdict(list)
    for path, kind in files:
        theirs, mine = numpy_reads(path, kind), ours[path][kind]
        if theirs.startswith("error"):
            verdict = "both refuse" if mine.startswith("error") else "BUG: we read what numpy refuses"
        elif theirs.startswith("unsupported"):
            verdict = "numpy reads, we refuse: " + theirs.partition(": ")[2].split(" ")[0] if mine.startswith("error") \
                else "BUG: we read what we should not"
        elif mine.startswith("error"):
            verdict = "numpy reads, we refuse: " + next((why for key, why in STRICTER if key in mine), "OTHER")
        else:
            verdict = "both read the same" if mine == theirs else "BUG: different contents"
        tally[verdict] += 1
        if len(examples[verdict]) < 3:
            examples[verdict].append((path, theirs[:160], mine[:160]))
    for verdict, count in sorted(tally.items()):
        print(f"{count:6d}  {verdict}")
        if verdict.startswith("BUG") or verdict.endswith("OTHER"):
            for path, theirs, mine in examples[verdict]:
                print(f"          {path}\n            numpy: {theirs}\n            ours:  {mine}")
    sys.exit(1 if any(v.startswith("BUG") for v in tally) else 0)


if __name__ == "__main__":
    main()
