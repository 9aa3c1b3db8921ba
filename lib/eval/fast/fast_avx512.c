/* The fast evaluator's kernels for AVX-512 F/BW/DQ/VL/VNNI (selected at run
 * time; fast.c). */
#include "fast_int.h"

#include <string.h>

#ifdef ZKBI_FAST_X86
#include <immintrin.h>
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2,avx512f,avx512bw,avx512dq,avx512vl,avx512vnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2,avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")
#endif
#define FE_HAVE_VNNI 1
#define FE_SFX avx512
#define FE_VB 64
#include "fast_kernels.c"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
typedef int zkbi_fast_avx512_unused;
#endif
