// Which instruction-set path the kernels take. The CPU's own answer is capped by a limit the host sets
// once, before the first kernel runs (`THEANO_FLAGS=cpu_isa=avx2` or `=generic`), so one machine can run
// and test every path.
#include "CTheanoKernels.h"
#include <stdatomic.h>

static int detect(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return THEANO_ISA_GENERIC;
    // The compiler's check covers the OS saving the wider register state (XCR0) as well as CPUID.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) return THEANO_ISA_AVX512;
    return THEANO_ISA_AVX2;
#else
    return THEANO_ISA_GENERIC;
#endif
}

static _Atomic int detected = -1;
static _Atomic int limit = THEANO_ISA_AVX512;

int theano_cpu_isa_detected(void) {
    int d = atomic_load_explicit(&detected, memory_order_relaxed);
    if (d < 0) {
        d = detect();
        atomic_store_explicit(&detected, d, memory_order_relaxed);
    }
    return d;
}

int theano_cpu_isa(void) {
    int d = theano_cpu_isa_detected(), l = atomic_load_explicit(&limit, memory_order_relaxed);
    return d < l ? d : l;
}

void theano_cpu_isa_set_limit(int level) {
    atomic_store_explicit(&limit, level < THEANO_ISA_GENERIC ? THEANO_ISA_GENERIC : level, memory_order_relaxed);
}

int theano_cpu_has_avx2_fma(void) { return theano_cpu_isa() >= THEANO_ISA_AVX2; }
