// Packed matrix products (the Goto/BLIS scheme): blocks of A and B are copied into contiguous panels
// that stay in cache, and a register-blocked micro-kernel multiplies them. Packing reads any strides,
// so transposed and sliced operands cost no extra copy. No compiler flags are needed: the fast
// micro-kernels carry their own target attribute and are chosen at run time.
#include "dispatch.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define THEANO_X86 1
#include <immintrin.h>
#endif

// Blocking, per path: KC rows of B and MC rows of A per packed block (A's block stays in L2), NC
// columns of B. KC keeps one micro-panel of B (KC × NR) in half of a 32 KiB L1.
#ifndef KC_WIDE
#define KC_WIDE 128
#endif
#ifndef MC_WIDE
#define MC_WIDE 192
#endif
#define NC_S 2048
#define NC_D 1024

// Packing buffers are kept per thread, so repeated calls neither allocate nor fault in fresh pages.
static _Thread_local void *pack_buffer = NULL;
static _Thread_local size_t pack_capacity = 0;

static void *pack_space(size_t bytes) {
    if (bytes > pack_capacity) {
        free(pack_buffer);
        size_t rounded = (bytes + 63) & ~(size_t)63;
        pack_buffer = aligned_alloc(64, rounded);
        pack_capacity = pack_buffer ? rounded : 0;
    }
    return pack_buffer;
}

// ---- The type-generic driver, instantiated for float and double below. ----

