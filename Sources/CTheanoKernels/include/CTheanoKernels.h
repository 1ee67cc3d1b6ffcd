#ifndef CTHEANO_KERNELS_H
#define CTHEANO_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/// C[m,n] = A[m,k] · B[k,n], overwriting C (row-major, row stride ldc). Element (i, j) of A is at
/// a[i*ars + j*acs], and likewise for B, so transposed or sliced views need no copy. Packed panels
/// and an AVX-512 or AVX2/FMA micro-kernel, by `theano_cpu_isa()`.
void theano_sgemm(size_t m, size_t n, size_t k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                  const float *b, ptrdiff_t brs, ptrdiff_t bcs, float *c, size_t ldc);
void theano_dgemm(size_t m, size_t n, size_t k, const double *a, ptrdiff_t ars, ptrdiff_t acs,
                  const double *b, ptrdiff_t brs, ptrdiff_t bcs, double *c, size_t ldc);
/// The same product with an epilogue on each finished tile: C[i,j] += bias[j] (bias contiguous, n long),
/// then, when relu is nonzero, relu(C[i,j], 0) as the scalar op defines it. A NULL bias is plain GEMM.
void theano_sgemm_bias(size_t m, size_t n, size_t k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                       const float *b, ptrdiff_t brs, ptrdiff_t bcs, float *c, size_t ldc, const float *bias, int relu);
void theano_dgemm_bias(size_t m, size_t n, size_t k, const double *a, ptrdiff_t ars, ptrdiff_t acs,
                       const double *b, ptrdiff_t brs, ptrdiff_t bcs, double *c, size_t ldc, const double *bias, int relu);

/// y[m] = A[m,k] · x[k], with A and x strided as above and y contiguous.
void theano_sgemv(size_t m, size_t k, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *x, ptrdiff_t xs, float *y);
void theano_dgemv(size_t m, size_t k, const double *a, ptrdiff_t rs, ptrdiff_t cs, const double *x, ptrdiff_t xs, double *y);

/// The instruction-set paths of the kernels, lowest first.
enum { THEANO_ISA_GENERIC = 0, THEANO_ISA_AVX2 = 1, THEANO_ISA_AVX512 = 2 };
/// What the CPU supports: AVX-512 means F, VL, BW and DQ; AVX2 means AVX2 and FMA.
int theano_cpu_isa_detected(void);
/// The path in use: the detected one, capped by the limit.
int theano_cpu_isa(void);
/// Caps the path (`cpu_isa=avx2`); the host calls it once, before any kernel runs.
void theano_cpu_isa_set_limit(int level);
/// Whether the AVX2+FMA paths (or wider) are in use.
int theano_cpu_has_avx2_fma(void);

/// numpy's pairwise sum of `n` values, accumulated in double, with the same bits on every path.
double theano_pairwise_sum_double(const double *p, size_t n);
double theano_pairwise_sum_float(const float *p, size_t n);

/// Reduces `rows` rows of `cols` values (row r starts at p + r*row_stride) into acc[cols], in double:
/// acc starts as row 0 and each later row folds in, in row order. kind 0 sums, 1 takes the maximum,
/// 2 the minimum (a NaN replaces the accumulator). Every path gives the same bits.
void theano_reduce_rows_double(int kind, const double *p, size_t rows, size_t cols, ptrdiff_t row_stride, double *acc);
void theano_reduce_rows_float(int kind, const float *p, size_t rows, size_t cols, ptrdiff_t row_stride, double *acc);
/// out[r] = the index of the first maximum (is_max) or minimum of contiguous row r of n > 0 values, or of
/// its first NaN: the same answer on every path.
void theano_argreduce_rows_double(int is_max, const double *p, size_t rows, size_t n, int64_t *out);
void theano_argreduce_rows_float(int is_max, const float *p, size_t rows, size_t n, int64_t *out);
/// The maximum (is_max) or minimum of one contiguous run of n > 0 values, in double: its first NaN if
/// any, else the first of the best values (zeros of both signs are equal). The same bits on every path.
double theano_extreme_run_double(int is_max, const double *p, size_t n);
double theano_extreme_run_float(int is_max, const float *p, size_t n);

/// glibc's libmvec through dlopen. `theano_vmath_find("exp")` returns a handle for a function whose AVX2
/// float and double forms (`_ZGVdN8v_expf`, `_ZGVdN4v_exp`) and libm's scalar forms all exist, or -1.
/// `theano_vmath_float/double` compute `n` values, in groups of 8 (float) or 4 (double) through libmvec
/// and the rest through libm; they return 1 when done, 0 when the caller must use its own loop.
int theano_vmath_find(const char *name);
int theano_vmath_float(int handle, const float *in, float *out, size_t n);
int theano_vmath_double(int handle, const double *in, double *out, size_t n);
int theano_vmath_available(void);
/// Which libmvec forms are in use: 3 for AVX-512 (groups of 16 floats or 8 doubles), 2 for AVX2 (8 or 4), 0 for none.
int theano_vmath_isa(void);

/// An atomic pointer slot, for generated kernels swapped in while other threads run the VM.
void *theano_atomic_load_pointer(void *const *slot);
void theano_atomic_store_pointer(void **slot, void *value);
/// Calls a generated elementwise kernel: `n` elements, one contiguous block per input, one output block.
void theano_call_elemwise_kernel(void *kernel, long long n, const void *const *inputs, void *output);

#endif
