/* The fast evaluator's kernels for AVX2 (selected at run time; eval_fast.c). */
#include "eval_fast.h"

#include <string.h>

#ifdef ZKBI_FE_X86
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2")
#define FE_SFX avx2
#define FE_B 16
#include "eval_fast_kern.c"
#pragma GCC pop_options
#else
typedef int zkbi_fe_avx2_unused;
#endif
