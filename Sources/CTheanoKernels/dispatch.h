// The one way the kernels pick their instruction-set path: the AVX-512 or AVX2 statement on those paths,
// falling through on the generic one (and everywhere off x86).
#ifndef THEANO_DISPATCH_H
#define THEANO_DISPATCH_H
#include "CTheanoKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define ON_VECTOR_PATH(AVX512_STATEMENT, AVX2_STATEMENT)                                                   \
    switch (theano_cpu_isa()) {                                                                            \
    case THEANO_ISA_AVX512: { AVX512_STATEMENT; } break;                                                   \
    case THEANO_ISA_AVX2: { AVX2_STATEMENT; } break;                                                       \
    default: break;                                                                                        \
    }
#else
#define ON_VECTOR_PATH(AVX512_STATEMENT, AVX2_STATEMENT)
#endif
#endif