#define DEFINE_GEMM(T, S, MR, NR, KC, MC, NC, KERNEL)                                                              \
static void S##pack_a(size_t mc, size_t kc, const T *a, ptrdiff_t rs, ptrdiff_t cs, T *dst) {              \
    for (size_t i0 = 0; i0 < mc; i0 += MR) {                                                                \
        size_t rows = mc - i0 < MR ? mc - i0 : MR;                                                          \
        /* Row by row, so a row-major A is read along its rows (no power-of-two stride across rows). */    \
        for (size_t r = 0; r < MR; r++) {                                                                   \
            const T *row = a + (ptrdiff_t)(i0 + r) * rs;                                                    \
            if (r >= rows) { for (size_t p = 0; p < kc; p++) dst[p * MR + r] = 0; }                         \
            else if (cs == 1) { for (size_t p = 0; p < kc; p++) dst[p * MR + r] = row[p]; }                 \
            else { for (size_t p = 0; p < kc; p++) dst[p * MR + r] = row[(ptrdiff_t)p * cs]; }              \
        }                                                                                                   \
        dst += MR * kc;                                                                                     \
    }                                                                                                       \
}                                                                                                           \
static void S##pack_b(size_t kc, size_t nc, const T *b, ptrdiff_t rs, ptrdiff_t cs, T *dst) {              \
    for (size_t j0 = 0; j0 < nc; j0 += NR) {                                                                \
        size_t cols = nc - j0 < NR ? nc - j0 : NR;                                                          \
        for (size_t p = 0; p < kc; p++) {                                                                   \
            const T *row = b + (ptrdiff_t)p * rs + (ptrdiff_t)j0 * cs;                                      \
            size_t c = 0;                                                                                   \
            if (cs == 1) { for (; c < cols; c++) dst[c] = row[c]; }                                         \
            else { for (; c < cols; c++) dst[c] = row[(ptrdiff_t)c * cs]; }                                 \
            for (; c < NR; c++) dst[c] = 0;                                                                 \
            dst += NR;                                                                                      \
        }                                                                                                   \
    }                                                                                                       \
}                                                                                                           \
/* The portable micro-kernel: an MR x NR tile of C (row stride ldc), overwritten or accumulated. */         \
__attribute__((unused)) static void S##kernel_plain(size_t kc, const T *a, const T *b, T *c, size_t ldc, int accumulate) {         \
    T tile[MR][NR];                                                                                         \
    memset(tile, 0, sizeof tile);                                                                           \
    for (size_t p = 0; p < kc; p++, a += MR, b += NR)                                                       \
        for (int r = 0; r < MR; r++)                                                                        \
            for (int j = 0; j < NR; j++) tile[r][j] += a[r] * b[j];                                         \
    for (int r = 0; r < MR; r++)                                                                            \
        for (int j = 0; j < NR; j++) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r][j] : tile[r][j];\
}                                                                                                           \
/* The epilogue, on one finished tile while it is still in L1: c + bias[j], then relu(·, 0) as the scalar */ \
/* op defines it (NaN and -0.0 pass through, negatives become +0), so it matches the unfused graph. */    \
static void S##epilogue(T *c, size_t ldc, size_t rows, size_t cols, const T *bias, int relu) {              \
    for (size_t r = 0; r < rows; r++) {                                                                     \
        T *row = c + r * ldc;                                                                               \
        if (relu) { for (size_t j = 0; j < cols; j++) { T v = row[j] + bias[j]; row[j] = v > 0 ? v : (v < 0 ? (T)0 : v); } } \
        else { for (size_t j = 0; j < cols; j++) row[j] = row[j] + bias[j]; }                               \
    }                                                                                                       \
}                                                                                                           \
static void S##gemm(size_t m, size_t n, size_t k, const T *a, ptrdiff_t ars, ptrdiff_t acs,                 \
                    const T *b, ptrdiff_t brs, ptrdiff_t bcs, T *c, size_t ldc, const T *bias, int relu) { \
    void (*kernel)(size_t, const T *, const T *, T *, size_t, int) = KERNEL;                                \
    size_t a_bytes = (MC + MR) * KC * sizeof(T), b_bytes = (NC + NR) * KC * sizeof(T);                      \
    char *space = pack_space(a_bytes + b_bytes);                                                            \
    if (!space) { /* Out of memory for panels: fall back to the plain triple loop. */                       \
        for (size_t i = 0; i < m; i++)                                                                      \
            for (size_t j = 0; j < n; j++) {                                                                \
                T sum = 0;                                                                                  \
                for (size_t p = 0; p < k; p++)                                                              \
                    sum += a[(ptrdiff_t)i * ars + (ptrdiff_t)p * acs] * b[(ptrdiff_t)p * brs + (ptrdiff_t)j * bcs]; \
                c[i * ldc + j] = sum;                                                                       \
            }                                                                                               \
        if (bias) S##epilogue(c, ldc, m, n, bias, relu);                                                    \
        return;                                                                                             \
    }                                                                                                       \
    T *pa = (T *)space, *pb = (T *)(space + a_bytes);                                                       \
    T edge[MR * NR];                                                                                        \
    for (size_t jc = 0; jc < n; jc += NC) {                                                                 \
        size_t nc = n - jc < NC ? n - jc : NC;                                                              \
        for (size_t pc = 0; pc < k; pc += KC) {                                                             \
            size_t kc = k - pc < KC ? k - pc : KC;                                                          \
            int accumulate = pc > 0, last = bias && pc + kc >= k;                                           \
            S##pack_b(kc, nc, b + (ptrdiff_t)pc * brs + (ptrdiff_t)jc * bcs, brs, bcs, pb);                 \
            for (size_t ic = 0; ic < m; ic += MC) {                                                         \
                size_t mc = m - ic < MC ? m - ic : MC;                                                      \
                S##pack_a(mc, kc, a + (ptrdiff_t)ic * ars + (ptrdiff_t)pc * acs, ars, acs, pa);             \
                for (size_t jr = 0; jr < nc; jr += NR) {                                                    \
                    size_t cols = nc - jr < NR ? nc - jr : NR;                                              \
                    for (size_t ir = 0; ir < mc; ir += MR) {                                                \
                        size_t rows = mc - ir < MR ? mc - ir : MR;                                          \
                        T *ct = c + (ic + ir) * ldc + jc + jr;                                              \
                        const T *at = pa + ir * kc, *bt = pb + jr * kc;                                     \
                        if (rows == MR && cols == NR) kernel(kc, at, bt, ct, ldc, accumulate);              \
                        else {                                                                              \
                            kernel(kc, at, bt, edge, NR, 0);                                                \
                            for (size_t r = 0; r < rows; r++)                                               \
                                for (size_t j = 0; j < cols; j++)                                           \
                                    ct[r * ldc + j] = accumulate ? ct[r * ldc + j] + edge[r * NR + j] : edge[r * NR + j]; \
                        }                                                                                   \
                        if (last) S##epilogue(ct, ldc, rows, cols, bias + jc + jr, relu);                   \
                    }                                                                                       \
                }                                                                                           \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
}

// ---- Vector micro-kernels: MR rows x 2 vectors of C stay in registers for the whole k loop. ----
// AVX2 has 16 vector registers: 6 rows (12 accumulators). AVX-512 has 32: 12 rows (24 accumulators),
// which halves the loads of B per multiply-add.

#ifdef THEANO_X86
#define ROWS6(X, ...) X(0, __VA_ARGS__) X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__) X(4, __VA_ARGS__) X(5, __VA_ARGS__)
#define ROWS12(X, ...) ROWS6(X, __VA_ARGS__) X(6, __VA_ARGS__) X(7, __VA_ARGS__) X(8, __VA_ARGS__) X(9, __VA_ARGS__) X(10, __VA_ARGS__) X(11, __VA_ARGS__)
#define ACC_DECLARE(r, V, ZERO) V acc##r##_0 = ZERO(), acc##r##_1 = ZERO();
#define ACC_UPDATE(r, V, BCAST, FMADD) { V ar = BCAST(a + r); acc##r##_0 = FMADD(ar, b0, acc##r##_0); acc##r##_1 = FMADD(ar, b1, acc##r##_1); }
#define ACC_STORE(r, W, LOAD, STORE, ADD)                                                                 \
    if (accumulate) { acc##r##_0 = ADD(acc##r##_0, LOAD(c + r * ldc)); acc##r##_1 = ADD(acc##r##_1, LOAD(c + r * ldc + W)); } \
    STORE(c + r * ldc, acc##r##_0); STORE(c + r * ldc + W, acc##r##_1);

// One micro-kernel: NAME multiplies a packed MRK-row panel of A by a packed 2W-column panel of B.
#define DEFINE_KERNEL(NAME, T, TARGET, ROWS, MRK, V, W, LOAD, STORE, ADD, FMADD, BCAST, ZERO)             \
__attribute__((target(TARGET)))                                                                           \
static void NAME(size_t kc, const T *a, const T *b, T *c, size_t ldc, int accumulate) {                   \
    ROWS(ACC_DECLARE, V, ZERO)                                                                            \
    for (size_t p = 0; p < kc; p++, a += MRK, b += 2 * W) {                                               \
        V b0 = LOAD(b), b1 = LOAD(b + W);                                                                 \
        ROWS(ACC_UPDATE, V, BCAST, FMADD)                                                                 \
    }                                                                                                     \
    ROWS(ACC_STORE, W, LOAD, STORE, ADD)                                                                  \
}

#define BCAST512_PS(p) _mm512_set1_ps(*(p))
#define BCAST512_PD(p) _mm512_set1_pd(*(p))
DEFINE_KERNEL(skernel_avx2, float, "avx2,fma", ROWS6, 6, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_fmadd_ps, _mm256_broadcast_ss, _mm256_setzero_ps)
DEFINE_KERNEL(dkernel_avx2, double, "avx2,fma", ROWS6, 6, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_add_pd, _mm256_fmadd_pd, _mm256_broadcast_sd, _mm256_setzero_pd)
DEFINE_KERNEL(skernel_avx512, float, "avx512f", ROWS12, 12, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_fmadd_ps, BCAST512_PS, _mm512_setzero_ps)
DEFINE_KERNEL(dkernel_avx512, double, "avx512f", ROWS12, 12, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_add_pd, _mm512_fmadd_pd, BCAST512_PD, _mm512_setzero_pd)

DEFINE_GEMM(float, s_avx512_, 12, 32, KC_WIDE, MC_WIDE, NC_S, skernel_avx512)
DEFINE_GEMM(double, d_avx512_, 12, 16, KC_WIDE, MC_WIDE, NC_D, dkernel_avx512)
DEFINE_GEMM(float, s_avx2_, 6, 16, 256, 96, NC_S, skernel_avx2)
DEFINE_GEMM(double, d_avx2_, 6, 8, 256, 96, NC_D, dkernel_avx2)
#endif

DEFINE_GEMM(float, s_generic_, 6, 16, 256, 96, NC_S, s_generic_kernel_plain)
DEFINE_GEMM(double, d_generic_, 6, 8, 256, 96, NC_D, d_generic_kernel_plain)

// Every path computes each element of C as the same sum in k order within a KC block, but the vector
// paths fuse each multiply-add, so results may differ from the generic path in the last bits. With a
// bias, each finished tile gets the epilogue (see `epilogue`) before the driver moves on.
#define DEFINE_DISPATCH(T, S)                                                                              \
void theano_##S##gemm_bias(size_t m, size_t n, size_t k, const T *a, ptrdiff_t ars, ptrdiff_t acs,         \
                           const T *b, ptrdiff_t brs, ptrdiff_t bcs, T *c, size_t ldc, const T *bias, int relu) { \
    if (m == 0 || n == 0) return;                                                                           \
    if (k == 0) {                                                                                           \
        for (size_t i = 0; i < m; i++) memset(c + i * ldc, 0, n * sizeof(T));                               \
        if (bias) S##_generic_epilogue(c, ldc, m, n, bias, relu);                                           \
        return;                                                                                             \
    }                                                                                                       \
    ON_VECTOR_PATH(S##_avx512_gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, bias, relu); return,         \
                   S##_avx2_gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, bias, relu); return)            \
    S##_generic_gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, bias, relu);                                \
}                                                                                                           \
void theano_##S##gemm(size_t m, size_t n, size_t k, const T *a, ptrdiff_t ars, ptrdiff_t acs,              \
                      const T *b, ptrdiff_t brs, ptrdiff_t bcs, T *c, size_t ldc) {                         \
    theano_##S##gemm_bias(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, NULL, 0);                              \
}
DEFINE_DISPATCH(float, s)
DEFINE_DISPATCH(double, d)
