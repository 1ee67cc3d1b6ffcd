#!/usr/bin/env python3
"""scipy's csr x dense products at the sizes of `theano-bench sparse`, for the same sitting.

A 10,000 x 50,000 float32 CSR matrix with 50 stored values per row (0.1% density), times a dense
vector and a dense 50,000 x 16 matrix; the median of 15 runs after 2 warm-ups, printed in
theano-bench's format. THEANO_BENCH_SPARSE_ROWS scales the rows as it does there.
"""
import os
import time

import numpy as np
import scipy
import scipy.sparse as sp

rows = int(os.environ.get("THEANO_BENCH_SPARSE_ROWS", "10000"))
columns, per_row = 50_000, 50
rng = np.random.default_rng(16)
indices = np.concatenate([np.sort(rng.choice(columns, per_row, replace=False)) for _ in range(rows)]).astype(np.int32)
data = rng.integers(1, 4, size=rows * per_row).astype(np.float32)
indptr = np.arange(0, rows * per_row + 1, per_row, dtype=np.int32)
x = sp.csr_matrix((data, indices, indptr), shape=(rows, columns))
w = rng.uniform(-0.01, 0.01, size=columns).astype(np.float32)
w16 = rng.uniform(-1, 1, size=(columns, 16)).astype(np.float32)


def median(body, repeats=15, warmup=2):
    for _ in range(warmup):
        body()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


print(f"# scipy {scipy.__version__}, numpy {np.__version__}, nnz {x.nnz}")
for metric, body in [("structured_dot_vector_ms", lambda: x @ w), ("structured_dot_16_ms", lambda: x @ w16)]:
    print(f"peer=scipy workload=sparse metric={metric} value={median(body) * 1e3:.6g}")
