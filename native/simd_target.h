// Function attributes that compile one function for a wider ISA than the
// baseline x86-64 the addon targets. Only code reached after a run-time CPU
// check may carry them. std headers must be included before code using them,
// and helpers carrying them stay internal (static / anonymous namespace) so no
// wide-ISA copy of an inline function can be merged into baseline callers.
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#define LEDPIPE_HAVE_X86_SIMD 1
#define LEDPIPE_TARGET_AVX2 __attribute__((target("avx2,f16c")))
#define LEDPIPE_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,f16c")))
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which
// -Wmaybe-uninitialized reports as a false positive in every caller.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#else
#define LEDPIPE_HAVE_X86_SIMD 0
#define LEDPIPE_TARGET_AVX2
#define LEDPIPE_TARGET_AVX512
#endif
