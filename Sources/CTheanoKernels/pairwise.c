// numpy's pairwise summation at the vector width of the path in use. numpy's order is fixed: below 8
// values a plain running sum; up to 128, eight interleaved accumulators (lane j takes elements j, j+8, …)
// combined as ((0+1)+(2+3))+((4+5)+(6+7)) and then the tail; above, the two halves split at a multiple
// of 8. The eight accumulators are one AVX-512 register, two AVX2 registers or eight scalars, and each
// lane adds the same values in the same order, so every path returns the same bits. Float input is
// widened to double element by element, as the VM's reductions accumulate in double.
#include "dispatch.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define THEANO_X86 1
#endif

static double combine(const double r[8]) { return ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); }

#define DEFINE_PAIRWISE(NAME, T, BLOCK)                                                                    \
static double NAME(const T *p, size_t n) {                                                                \
    if (n < 8) {                                                                                          \
        double s = 0;                                                                                     \
        for (size_t i = 0; i < n; i++) s += (double)p[i];                                                 \
        return s;                                                                                         \
    }                                                                                                     \
    if (n <= 128) {                                                                                       \
        double r[8];                                                                                      \
        size_t i = BLOCK(p, n, r);                                                                        \
        double s = combine(r);                                                                            \
        for (; i < n; i++) s += (double)p[i];                                                             \
        return s;                                                                                         \
    }                                                                                                     \
    size_t half = (n / 2) & ~(size_t)7;                                                                   \
    return NAME(p, half) + NAME(p + half, n - half);                                                      \
}

// Each block function sums whole groups of 8 into r and returns how many elements it consumed.
#define DEFINE_BLOCK_PLAIN(NAME, T)                                                                        \
static size_t NAME(const T *p, size_t n, double r[8]) {                                                    \
    for (int j = 0; j < 8; j++) r[j] = (double)p[j];                                                      \
    size_t i = 8;                                                                                          \
    for (; i + 8 <= n; i += 8)                                                                             \
        for (int j = 0; j < 8; j++) r[j] += (double)p[i + j];                                             \
    return i;                                                                                              \
}
DEFINE_BLOCK_PLAIN(block_plain_d, double)
DEFINE_BLOCK_PLAIN(block_plain_f, float)
DEFINE_PAIRWISE(pairwise_plain_d, double, block_plain_d)
DEFINE_PAIRWISE(pairwise_plain_f, float, block_plain_f)

#ifdef THEANO_X86
__attribute__((target("avx2"))) static size_t block_avx2_d(const double *p, size_t n, double r[8]) {
    __m256d lo = _mm256_loadu_pd(p), hi = _mm256_loadu_pd(p + 4);
    size_t i = 8;
    for (; i + 8 <= n; i += 8) { lo = _mm256_add_pd(lo, _mm256_loadu_pd(p + i)); hi = _mm256_add_pd(hi, _mm256_loadu_pd(p + i + 4)); }
    _mm256_storeu_pd(r, lo); _mm256_storeu_pd(r + 4, hi);
    return i;
}
__attribute__((target("avx2"))) static size_t block_avx2_f(const float *p, size_t n, double r[8]) {
    __m256d lo = _mm256_cvtps_pd(_mm_loadu_ps(p)), hi = _mm256_cvtps_pd(_mm_loadu_ps(p + 4));
    size_t i = 8;
    for (; i + 8 <= n; i += 8) {
        lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm_loadu_ps(p + i)));
        hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm_loadu_ps(p + i + 4)));
    }
    _mm256_storeu_pd(r, lo); _mm256_storeu_pd(r + 4, hi);
    return i;
}
__attribute__((target("avx512f"))) static size_t block_avx512_d(const double *p, size_t n, double r[8]) {
    __m512d acc = _mm512_loadu_pd(p);
    size_t i = 8;
    for (; i + 8 <= n; i += 8) acc = _mm512_add_pd(acc, _mm512_loadu_pd(p + i));
    _mm512_storeu_pd(r, acc);
    return i;
}
__attribute__((target("avx512f"))) static size_t block_avx512_f(const float *p, size_t n, double r[8]) {
    __m512d acc = _mm512_cvtps_pd(_mm256_loadu_ps(p));
    size_t i = 8;
    for (; i + 8 <= n; i += 8) acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_loadu_ps(p + i)));
    _mm512_storeu_pd(r, acc);
    return i;
}
DEFINE_PAIRWISE(pairwise_avx2_d, double, block_avx2_d)
DEFINE_PAIRWISE(pairwise_avx2_f, float, block_avx2_f)
DEFINE_PAIRWISE(pairwise_avx512_d, double, block_avx512_d)
DEFINE_PAIRWISE(pairwise_avx512_f, float, block_avx512_f)
#endif

double theano_pairwise_sum_double(const double *p, size_t n) {
    ON_VECTOR_PATH(return pairwise_avx512_d(p, n), return pairwise_avx2_d(p, n))
    return pairwise_plain_d(p, n);
}

double theano_pairwise_sum_float(const float *p, size_t n) {
    ON_VECTOR_PATH(return pairwise_avx512_f(p, n), return pairwise_avx2_f(p, n))
    return pairwise_plain_f(p, n);
}
