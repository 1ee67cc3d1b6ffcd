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

// y += x0*a0 + x1*a1 + x2*a2 + x3*a3: four columns per pass, so y is loaded and stored a quarter as often.
#define AXPY4_AVX2(V, W, LOAD, FMADD, SET1, STORE)                                                       \
    V v0 = SET1(x[0]), v1 = SET1(x[1]), v2 = SET1(x[2]), v3 = SET1(x[3]);                                \
    size_t i = 0;                                                                                        \
    for (; i + W <= m; i += W) {                                                                         \
        V acc = LOAD(y + i);                                                                             \
        acc = FMADD(v0, LOAD(a0 + i), acc);                                                              \
        acc = FMADD(v1, LOAD(a1 + i), acc);                                                              \
        acc = FMADD(v2, LOAD(a2 + i), acc);                                                              \
        acc = FMADD(v3, LOAD(a3 + i), acc);                                                              \
        STORE(y + i, acc);                                                                               \
    }                                                                                                    \
    for (; i < m; i++) y[i] = (((y[i] + x[0] * a0[i]) + x[1] * a1[i]) + x[2] * a2[i]) + x[3] * a3[i];

__attribute__((target("avx2,fma")))
static void saxpy4_avx2(size_t m, const float *x, const float *a0, const float *a1, const float *a2, const float *a3, float *y) {
    AXPY4_AVX2(__m256, 8, _mm256_loadu_ps, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_storeu_ps)
}

__attribute__((target("avx2,fma")))
static void daxpy4_avx2(size_t m, const double *x, const double *a0, const double *a1, const double *a2, const double *a3, double *y) {
    AXPY4_AVX2(__m256d, 4, _mm256_loadu_pd, _mm256_fmadd_pd, _mm256_set1_pd, _mm256_storeu_pd)
}

// Four rows' dot products with x at once: each load of x serves four rows.
#define DOT4_AVX2(T, V, W, LOAD, FMADD, ZERO, STORE)                                                     \
    V s0 = ZERO(), s1 = s0, s2 = s0, s3 = s0;                                                            \
    size_t p = 0;                                                                                        \
    for (; p + W <= k; p += W) {                                                                         \
        V xv = LOAD(x + p);                                                                              \
        s0 = FMADD(LOAD(a0 + p), xv, s0); s1 = FMADD(LOAD(a1 + p), xv, s1);                              \
        s2 = FMADD(LOAD(a2 + p), xv, s2); s3 = FMADD(LOAD(a3 + p), xv, s3);                              \
    }                                                                                                    \
    T lanes[4][W];                                                                                       \
    STORE(lanes[0], s0); STORE(lanes[1], s1); STORE(lanes[2], s2); STORE(lanes[3], s3);                  \
    const T *rows[4] = {a0, a1, a2, a3};                                                                 \
    for (int r = 0; r < 4; r++) {                                                                        \
        T sum = 0;                                                                                       \
        for (int l = 0; l < W; l++) sum += lanes[r][l];                                                  \
        for (size_t q = p; q < k; q++) sum += rows[r][q] * x[q];                                         \
        y[r] = sum;                                                                                      \
    }

__attribute__((target("avx2,fma")))
static void sdot4_avx2(size_t k, const float *a0, const float *a1, const float *a2, const float *a3, const float *x, float *y) {
    DOT4_AVX2(float, __m256, 8, _mm256_loadu_ps, _mm256_fmadd_ps, _mm256_setzero_ps, _mm256_storeu_ps)
}

__attribute__((target("avx2,fma")))
static void ddot4_avx2(size_t k, const double *a0, const double *a1, const double *a2, const double *a3, const double *x, double *y) {
    DOT4_AVX2(double, __m256d, 4, _mm256_loadu_pd, _mm256_fmadd_pd, _mm256_setzero_pd, _mm256_storeu_pd)
}

#define AXPY_AVX2(V, W, LOAD, FMADD, SET1, STORE)                                                        \
    V va = SET1(alpha);                                                                                  \
    size_t i = 0;                                                                                        \
    for (; i + W <= m; i += W) STORE(y + i, FMADD(va, LOAD(a + i), LOAD(y + i)));                        \
    for (; i < m; i++) y[i] += alpha * a[i];

__attribute__((target("avx2,fma")))
static void saxpy_avx2(size_t m, float alpha, const float *a, float *y) {
    AXPY_AVX2(__m256, 8, _mm256_loadu_ps, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_storeu_ps)
}

__attribute__((target("avx2,fma")))
static void daxpy_avx2(size_t m, double alpha, const double *a, double *y) {
    AXPY_AVX2(__m256d, 4, _mm256_loadu_pd, _mm256_fmadd_pd, _mm256_set1_pd, _mm256_storeu_pd)
}

