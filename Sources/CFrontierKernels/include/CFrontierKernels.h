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
