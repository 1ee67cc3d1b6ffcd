// Packed matrix products (the Goto/BLIS scheme): blocks of A and B are copied into contiguous panels
// that stay in cache, and a register-blocked micro-kernel multiplies them. Packing reads any strides,
// so transposed and sliced operands cost no extra copy. No compiler flags are needed: the fast
// micro-kernels carry their own target attribute and are chosen at run time.
#include "CTheanoKernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define THEANO_X86 1
#include <immintrin.h>
#endif

#define MR 6
#define NR_S 16
#define NR_D 8
#define KC 256
#define MC 96
#define NC_S 2048
#define NC_D 1024

int theano_cpu_has_avx2_fma(void) {
#ifdef THEANO_X86
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
#else
    return 0;
#endif
}

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

#define DEFINE_GEMM(T, S, NR, NC, KERNEL_FAST)                                                              \
static void S##pack_a(size_t mc, size_t kc, const T *a, ptrdiff_t rs, ptrdiff_t cs, T *dst) {              \
    for (size_t i0 = 0; i0 < mc; i0 += MR) {                                                                \
        size_t rows = mc - i0 < MR ? mc - i0 : MR;                                                          \
        for (size_t p = 0; p < kc; p++) {                                                                   \
            size_t r = 0;                                                                                   \
            for (; r < rows; r++) dst[r] = a[(ptrdiff_t)(i0 + r) * rs + (ptrdiff_t)p * cs];                 \
            for (; r < MR; r++) dst[r] = 0;                                                                 \
            dst += MR;                                                                                      \
        }                                                                                                   \
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
static void S##kernel_plain(size_t kc, const T *a, const T *b, T *c, size_t ldc, int accumulate) {         \
    T tile[MR][NR];                                                                                         \
    memset(tile, 0, sizeof tile);                                                                           \
    for (size_t p = 0; p < kc; p++, a += MR, b += NR)                                                       \
        for (int r = 0; r < MR; r++)                                                                        \
            for (int j = 0; j < NR; j++) tile[r][j] += a[r] * b[j];                                         \
    for (int r = 0; r < MR; r++)                                                                            \
        for (int j = 0; j < NR; j++) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r][j] : tile[r][j];\
}                                                                                                           \
void theano_##S##gemm(size_t m, size_t n, size_t k, const T *a, ptrdiff_t ars, ptrdiff_t acs,              \
                      const T *b, ptrdiff_t brs, ptrdiff_t bcs, T *c, size_t ldc) {                         \
    if (m == 0 || n == 0) return;                                                                           \
    if (k == 0) { for (size_t i = 0; i < m; i++) memset(c + i * ldc, 0, n * sizeof(T)); return; }           \
    void (*kernel)(size_t, const T *, const T *, T *, size_t, int) = S##kernel_plain;                       \
    if (theano_cpu_has_avx2_fma()) kernel = KERNEL_FAST;                                                    \
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
        return;                                                                                             \
    }                                                                                                       \
    T *pa = (T *)space, *pb = (T *)(space + a_bytes);                                                       \
    T edge[MR * NR];                                                                                        \
    for (size_t jc = 0; jc < n; jc += NC) {                                                                 \
        size_t nc = n - jc < NC ? n - jc : NC;                                                              \
        for (size_t pc = 0; pc < k; pc += KC) {                                                             \
            size_t kc = k - pc < KC ? k - pc : KC;                                                          \
            int accumulate = pc > 0;                                                                        \
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
                        if (rows == MR && cols == NR) { kernel(kc, at, bt, ct, ldc, accumulate); continue; }\
                        kernel(kc, at, bt, edge, NR, 0);                                                    \
                        for (size_t r = 0; r < rows; r++)                                                   \
                            for (size_t j = 0; j < cols; j++)                                               \
                                ct[r * ldc + j] = accumulate ? ct[r * ldc + j] + edge[r * NR + j] : edge[r * NR + j]; \
                    }                                                                                       \
                }                                                                                           \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
}

// ---- AVX2/FMA micro-kernels: 6 rows x 2 vectors of C live in 12 registers for the whole k loop. ----

#ifdef THEANO_X86
#define ROW_UPDATE(V, BCAST, FMADD, r)                                                                      \
    { V ar = BCAST(a + r); c##r##0 = FMADD(ar, b0, c##r##0); c##r##1 = FMADD(ar, b1, c##r##1); }
#define ROW_STORE(V, LOAD, STORE, ADD, W, r)                                                                \
    if (accumulate) { c##r##0 = ADD(c##r##0, LOAD(c + r * ldc)); c##r##1 = ADD(c##r##1, LOAD(c + r * ldc + W)); } \
    STORE(c + r * ldc, c##r##0); STORE(c + r * ldc + W, c##r##1);

// The 6×(2W) micro-kernel: six rows of A broadcast against two vectors of B's packed row.
#define KERNEL_AVX2(V, W, NR, LOAD, STORE, ADD, FMADD, BCAST, ZERO)                                         \
    V c00 = ZERO(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;                                \
    V c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;                                   \
    for (size_t p = 0; p < kc; p++, a += MR, b += NR) {                                                    \
        V b0 = LOAD(b), b1 = LOAD(b + W);                                                                  \
        ROW_UPDATE(V, BCAST, FMADD, 0) ROW_UPDATE(V, BCAST, FMADD, 1) ROW_UPDATE(V, BCAST, FMADD, 2)       \
        ROW_UPDATE(V, BCAST, FMADD, 3) ROW_UPDATE(V, BCAST, FMADD, 4) ROW_UPDATE(V, BCAST, FMADD, 5)       \
    }                                                                                                      \
    ROW_STORE(V, LOAD, STORE, ADD, W, 0) ROW_STORE(V, LOAD, STORE, ADD, W, 1)                              \
    ROW_STORE(V, LOAD, STORE, ADD, W, 2) ROW_STORE(V, LOAD, STORE, ADD, W, 3)                              \
    ROW_STORE(V, LOAD, STORE, ADD, W, 4) ROW_STORE(V, LOAD, STORE, ADD, W, 5)

__attribute__((target("avx2,fma")))
static void skernel_avx2(size_t kc, const float *a, const float *b, float *c, size_t ldc, int accumulate) {
    KERNEL_AVX2(__m256, 8, NR_S, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_fmadd_ps, _mm256_broadcast_ss, _mm256_setzero_ps)
}

__attribute__((target("avx2,fma")))
static void dkernel_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc, int accumulate) {
    KERNEL_AVX2(__m256d, 4, NR_D, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_add_pd, _mm256_fmadd_pd, _mm256_broadcast_sd, _mm256_setzero_pd)
}
#define SKERNEL_FAST skernel_avx2
#define DKERNEL_FAST dkernel_avx2
#else
#define SKERNEL_FAST skernel_plain
#define DKERNEL_FAST dkernel_plain
#endif

DEFINE_GEMM(float, s, NR_S, NC_S, SKERNEL_FAST)
DEFINE_GEMM(double, d, NR_D, NC_D, DKERNEL_FAST)
