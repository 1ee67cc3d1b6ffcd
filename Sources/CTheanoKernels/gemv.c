// Matrix-vector products, y = A x, which are memory-bound: the loop order follows A's layout so every
// row or column of A is read once, contiguously. Rows of A contiguous: one dot product per row.
// Columns contiguous (A is a transposed view): y accumulates x[p] times column p.
#include "CTheanoKernels.h"
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static float sdot_avx2(size_t k, const float *a, const float *x) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    size_t p = 0;
    for (; p + 32 <= k; p += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(x + p), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 8), _mm256_loadu_ps(x + p + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 16), _mm256_loadu_ps(x + p + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 24), _mm256_loadu_ps(x + p + 24), s3);
    }
    for (; p + 8 <= k; p += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(x + p), s0);
    __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float sum = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (; p < k; p++) sum += a[p] * x[p];
    return sum;
}

__attribute__((target("avx2,fma")))
static double ddot_avx2(size_t k, const double *a, const double *x) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    size_t p = 0;
    for (; p + 16 <= k; p += 16) {
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + p), _mm256_loadu_pd(x + p), s0);
        s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + p + 4), _mm256_loadu_pd(x + p + 4), s1);
        s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + p + 8), _mm256_loadu_pd(x + p + 8), s2);
        s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + p + 12), _mm256_loadu_pd(x + p + 12), s3);
    }
    for (; p + 4 <= k; p += 4) s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + p), _mm256_loadu_pd(x + p), s0);
    __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    double lanes[4];
    _mm256_storeu_pd(lanes, s);
    double sum = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
    for (; p < k; p++) sum += a[p] * x[p];
    return sum;
}

__attribute__((target("avx2,fma")))
static void saxpy_avx2(size_t m, float alpha, const float *a, float *y) {
    __m256 va = _mm256_set1_ps(alpha);
    size_t i = 0;
    for (; i + 8 <= m; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(a + i), _mm256_loadu_ps(y + i)));
    for (; i < m; i++) y[i] += alpha * a[i];
}

__attribute__((target("avx2,fma")))
static void daxpy_avx2(size_t m, double alpha, const double *a, double *y) {
    __m256d va = _mm256_set1_pd(alpha);
    size_t i = 0;
    for (; i + 4 <= m; i += 4) _mm256_storeu_pd(y + i, _mm256_fmadd_pd(va, _mm256_loadu_pd(a + i), _mm256_loadu_pd(y + i)));
    for (; i < m; i++) y[i] += alpha * a[i];
}
#define FAST(name) (theano_cpu_has_avx2_fma() ? name##_avx2 : name##_plain)
#else
#define FAST(name) name##_plain
#endif

static float sdot_plain(size_t k, const float *a, const float *x) {
    float sum = 0;
    for (size_t p = 0; p < k; p++) sum += a[p] * x[p];
    return sum;
}
static double ddot_plain(size_t k, const double *a, const double *x) {
    double sum = 0;
    for (size_t p = 0; p < k; p++) sum += a[p] * x[p];
    return sum;
}
static void saxpy_plain(size_t m, float alpha, const float *a, float *y) { for (size_t i = 0; i < m; i++) y[i] += alpha * a[i]; }
static void daxpy_plain(size_t m, double alpha, const double *a, double *y) { for (size_t i = 0; i < m; i++) y[i] += alpha * a[i]; }

#define DEFINE_GEMV(T, S)                                                                                   \
void theano_##S##gemv(size_t m, size_t k, const T *a, ptrdiff_t rs, ptrdiff_t cs, const T *x, ptrdiff_t xs, T *y) { \
    if (cs == 1 && xs == 1) {                                                                               \
        T (*dot)(size_t, const T *, const T *) = FAST(S##dot);                                              \
        for (size_t i = 0; i < m; i++) y[i] = dot(k, a + (ptrdiff_t)i * rs, x);                             \
    } else if (rs == 1) {                                                                                   \
        void (*axpy)(size_t, T, const T *, T *) = FAST(S##axpy);                                            \
        memset(y, 0, m * sizeof(T));                                                                        \
        for (size_t p = 0; p < k; p++) axpy(m, x[(ptrdiff_t)p * xs], a + (ptrdiff_t)p * cs, y);             \
    } else {                                                                                                \
        for (size_t i = 0; i < m; i++) {                                                                    \
            T sum = 0;                                                                                      \
            for (size_t p = 0; p < k; p++) sum += a[(ptrdiff_t)i * rs + (ptrdiff_t)p * cs] * x[(ptrdiff_t)p * xs]; \
            y[i] = sum;                                                                                     \
        }                                                                                                   \
    }                                                                                                       \
}

DEFINE_GEMV(float, s)
DEFINE_GEMV(double, d)
