// Blocked matrix products. No compiler flags are needed: the fast variants carry their own target
// attribute and are chosen at run time, so the package builds on any x86-64 or ARM machine.
#include "CTheanoKernels.h"
#include <string.h>

#define KC 256
#define NC 512

#define GEMM_BODY(T)                                                                              \
    for (size_t i = row_begin; i < row_end; i++) memset(c + i * n, 0, n * sizeof(T));             \
    for (size_t kk = 0; kk < k; kk += KC) {                                                       \
        size_t kend = kk + KC < k ? kk + KC : k;                                                  \
        for (size_t jj = 0; jj < n; jj += NC) {                                                   \
            size_t jend = jj + NC < n ? jj + NC : n;                                              \
            size_t i = row_begin;                                                                 \
            /* Four rows at a time share each loaded row of B. */                                 \
            for (; i + 4 <= row_end; i += 4) {                                                    \
                T *c0 = c + i * n, *c1 = c0 + n, *c2 = c1 + n, *c3 = c2 + n;                      \
                for (size_t p = kk; p < kend; p++) {                                              \
                    const T *bp = b + p * n;                                                      \
                    T a0 = a[i * k + p], a1 = a[(i + 1) * k + p];                                 \
                    T a2 = a[(i + 2) * k + p], a3 = a[(i + 3) * k + p];                           \
                    for (size_t j = jj; j < jend; j++) {                                          \
                        T bv = bp[j];                                                             \
                        c0[j] += a0 * bv; c1[j] += a1 * bv; c2[j] += a2 * bv; c3[j] += a3 * bv;   \
                    }                                                                             \
                }                                                                                 \
            }                                                                                     \
            for (; i < row_end; i++) {                                                            \
                T *ci = c + i * n;                                                                \
                for (size_t p = kk; p < kend; p++) {                                              \
                    const T *bp = b + p * n;                                                      \
                    T av = a[i * k + p];                                                          \
                    for (size_t j = jj; j < jend; j++) ci[j] += av * bp[j];                       \
                }                                                                                 \
            }                                                                                     \
        }                                                                                         \
    }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void sgemm_avx2(const float *restrict a, const float *restrict b, float *restrict c, size_t m, size_t n,
                       size_t k, size_t row_begin, size_t row_end) { (void)m; GEMM_BODY(float) }
__attribute__((target("avx2,fma")))
static void dgemm_avx2(const double *restrict a, const double *restrict b, double *restrict c, size_t m, size_t n,
                       size_t k, size_t row_begin, size_t row_end) { (void)m; GEMM_BODY(double) }
int theano_cpu_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
int theano_cpu_has_avx2_fma(void) { return 0; }
#endif

static void sgemm_plain(const float *restrict a, const float *restrict b, float *restrict c, size_t m, size_t n,
                        size_t k, size_t row_begin, size_t row_end) { (void)m; GEMM_BODY(float) }
static void dgemm_plain(const double *restrict a, const double *restrict b, double *restrict c, size_t m, size_t n,
                        size_t k, size_t row_begin, size_t row_end) { (void)m; GEMM_BODY(double) }

void theano_sgemm_rows(const float *a, const float *b, float *c, size_t m, size_t n, size_t k, size_t row_begin, size_t row_end) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (theano_cpu_has_avx2_fma()) { sgemm_avx2(a, b, c, m, n, k, row_begin, row_end); return; }
#endif
    sgemm_plain(a, b, c, m, n, k, row_begin, row_end);
}

void theano_dgemm_rows(const double *a, const double *b, double *c, size_t m, size_t n, size_t k, size_t row_begin, size_t row_end) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (theano_cpu_has_avx2_fma()) { dgemm_avx2(a, b, c, m, n, k, row_begin, row_end); return; }
#endif
    dgemm_plain(a, b, c, m, n, k, row_begin, row_end);
}
