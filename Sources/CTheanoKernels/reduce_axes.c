// Reductions over the leading axes of a row-major array: row 0 starts the double accumulator of each
// kept element and every later row is folded into it in row order, one operation per element per row —
// numpy's order for sums, and the VM's rule for max/min (a NaN replaces the accumulator, so the last
// NaN stays). Lanes are independent output elements, so the AVX-512, AVX2 and plain paths perform the
// same operations on each element in the same order and return the same bits. Columns are taken in
// blocks whose accumulators stay in L1, four rows per pass over the block.
//
// Also the index of the first maximum (or minimum) of each contiguous row, where the first NaN wins.
#include "CTheanoKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define THEANO_X86 1
#endif

enum { COLUMN_BLOCK = 1024 };

static inline double fold_sum(double a, double v) { return a + v; }
static inline double fold_max(double a, double v) { return (v > a || v != v) ? v : a; }
static inline double fold_min(double a, double v) { return (v < a || v != v) ? v : a; }

// ATTR: target attribute; V: vector type of W doubles; LOADA/STOREA: the accumulator; LOAD: W input
// values widened to double; OP: the vector fold; SOP: the scalar fold for the block's tail columns.
#define DEFINE_ROWS(NAME, T, ATTR, V, W, LOADA, STOREA, LOAD, OP, SOP)                                   \
ATTR static void NAME(const T *p, size_t rows, size_t cols, ptrdiff_t rs, double *acc) {                 \
    for (size_t c0 = 0; c0 < cols; c0 += COLUMN_BLOCK) {                                                  \
        size_t bc = cols - c0 < COLUMN_BLOCK ? cols - c0 : COLUMN_BLOCK;                                  \
        double *a = acc + c0;                                                                             \
        const T *q = p + c0;                                                                              \
        for (size_t j = 0; j < bc; j++) a[j] = (double)q[j];                                              \
        size_t r = 1;                                                                                     \
        for (; r + 4 <= rows; r += 4) {                                                                   \
            const T *r0 = q + (ptrdiff_t)r * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;             \
            size_t j = 0;                                                                                 \
            for (; j + W <= bc; j += W) {                                                                 \
                V x = LOADA(a + j);                                                                       \
                x = OP(x, LOAD(r0 + j)); x = OP(x, LOAD(r1 + j));                                         \
                x = OP(x, LOAD(r2 + j)); x = OP(x, LOAD(r3 + j));                                         \
                STOREA(a + j, x);                                                                         \
            }                                                                                             \
            for (; j < bc; j++) {                                                                         \
                double x = a[j];                                                                          \
                x = SOP(x, (double)r0[j]); x = SOP(x, (double)r1[j]);                                     \
                x = SOP(x, (double)r2[j]); x = SOP(x, (double)r3[j]);                                     \
                a[j] = x;                                                                                 \
            }                                                                                             \
        }                                                                                                 \
        for (; r < rows; r++) {                                                                           \
            const T *r0 = q + (ptrdiff_t)r * rs;                                                          \
            size_t j = 0;                                                                                 \
            for (; j + W <= bc; j += W) STOREA(a + j, OP(LOADA(a + j), LOAD(r0 + j)));                    \
            for (; j < bc; j++) a[j] = SOP(a[j], (double)r0[j]);                                          \
        }                                                                                                 \
    }                                                                                                     \
}

#define NO_ATTR
#define S_LOADA(p) (*(p))
#define S_STOREA(p, x) (*(p) = (x))
#define S_LOAD(p) ((double)*(p))
DEFINE_ROWS(rows_plain_sum_d, double, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_sum, fold_sum)
DEFINE_ROWS(rows_plain_max_d, double, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_max, fold_max)
DEFINE_ROWS(rows_plain_min_d, double, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_min, fold_min)
DEFINE_ROWS(rows_plain_sum_f, float, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_sum, fold_sum)
DEFINE_ROWS(rows_plain_max_f, float, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_max, fold_max)
DEFINE_ROWS(rows_plain_min_f, float, NO_ATTR, double, 1, S_LOADA, S_STOREA, S_LOAD, fold_min, fold_min)

#ifdef THEANO_X86
#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx512f")))

