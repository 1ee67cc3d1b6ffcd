#include "CTheanoKernels.h"
void theano_kernels_placeholder(void) {}
