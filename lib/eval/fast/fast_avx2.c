/* The fast evaluator's kernels for AVX2 (selected at run time; fast.c). */
#include "fast_int.h"

#include <string.h>

#ifdef ZKBI_FAST_X86
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2")
#endif
#define FE_SFX avx2
#define FE_VB 32
#include "fast_kernels.c"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
typedef int zkbi_fast_avx2_unused;
#endif