AVX2 static inline __m256d v4_sum(__m256d a, __m256d v) { return _mm256_add_pd(a, v); }
AVX2 static inline __m256d v4_max(__m256d a, __m256d v) {
    return _mm256_blendv_pd(a, v, _mm256_or_pd(_mm256_cmp_pd(v, a, _CMP_GT_OQ), _mm256_cmp_pd(v, v, _CMP_UNORD_Q)));
}
AVX2 static inline __m256d v4_min(__m256d a, __m256d v) {
    return _mm256_blendv_pd(a, v, _mm256_or_pd(_mm256_cmp_pd(v, a, _CMP_LT_OQ), _mm256_cmp_pd(v, v, _CMP_UNORD_Q)));
}
AVX512 static inline __m512d v8_sum(__m512d a, __m512d v) { return _mm512_add_pd(a, v); }
AVX512 static inline __m512d v8_max(__m512d a, __m512d v) {
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, a, _CMP_GT_OQ) | _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q), a, v);
}
AVX512 static inline __m512d v8_min(__m512d a, __m512d v) {
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, a, _CMP_LT_OQ) | _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q), a, v);
}
#define L4_D(p) _mm256_loadu_pd(p)
#define L4_F(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define L8_D(p) _mm512_loadu_pd(p)
#define L8_F(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))

DEFINE_ROWS(rows_avx2_sum_d, double, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_D, v4_sum, fold_sum)
DEFINE_ROWS(rows_avx2_max_d, double, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_D, v4_max, fold_max)
DEFINE_ROWS(rows_avx2_min_d, double, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_D, v4_min, fold_min)
DEFINE_ROWS(rows_avx2_sum_f, float, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_F, v4_sum, fold_sum)
DEFINE_ROWS(rows_avx2_max_f, float, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_F, v4_max, fold_max)
DEFINE_ROWS(rows_avx2_min_f, float, AVX2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, L4_F, v4_min, fold_min)
DEFINE_ROWS(rows_avx512_sum_d, double, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_D, v8_sum, fold_sum)
DEFINE_ROWS(rows_avx512_max_d, double, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_D, v8_max, fold_max)
DEFINE_ROWS(rows_avx512_min_d, double, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_D, v8_min, fold_min)
DEFINE_ROWS(rows_avx512_sum_f, float, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_F, v8_sum, fold_sum)
DEFINE_ROWS(rows_avx512_max_f, float, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_F, v8_max, fold_max)
DEFINE_ROWS(rows_avx512_min_f, float, AVX512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, L8_F, v8_min, fold_min)
#endif

typedef void (*rows_double_fn)(const double *, size_t, size_t, ptrdiff_t, double *);
typedef void (*rows_float_fn)(const float *, size_t, size_t, ptrdiff_t, double *);

void theano_reduce_rows_double(int kind, const double *p, size_t rows, size_t cols, ptrdiff_t row_stride, double *acc) {
    if (rows == 0 || cols == 0) return;
    static const rows_double_fn plain[3] = {rows_plain_sum_d, rows_plain_max_d, rows_plain_min_d};
    rows_double_fn fn = plain[kind < 0 || kind > 2 ? 0 : kind];
#ifdef THEANO_X86
    static const rows_double_fn avx2[3] = {rows_avx2_sum_d, rows_avx2_max_d, rows_avx2_min_d};
    static const rows_double_fn avx512[3] = {rows_avx512_sum_d, rows_avx512_max_d, rows_avx512_min_d};
    switch (theano_cpu_isa()) {
    case THEANO_ISA_AVX512: fn = avx512[kind < 0 || kind > 2 ? 0 : kind]; break;
    case THEANO_ISA_AVX2: fn = avx2[kind < 0 || kind > 2 ? 0 : kind]; break;
    default: break;
    }
#endif
    fn(p, rows, cols, row_stride, acc);
}

void theano_reduce_rows_float(int kind, const float *p, size_t rows, size_t cols, ptrdiff_t row_stride, double *acc) {
    if (rows == 0 || cols == 0) return;
    static const rows_float_fn plain[3] = {rows_plain_sum_f, rows_plain_max_f, rows_plain_min_f};
    rows_float_fn fn = plain[kind < 0 || kind > 2 ? 0 : kind];
#ifdef THEANO_X86
    static const rows_float_fn avx2[3] = {rows_avx2_sum_f, rows_avx2_max_f, rows_avx2_min_f};
    static const rows_float_fn avx512[3] = {rows_avx512_sum_f, rows_avx512_max_f, rows_avx512_min_f};
    switch (theano_cpu_isa()) {
    case THEANO_ISA_AVX512: fn = avx512[kind < 0 || kind > 2 ? 0 : kind]; break;
    case THEANO_ISA_AVX2: fn = avx2[kind < 0 || kind > 2 ? 0 : kind]; break;
    default: break;
    }
#endif
    fn(p, rows, cols, row_stride, acc);
}
