// Vectorised exp/log/sin/cos (and, from glibc 2.35, tanh/log1p/expm1/tan) from glibc's libmvec, found at run time with dlopen so that the package
// still builds and runs where libmvec (or AVX2) is missing: the caller then uses its scalar loop.
#include "CTheanoKernels.h"
#include <math.h>

#if defined(__x86_64__) && defined(__linux__) && (defined(__clang__) || defined(__GNUC__))
#include <dlfcn.h>
#include <immintrin.h>
#include <pthread.h>

typedef __m256 (*vfloat8)(__m256);
typedef __m256d (*vdouble4)(__m256d);
#define VMATH_OPS 8
static vfloat8 float_functions[VMATH_OPS];
static vdouble4 double_functions[VMATH_OPS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_libmvec(void) {
    if (!theano_cpu_has_avx2_fma()) return;
    void *handle = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) return;
    const char *float_names[VMATH_OPS] = {"_ZGVdN8v_expf", "_ZGVdN8v_logf", "_ZGVdN8v_sinf", "_ZGVdN8v_cosf",
                                          "_ZGVdN8v_tanhf", "_ZGVdN8v_log1pf", "_ZGVdN8v_expm1f", "_ZGVdN8v_tanf"};
    const char *double_names[VMATH_OPS] = {"_ZGVdN4v_exp", "_ZGVdN4v_log", "_ZGVdN4v_sin", "_ZGVdN4v_cos",
                                           "_ZGVdN4v_tanh", "_ZGVdN4v_log1p", "_ZGVdN4v_expm1", "_ZGVdN4v_tan"};
    for (int i = 0; i < VMATH_OPS; i++) {
        float_functions[i] = (vfloat8)dlsym(handle, float_names[i]);
        double_functions[i] = (vdouble4)dlsym(handle, double_names[i]);
    }
}

static float scalar_float(int op, float x) {
    switch (op) {
    case 0: return expf(x); case 1: return logf(x); case 2: return sinf(x); case 3: return cosf(x);
    case 4: return tanhf(x); case 5: return log1pf(x); case 6: return expm1f(x); default: return tanf(x);
    }
}
static double scalar_double(int op, double x) {
    switch (op) {
    case 0: return exp(x); case 1: return log(x); case 2: return sin(x); case 3: return cos(x);
    case 4: return tanh(x); case 5: return log1p(x); case 6: return expm1(x); default: return tan(x);
    }
}

__attribute__((target("avx2,fma")))
static void run_float(vfloat8 f, int op, const float *in, float *out, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(in + i)));
    for (; i < n; i++) out[i] = scalar_float(op, in[i]);
}

__attribute__((target("avx2,fma")))
static void run_double(vdouble4 f, int op, const double *in, double *out, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, f(_mm256_loadu_pd(in + i)));
    for (; i < n; i++) out[i] = scalar_double(op, in[i]);
}

int theano_vmath_float(int op, const float *in, float *out, size_t n) {
    pthread_once(&once, load_libmvec);
    if (op < 0 || op >= VMATH_OPS || !float_functions[op]) return 0;
    run_float(float_functions[op], op, in, out, n);
    return 1;
}

int theano_vmath_double(int op, const double *in, double *out, size_t n) {
    pthread_once(&once, load_libmvec);
    if (op < 0 || op >= VMATH_OPS || !double_functions[op]) return 0;
    run_double(double_functions[op], op, in, out, n);
    return 1;
}

int theano_vmath_available(void) {
    pthread_once(&once, load_libmvec);
    return float_functions[0] != 0;
}

int theano_vmath_has(int op) {
    pthread_once(&once, load_libmvec);
    return op >= 0 && op < VMATH_OPS && float_functions[op] && double_functions[op];
}
#else
int theano_vmath_float(int op, const float *in, float *out, size_t n) { (void)op; (void)in; (void)out; (void)n; return 0; }
int theano_vmath_double(int op, const double *in, double *out, size_t n) { (void)op; (void)in; (void)out; (void)n; return 0; }
int theano_vmath_available(void) { return 0; }
int theano_vmath_has(int op) { (void)op; return 0; }
#endif
