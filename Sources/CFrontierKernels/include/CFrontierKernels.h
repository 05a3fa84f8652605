// Distance kernels for FrontierVectorSearch, compiled once per instruction set
// (AVX-512, AVX2, baseline) and chosen at load time by the dynamic linker, so one
// portable binary uses the widest vectors the machine has. Swift has no per-function
// CPU-feature dispatch, which is why these few loops are C.
#ifndef CFRONTIER_KERNELS_H
#define CFRONTIER_KERNELS_H

#include "frontier_cma_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// a·b over n floats.
float frontier_dot_f32(const float *a, const float *b, long n);
/// |a - b|² over n floats.
float frontier_l2sq_f32(const float *a, const float *b, long n);
/// q·r_i (squared == 0) or |q - r_i|² (squared != 0) for four rows, into out[0..3].
void frontier_four_rows_f32(const float *q, const float *r0, const float *r1, const float *r2,
                            const float *r3, long n, int squared, float *out);
/// Name of the variant the loader chose ("avx512f", "avx2" or "baseline").
const char *frontier_kernel_variant(void);

/// Hints the CPU to fetch the cache line holding p (no effect on results).
static inline void frontier_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#ifdef __cplusplus
}
#endif
#endif
