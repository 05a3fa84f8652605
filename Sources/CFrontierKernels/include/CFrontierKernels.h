// Distance kernels for FrontierVectorSearch, compiled once per instruction set
// (AVX-512, AVX2, baseline) and chosen at load time by the dynamic linker, so one
// portable binary uses the widest vectors the machine has. Swift has no per-function
// CPU-feature dispatch, which is why these few loops are C.
#ifndef CFRONTIER_KERNELS_H
#define CFRONTIER_KERNELS_H

#include <sched.h>
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
/// Distances from q to the rows ids[0..count) of the row-major matrix base (n floats per
/// row), into out[0..count): |q - r|² when kind == 0, 1 - q·r otherwise. Four rows share
/// each load of q, so the memory latency of four rows overlaps; the remainder goes row by
/// row. One call per neighbour list of an HNSW search.
void frontier_rows_by_id_f32(const float *q, const float *base, long n, const int *ids, long count, int kind,
                             float *out);
/// Int8 scalar-quantised distances: for each t < count,
/// out[t] = c0 + c1 * Σ_j base[ids[t]*n + j] * q[j] (+ rowTerm[ids[t]] when rowTerm is not
/// NULL), with unsigned 8-bit codes and signed 8-bit query weights summed exactly in 32 bits
/// (n < 2^16). AVX-512 VNNI, AVX2 or a plain loop, chosen once at load time.
void frontier_sq8_rows_by_id(const signed char *q, const unsigned char *base, long n, const int *ids, long count,
                             float c0, float c1, const float *rowTerm, float *out);
/// Σ codes[j] * q[j] by the plain loop (the reference the tests compare the kernel with).
int frontier_dot_u8s8_portable(const unsigned char *codes, const signed char *q, long n);
/// Name of the SQ8 variant in use ("avx512vnni", "avx2" or "baseline").
const char *frontier_sq8_kernel_variant(void);

/// Column masks, one bit per row (bit i%64 of word i/64) of rows 0..<n, reading the column
/// at cells[i * stride]; bits past n are zero. Integer range lo...hi (inclusive, 64-bit
/// bounds), float range lo...hi on cells holding Float bit patterns, and membership in
/// set[0..<m].
void frontier_mask_range_i32(const int *cells, long stride, long n, long lo, long hi, unsigned long long *out);
void frontier_mask_range_f32(const int *cells, long stride, long n, float lo, float hi, unsigned long long *out);
void frontier_mask_member_i32(const int *cells, long stride, long n, const long long *set, long m,
                              unsigned long long *out);

/// Name of the variant the loader chose ("avx512f", "avx2" or "baseline").
const char *frontier_kernel_variant(void);

/// Hints the CPU to fetch the cache line holding p (no effect on results).
static inline void frontier_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

// Tiny synchronisation primitives for the parallel HNSW build: one 32-bit lock word per
// node (4 bytes instead of a mutex object each) and a shared work counter. Swift's
// `Synchronization.Atomic` is non-copyable and cannot live in a plain buffer shared by
// tasks, which is why these few lines are C.

/// Acquires the spin lock at p (0 = free, 1 = held): spins briefly, then yields the CPU so a
/// preempted holder can run (the machine may have more runnable threads than cores).
static inline void frontier_spin_lock(unsigned int *p) {
  for (;;) {
    if (!__atomic_exchange_n(p, 1u, __ATOMIC_ACQUIRE)) return;
    int spins = 0;
    while (__atomic_load_n(p, __ATOMIC_RELAXED)) {
      if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      } else {
        sched_yield();
        spins = 0;
      }
    }
  }
}

/// Releases the spin lock at p.
static inline void frontier_spin_unlock(unsigned int *p) { __atomic_store_n(p, 0u, __ATOMIC_RELEASE); }

/// Atomically adds v to *p and returns the previous value.
static inline long frontier_fetch_add(long *p, long v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

#ifdef __cplusplus
}
#endif
#endif
