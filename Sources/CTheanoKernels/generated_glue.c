// What the Swift side needs to swap generated kernels in while other threads call them: a pointer slot
// read and written atomically, and the call through a kernel pointer loaded from it.
#include "CTheanoKernels.h"

void *theano_atomic_load_pointer(void *const *slot) { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }

void theano_atomic_store_pointer(void **slot, void *value) { __atomic_store_n(slot, value, __ATOMIC_RELEASE); }

typedef void (*theano_elemwise_kernel)(long long n, const void *const *inputs, void *output);

void theano_call_elemwise_kernel(void *kernel, long long n, const void *const *inputs, void *output) {
    ((theano_elemwise_kernel)kernel)(n, inputs, output);
}
