#ifndef CTHEANO_KERNELS_H
#define CTHEANO_KERNELS_H
#include <stddef.h>

/// Row-major C[m,n] = A[m,k] · B[k,n] (C is overwritten) for rows [row_begin, row_end) of C.
/// Blocked for cache, vectorised with AVX2/FMA when the CPU has them (checked at run time).
void theano_sgemm_rows(const float *a, const float *b, float *c, size_t m, size_t n, size_t k,
                       size_t row_begin, size_t row_end);
void theano_dgemm_rows(const double *a, const double *b, double *c, size_t m, size_t n, size_t k,
                       size_t row_begin, size_t row_end);

/// Whether the AVX2+FMA paths are in use on this CPU.
int theano_cpu_has_avx2_fma(void);

/// Vectorised math over `n` values (op 0 exp, 1 log, 2 sin, 3 cos) through libmvec when it is present.
/// Returns 1 when done, 0 when the caller must use its own loop.
int theano_vmath_float(int op, const float *in, float *out, size_t n);
int theano_vmath_double(int op, const double *in, double *out, size_t n);
int theano_vmath_available(void);

#endif
