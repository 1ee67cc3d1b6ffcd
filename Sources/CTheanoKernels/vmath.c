// glibc's libmvec, found at run time with dlopen so that the package still builds and runs where libmvec
// (or AVX2) is missing: callers then use their scalar loops. Functions are looked up by their libm name,
// so a scalar op that declares a vector entry needs nothing here.
#include "CTheanoKernels.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__) && (defined(__clang__) || defined(__GNUC__))
#include <dlfcn.h>
#include <immintrin.h>
#include <pthread.h>

typedef __m256 (*vfloat8)(__m256);
typedef __m256d (*vdouble4)(__m256d);
typedef __m512 (*vfloat16)(__m512);
typedef __m512d (*vdouble8)(__m512d);
typedef float (*sfloat)(float);
typedef double (*sdouble)(double);

#define VMATH_MAX 64
typedef struct {
    char name[24];
    vfloat8 vf;
    vdouble4 vd;
    vfloat16 vf16;
    vdouble8 vd8;
    sfloat sf;
    sdouble sd;
} vmath_entry;

static vmath_entry entries[VMATH_MAX];
static int entry_count;
static void *libmvec;
static void *libm;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;

// 3 when libmvec's AVX-512 forms are used (the CPU and the OS support them), 2 for the AVX2 forms.
static int isa;

// The path is fixed at the first use, after the host has set `theano_cpu_isa_set_limit`.
static void load_libraries(void) {
    if (!theano_cpu_has_avx2_fma()) return;
    isa = theano_cpu_isa() >= THEANO_ISA_AVX512 ? 3 : 2;
    libmvec = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
    libm = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    if (!libm) libmvec = 0;
}

int theano_vmath_find(const char *name) {
    pthread_once(&once, load_libraries);
    if (!libmvec || !name || strlen(name) >= sizeof(entries[0].name)) return -1;
    pthread_mutex_lock(&lock);
    int found = -1;
    for (int i = 0; i < entry_count; i++) {
        if (strcmp(entries[i].name, name) == 0) { found = i; break; }
    }
    if (found < 0 && entry_count < VMATH_MAX) {
        char symbol[64], scalar[32];
        vmath_entry e;
        memset(&e, 0, sizeof e);
        strcpy(e.name, name);
        snprintf(symbol, sizeof symbol, "_ZGVdN8v_%sf", name);
        e.vf = (vfloat8)dlsym(libmvec, symbol);
        snprintf(symbol, sizeof symbol, "_ZGVdN4v_%s", name);
        e.vd = (vdouble4)dlsym(libmvec, symbol);
        snprintf(symbol, sizeof symbol, "_ZGVeN16v_%sf", name);
        e.vf16 = (vfloat16)dlsym(libmvec, symbol);
        snprintf(symbol, sizeof symbol, "_ZGVeN8v_%s", name);
        e.vd8 = (vdouble8)dlsym(libmvec, symbol);
        snprintf(scalar, sizeof scalar, "%sf", name);
        e.sf = (sfloat)dlsym(libm, scalar);
        e.sd = (sdouble)dlsym(libm, name);
        entries[entry_count] = e;
        found = entry_count++;
    }
    pthread_mutex_unlock(&lock);
    if (found < 0) return -1;
    // An entry is usable only when libmvec has both forms at the ISA in use and libm both scalar forms,
    // so every function splits a block the same way.
    const vmath_entry *e = &entries[found];
    int vector = isa == 3 ? (e->vf16 && e->vd8) : (e->vf && e->vd);
    return vector && e->sf && e->sd ? found : -1;
}

// Entries are never removed or moved once published, so readers need no lock.
__attribute__((target("avx2,fma")))
static void run_float(const vmath_entry *e, const float *in, float *out, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, e->vf(_mm256_loadu_ps(in + i)));
    for (; i < n; i++) out[i] = e->sf(in[i]);
}

__attribute__((target("avx2,fma")))
static void run_double(const vmath_entry *e, const double *in, double *out, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, e->vd(_mm256_loadu_pd(in + i)));
    for (; i < n; i++) out[i] = e->sd(in[i]);
}

__attribute__((target("avx512f")))
static void run_float16(const vmath_entry *e, const float *in, float *out, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, e->vf16(_mm512_loadu_ps(in + i)));
    for (; i < n; i++) out[i] = e->sf(in[i]);
}

__attribute__((target("avx512f")))
static void run_double8(const vmath_entry *e, const double *in, double *out, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(out + i, e->vd8(_mm512_loadu_pd(in + i)));
    for (; i < n; i++) out[i] = e->sd(in[i]);
}

int theano_vmath_float(int handle, const float *in, float *out, size_t n) {
    if (handle < 0 || handle >= VMATH_MAX) return 0;
    const vmath_entry *e = &entries[handle];
    if (isa == 3 && e->vf16) run_float16(e, in, out, n);
    else if (isa == 2 && e->vf) run_float(e, in, out, n);
    else return 0;
    return 1;
}

int theano_vmath_double(int handle, const double *in, double *out, size_t n) {
    if (handle < 0 || handle >= VMATH_MAX) return 0;
    const vmath_entry *e = &entries[handle];
    if (isa == 3 && e->vd8) run_double8(e, in, out, n);
    else if (isa == 2 && e->vd) run_double(e, in, out, n);
    else return 0;
    return 1;
}

int theano_vmath_isa(void) {
    pthread_once(&once, load_libraries);
    return libmvec ? isa : 0;
}

int theano_vmath_available(void) {
    return theano_vmath_find("exp") >= 0;
}
#else
int theano_vmath_find(const char *name) { (void)name; return -1; }
int theano_vmath_float(int handle, const float *in, float *out, size_t n) { (void)handle; (void)in; (void)out; (void)n; return 0; }
int theano_vmath_double(int handle, const double *in, double *out, size_t n) { (void)handle; (void)in; (void)out; (void)n; return 0; }
int theano_vmath_available(void) { return 0; }
int theano_vmath_isa(void) { return 0; }
#endif
