/* The fast evaluator's kernels for AVX2 (selected at run time; eval_fast.c). */
#include "eval_fast.h"

#include <string.h>

#ifdef ZKBI_FE_X86
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2")
#endif
#define FE_SFX avx2
#define FE_VB 32
#include "eval_fast_kern.c"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
typedef int zkbi_fe_avx2_unused;
#endif
