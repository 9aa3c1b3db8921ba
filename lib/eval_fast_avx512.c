/* The fast evaluator's kernels for AVX-512 F/BW/DQ/VL (selected at run time;
 * eval_fast.c). */
#include "eval_fast.h"

#include <string.h>

#ifdef ZKBI_FE_X86
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2,avx512f,avx512bw,avx512dq,avx512vl")
#define FE_SFX avx512
#define FE_B 32
#include "eval_fast_kern.c"
#pragma GCC pop_options
#else
typedef int zkbi_fe_avx512_unused;
#endif