// AVX-512: the same loops a register twice as wide; one 512-bit multiply-add per row and step keeps the
// four rows' chains in flight at the FMA unit's rate when A is in cache.
__attribute__((target("avx512f")))
static void saxpy4_avx512(size_t m, const float *x, const float *a0, const float *a1, const float *a2, const float *a3, float *y) {
    AXPY4_AVX2(__m512, 16, _mm512_loadu_ps, _mm512_fmadd_ps, _mm512_set1_ps, _mm512_storeu_ps)
}
__attribute__((target("avx512f")))
static void daxpy4_avx512(size_t m, const double *x, const double *a0, const double *a1, const double *a2, const double *a3, double *y) {
    AXPY4_AVX2(__m512d, 8, _mm512_loadu_pd, _mm512_fmadd_pd, _mm512_set1_pd, _mm512_storeu_pd)
}
__attribute__((target("avx512f")))
static void sdot4_avx512(size_t k, const float *a0, const float *a1, const float *a2, const float *a3, const float *x, float *y) {
    DOT4_AVX2(float, __m512, 16, _mm512_loadu_ps, _mm512_fmadd_ps, _mm512_setzero_ps, _mm512_storeu_ps)
}
__attribute__((target("avx512f")))
static void ddot4_avx512(size_t k, const double *a0, const double *a1, const double *a2, const double *a3, const double *x, double *y) {
    DOT4_AVX2(double, __m512d, 8, _mm512_loadu_pd, _mm512_fmadd_pd, _mm512_setzero_pd, _mm512_storeu_pd)
}
// A single row or column (the remainder after groups of four) keeps the AVX2 form on the AVX-512 path.
#define sdot_avx512 sdot_avx2
#define ddot_avx512 ddot_avx2
#define saxpy_avx512 saxpy_avx2
#define daxpy_avx512 daxpy_avx2
#define FAST(name) (theano_cpu_isa() >= THEANO_ISA_AVX512 ? name##_avx512 : theano_cpu_isa() >= THEANO_ISA_AVX2 ? name##_avx2 : name##_plain)
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
static void sdot4_plain(size_t k, const float *a0, const float *a1, const float *a2, const float *a3, const float *x, float *y) {
    y[0] = sdot_plain(k, a0, x); y[1] = sdot_plain(k, a1, x); y[2] = sdot_plain(k, a2, x); y[3] = sdot_plain(k, a3, x);
}
static void ddot4_plain(size_t k, const double *a0, const double *a1, const double *a2, const double *a3, const double *x, double *y) {
    y[0] = ddot_plain(k, a0, x); y[1] = ddot_plain(k, a1, x); y[2] = ddot_plain(k, a2, x); y[3] = ddot_plain(k, a3, x);
}
static void saxpy4_plain(size_t m, const float *x, const float *a0, const float *a1, const float *a2, const float *a3, float *y) {
    for (size_t i = 0; i < m; i++) y[i] = (((y[i] + x[0] * a0[i]) + x[1] * a1[i]) + x[2] * a2[i]) + x[3] * a3[i];
}
static void daxpy4_plain(size_t m, const double *x, const double *a0, const double *a1, const double *a2, const double *a3, double *y) {
    for (size_t i = 0; i < m; i++) y[i] = (((y[i] + x[0] * a0[i]) + x[1] * a1[i]) + x[2] * a2[i]) + x[3] * a3[i];
}

#define DEFINE_GEMV(T, S)                                                                                   \
void theano_##S##gemv(size_t m, size_t k, const T *a, ptrdiff_t rs, ptrdiff_t cs, const T *x, ptrdiff_t xs, T *y) { \
    if (cs == 1 && xs == 1) {                                                                               \
        T (*dot)(size_t, const T *, const T *) = FAST(S##dot);                                              \
        void (*dot4)(size_t, const T *, const T *, const T *, const T *, const T *, T *) = FAST(S##dot4);    \
        size_t i = 0;                                                                                       \
        for (; i + 4 <= m; i += 4) {                                                                        \
            const T *row = a + (ptrdiff_t)i * rs;                                                           \
            dot4(k, row, row + rs, row + 2 * rs, row + 3 * rs, x, y + i);                                   \
        }                                                                                                   \
        for (; i < m; i++) y[i] = dot(k, a + (ptrdiff_t)i * rs, x);                                         \
    } else if (rs == 1) {                                                                                   \
        void (*axpy)(size_t, T, const T *, T *) = FAST(S##axpy);                                            \
        void (*axpy4)(size_t, const T *, const T *, const T *, const T *, const T *, T *) = FAST(S##axpy4);  \
        memset(y, 0, m * sizeof(T));                                                                        \
        size_t p = 0;                                                                                       \
        for (; p + 4 <= k; p += 4) {                                                                        \
            T xv[4] = {x[(ptrdiff_t)p * xs], x[(ptrdiff_t)(p + 1) * xs], x[(ptrdiff_t)(p + 2) * xs], x[(ptrdiff_t)(p + 3) * xs]}; \
            const T *col = a + (ptrdiff_t)p * cs;                                                           \
            axpy4(m, xv, col, col + cs, col + 2 * cs, col + 3 * cs, y);                                     \
        }                                                                                                   \
        for (; p < k; p++) axpy(m, x[(ptrdiff_t)p * xs], a + (ptrdiff_t)p * cs, y);                         \
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
