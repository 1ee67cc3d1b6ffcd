// Reductions over the leading axes of a row-major array: row 0 starts the double accumulator of each
// kept element and every later row is folded into it in row order, one operation per element per row —
// numpy's order for sums, and the VM's rule for max/min (a NaN replaces the accumulator, so the last
// NaN stays). Lanes are independent output elements, so the AVX-512, AVX2 and plain paths perform the
// same operations on each element in the same order and return the same bits. Columns are taken in
// blocks whose accumulators stay in L1, four rows per pass over the block.
//
// Also the index of the first maximum (or minimum) of each contiguous row, where the first NaN wins.
#include "dispatch.h"

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

#ifdef THEANO_X86
#define ROWS_VECTOR_PATHS(T, S)                                                                            \
    static const rows_##S##_fn avx2[3] = {rows_avx2_sum_##S, rows_avx2_max_##S, rows_avx2_min_##S};       \
    static const rows_##S##_fn avx512[3] = {rows_avx512_sum_##S, rows_avx512_max_##S, rows_avx512_min_##S}; \
    ON_VECTOR_PATH(fn = avx512[k], fn = avx2[k])
#else
#define ROWS_VECTOR_PATHS(T, S)
#endif

// One dispatcher per element type: the kind (0 sum, 1 max, 2 min; others sum) and the path pick the loop.
#define DEFINE_ROWS_DISPATCH(NAME, T, S)                                                                   \
typedef void (*rows_##S##_fn)(const T *, size_t, size_t, ptrdiff_t, double *);                             \
void NAME(int kind, const T *p, size_t rows, size_t cols, ptrdiff_t row_stride, double *acc) {            \
    if (rows == 0 || cols == 0) return;                                                                    \
    const int k = kind < 0 || kind > 2 ? 0 : kind;                                                         \
    static const rows_##S##_fn plain[3] = {rows_plain_sum_##S, rows_plain_max_##S, rows_plain_min_##S};   \
    rows_##S##_fn fn = plain[k];                                                                           \
    ROWS_VECTOR_PATHS(T, S)                                                                                \
    fn(p, rows, cols, row_stride, acc);                                                                    \
}
DEFINE_ROWS_DISPATCH(theano_reduce_rows_double, double, d)
DEFINE_ROWS_DISPATCH(theano_reduce_rows_float, float, f)

// The index of the first maximum (or minimum) of each of `rows` contiguous rows of `n` values, or of the
// first NaN. Each lane keeps the first best value it has seen and where; the lanes' answers combine to
// the smallest index holding the best value, the reference's answer. A block holding a NaN ends the row.
static inline int better(int is_max, double v, double best) { return is_max ? v > best : v < best; }

static int64_t arg_tail(int is_max, const double *lane_value, const double *lane_index, int lanes,
                        size_t start, size_t n, const void *row, int is_float) {
    double best = lane_value[0];
    int64_t at = (int64_t)lane_index[0];
    for (int l = 1; l < lanes; l++) {
        if (better(is_max, lane_value[l], best) || (lane_value[l] == best && (int64_t)lane_index[l] < at)) {
            best = lane_value[l];
            at = (int64_t)lane_index[l];
        }
    }
    for (size_t i = start; i < n; i++) {
        double v = is_float ? (double)((const float *)row)[i] : ((const double *)row)[i];
        if (v != v) return (int64_t)i;
        if (better(is_max, v, best)) { best = v; at = (int64_t)i; }
    }
    return at;
}

#define DEFINE_ARG_PLAIN(NAME, T)                                                                          \
static void NAME(int is_max, const T *p, size_t rows, size_t n, int64_t *out) {                           \
    for (size_t r = 0; r < rows; r++) {                                                                   \
        const T *q = p + r * n;                                                                           \
        size_t best = 0;                                                                                  \
        for (size_t i = 0; i < n; i++) {                                                                  \
            double v = (double)q[i];                                                                      \
            if (v != v) { best = i; break; }                                                              \
            if (better(is_max, v, (double)q[best])) best = i;                                             \
        }                                                                                                 \
        out[r] = (int64_t)best;                                                                           \
    }                                                                                                     \
}
DEFINE_ARG_PLAIN(arg_plain_d, double)
DEFINE_ARG_PLAIN(arg_plain_f, float)

#ifdef THEANO_X86
#define DEFINE_ARG_AVX512(NAME, T, LOAD, IS_FLOAT)                                                         \
AVX512 static void NAME(int is_max, const T *p, size_t rows, size_t n, int64_t *out) {                    \
    for (size_t r = 0; r < rows; r++) {                                                                   \
        const T *q = p + r * n;                                                                           \
        if (n < 8) { arg_plain_##IS_FLOAT(is_max, q, 1, n, out + r); continue; }                          \
        __m512d value = LOAD(q), index = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0), step = _mm512_set1_pd(8); \
        __mmask8 nan = _mm512_cmp_pd_mask(value, value, _CMP_UNORD_Q);                                   \
        if (nan) { out[r] = __builtin_ctz(nan); continue; }                                               \
        __m512d at = index;                                                                               \
        size_t i = 8;                                                                                     \
        for (; i + 8 <= n; i += 8) {                                                                      \
            __m512d v = LOAD(q + i);                                                                      \
            index = _mm512_add_pd(index, step);                                                           \
            nan = _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q);                                                 \
            if (nan) break;                                                                               \
            __mmask8 b = is_max ? _mm512_cmp_pd_mask(v, value, _CMP_GT_OQ)                               \
                                    : _mm512_cmp_pd_mask(v, value, _CMP_LT_OQ);                           \
            value = _mm512_mask_blend_pd(b, value, v);                                                    \
            at = _mm512_mask_blend_pd(b, at, index);                                                      \
        }                                                                                                 \
        if (nan) { out[r] = (int64_t)(i + __builtin_ctz(nan)); continue; }                                \
        double lv[8], li[8];                                                                              \
        _mm512_storeu_pd(lv, value); _mm512_storeu_pd(li, at);                                            \
        out[r] = arg_tail(is_max, lv, li, 8, i, n, q, IS_FLOAT_##IS_FLOAT);                               \
    }                                                                                                     \
}
#define DEFINE_ARG_AVX2(NAME, T, LOAD, IS_FLOAT)                                                           \
AVX2 static void NAME(int is_max, const T *p, size_t rows, size_t n, int64_t *out) {                      \
    for (size_t r = 0; r < rows; r++) {                                                                   \
        const T *q = p + r * n;                                                                           \
        if (n < 4) { arg_plain_##IS_FLOAT(is_max, q, 1, n, out + r); continue; }                          \
        __m256d value = LOAD(q), index = _mm256_set_pd(3, 2, 1, 0), step = _mm256_set1_pd(4);             \
        int nan = _mm256_movemask_pd(_mm256_cmp_pd(value, value, _CMP_UNORD_Q));                          \
        if (nan) { out[r] = __builtin_ctz(nan); continue; }                                               \
        __m256d at = index;                                                                               \
        size_t i = 4;                                                                                     \
        for (; i + 4 <= n; i += 4) {                                                                      \
            __m256d v = LOAD(q + i);                                                                      \
            index = _mm256_add_pd(index, step);                                                           \
            nan = _mm256_movemask_pd(_mm256_cmp_pd(v, v, _CMP_UNORD_Q));                                  \
            if (nan) break;                                                                               \
            __m256d b = is_max ? _mm256_cmp_pd(v, value, _CMP_GT_OQ) : _mm256_cmp_pd(v, value, _CMP_LT_OQ); \
            value = _mm256_blendv_pd(value, v, b);                                                        \
            at = _mm256_blendv_pd(at, index, b);                                                          \
        }                                                                                                 \
        if (nan) { out[r] = (int64_t)(i + __builtin_ctz(nan)); continue; }                                \
        double lv[4], li[4];                                                                              \
        _mm256_storeu_pd(lv, value); _mm256_storeu_pd(li, at);                                            \
        out[r] = arg_tail(is_max, lv, li, 4, i, n, q, IS_FLOAT_##IS_FLOAT);                               \
    }                                                                                                     \
}
#define IS_FLOAT_d 0
#define IS_FLOAT_f 1
DEFINE_ARG_AVX512(arg_avx512_d, double, L8_D, d)
DEFINE_ARG_AVX512(arg_avx512_f, float, L8_F, f)
DEFINE_ARG_AVX2(arg_avx2_d, double, L4_D, d)
DEFINE_ARG_AVX2(arg_avx2_f, float, L4_F, f)
#endif

#define DEFINE_ARG_DISPATCH(NAME, T, S)                                                                    \
void NAME(int is_max, const T *p, size_t rows, size_t n, int64_t *out) {                                  \
    if (n == 0) return;                                                                                    \
    ON_VECTOR_PATH(arg_avx512_##S(is_max, p, rows, n, out); return, arg_avx2_##S(is_max, p, rows, n, out); return) \
    arg_plain_##S(is_max, p, rows, n, out);                                                                \
}
DEFINE_ARG_DISPATCH(theano_argreduce_rows_double, double, d)
DEFINE_ARG_DISPATCH(theano_argreduce_rows_float, float, f)

// The maximum (or minimum) of one contiguous run, in double: its first NaN if it has one, else the
// best value, the first of equal ones — which matters only for zeros of both signs, so a best of zero
// is looked up again in order.
static double extreme_tail(int is_max, double best, size_t start, size_t n, const void *run, int is_float) {
    for (size_t i = start; i < n; i++) {
        double v = is_float ? (double)((const float *)run)[i] : ((const double *)run)[i];
        if (v != v) return v;
        if (better(is_max, v, best)) best = v;
    }
    if (best == 0) {
        for (size_t i = 0; i < n; i++) {
            double v = is_float ? (double)((const float *)run)[i] : ((const double *)run)[i];
            if (v == 0) return v;
        }
    }
    return best;
}

#ifdef THEANO_X86
#define DEFINE_EXTREME(NAME, T, ATTR, V, W, LOAD, NANMASK, BETTER, STORE, IS_FLOAT)                       \
ATTR static double NAME(int is_max, const T *p, size_t n) {                                              \
    if (n < W) return extreme_tail(is_max, (double)p[0], 0, n, p, IS_FLOAT);                              \
    V best = LOAD(p);                                                                                     \
    size_t at = 0, i = W;                                                                                 \
    unsigned nan = NANMASK(best);                                                                         \
    for (; !nan && i + W <= n; i += W) {                                                                  \
        V v = LOAD(p + i);                                                                                \
        nan = NANMASK(v);                                                                                 \
        if (nan) { at = i; break; }                                                                       \
        best = BETTER(is_max, best, v);                                                                   \
    }                                                                                                     \
    if (nan) return (double)p[at + (size_t)__builtin_ctz(nan)];                                           \
    double lanes[W];                                                                                      \
    STORE(lanes, best);                                                                                   \
    double b = lanes[0];                                                                                  \
    for (int l = 1; l < W; l++) if (better(is_max, lanes[l], b)) b = lanes[l];                            \
    return extreme_tail(is_max, b, i, n, p, IS_FLOAT);                                                    \
}
AVX512 static inline unsigned nan8(__m512d v) { return _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q); }
AVX512 static inline __m512d better8(int is_max, __m512d a, __m512d v) {
    __mmask8 b = is_max ? _mm512_cmp_pd_mask(v, a, _CMP_GT_OQ) : _mm512_cmp_pd_mask(v, a, _CMP_LT_OQ);
    return _mm512_mask_blend_pd(b, a, v);
}
AVX2 static inline unsigned nan4(__m256d v) { return (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(v, v, _CMP_UNORD_Q)); }
AVX2 static inline __m256d better4(int is_max, __m256d a, __m256d v) {
    return _mm256_blendv_pd(a, v, is_max ? _mm256_cmp_pd(v, a, _CMP_GT_OQ) : _mm256_cmp_pd(v, a, _CMP_LT_OQ));
}
DEFINE_EXTREME(extreme_avx512_d, double, AVX512, __m512d, 8, L8_D, nan8, better8, _mm512_storeu_pd, 0)
DEFINE_EXTREME(extreme_avx512_f, float, AVX512, __m512d, 8, L8_F, nan8, better8, _mm512_storeu_pd, 1)
DEFINE_EXTREME(extreme_avx2_d, double, AVX2, __m256d, 4, L4_D, nan4, better4, _mm256_storeu_pd, 0)
DEFINE_EXTREME(extreme_avx2_f, float, AVX2, __m256d, 4, L4_F, nan4, better4, _mm256_storeu_pd, 1)
#endif

#define DEFINE_EXTREME_DISPATCH(NAME, T, S, IS_FLOAT)                                                     \
double NAME(int is_max, const T *p, size_t n) {                                                            \
    if (n == 0) return is_max ? -__builtin_inf() : __builtin_inf();                                        \
    ON_VECTOR_PATH(return extreme_avx512_##S(is_max, p, n), return extreme_avx2_##S(is_max, p, n))         \
    return extreme_tail(is_max, (double)p[0], 0, n, p, IS_FLOAT);                                          \
}
DEFINE_EXTREME_DISPATCH(theano_extreme_run_double, double, d, 0)
DEFINE_EXTREME_DISPATCH(theano_extreme_run_float, float, f, 1)
