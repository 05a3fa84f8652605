#include "CFrontierKernels.h"

// 16 floats in one vector value; compiled as one AVX-512 register, two AVX2 registers or
// four SSE registers depending on the clone.
typedef float v16 __attribute__((vector_size(64)));

#if defined(__x86_64__) && defined(__linux__)
#define FRONTIER_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FRONTIER_CLONES
#endif

// An unaligned load of 16 floats (a macro: a function returning a 64-byte vector would
// have a different ABI in each clone).
typedef float v16u __attribute__((vector_size(64), aligned(4)));
#define load16(p) (*(const v16u *)(p))
#define HSUM16(v, out)                          \
  do {                                          \
    float s_ = 0;                               \
    for (int k_ = 0; k_ < 16; k_++) s_ += (v)[k_]; \
    (out) = s_;                                 \
  } while (0)

FRONTIER_CLONES float frontier_dot_f32(const float *a, const float *b, long n) {
  v16 s0 = {0}, s1 = {0};
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 += load16(a + i) * load16(b + i);
    s1 += load16(a + i + 16) * load16(b + i + 16);
  }
  for (; i + 16 <= n; i += 16) s0 += load16(a + i) * load16(b + i);
  float r;
  s0 += s1;
  HSUM16(s0, r);
  for (; i < n; i++) r += a[i] * b[i];
  return r;
}

FRONTIER_CLONES float frontier_l2sq_f32(const float *a, const float *b, long n) {
  v16 s0 = {0}, s1 = {0};
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    v16 d0 = load16(a + i) - load16(b + i);
    v16 d1 = load16(a + i + 16) - load16(b + i + 16);
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  for (; i + 16 <= n; i += 16) {
    v16 d = load16(a + i) - load16(b + i);
    s0 += d * d;
  }
  float r;
  s0 += s1;
  HSUM16(s0, r);
  for (; i < n; i++) {
    float d = a[i] - b[i];
    r += d * d;
  }
  return r;
}

// Distances of four rows to one query (squared L2 or dot product), accumulated 16 lanes at a
// time; kept inline so each clone compiles it with its own instruction set.
static inline __attribute__((always_inline)) void four_rows(const float *q, const float *r0, const float *r1,
                                                            const float *r2, const float *r3, long n,
                                                            int squared, float *out) {
  v16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
  long i = 0;
  if (squared) {
    for (; i + 16 <= n; i += 16) {
      v16 x = load16(q + i);
      v16 d0 = x - load16(r0 + i), d1 = x - load16(r1 + i);
      v16 d2 = x - load16(r2 + i), d3 = x - load16(r3 + i);
      a0 += d0 * d0;
      a1 += d1 * d1;
      a2 += d2 * d2;
      a3 += d3 * d3;
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      v16 x = load16(q + i);
      a0 += x * load16(r0 + i);
      a1 += x * load16(r1 + i);
      a2 += x * load16(r2 + i);
      a3 += x * load16(r3 + i);
    }
  }
  float o0, o1, o2, o3;
  HSUM16(a0, o0);
  HSUM16(a1, o1);
  HSUM16(a2, o2);
  HSUM16(a3, o3);
  for (; i < n; i++) {
    float x = q[i];
    if (squared) {
      float d0 = x - r0[i], d1 = x - r1[i], d2 = x - r2[i], d3 = x - r3[i];
      o0 += d0 * d0;
      o1 += d1 * d1;
      o2 += d2 * d2;
      o3 += d3 * d3;
    } else {
      o0 += x * r0[i];
      o1 += x * r1[i];
      o2 += x * r2[i];
      o3 += x * r3[i];
    }
  }
  out[0] = o0;
  out[1] = o1;
  out[2] = o2;
  out[3] = o3;
}

FRONTIER_CLONES void frontier_four_rows_f32(const float *q, const float *r0, const float *r1,
                                            const float *r2, const float *r3, long n, int squared,
                                            float *out) {
  four_rows(q, r0, r1, r2, r3, n, squared, out);
}

// One row's distance with the accumulation of frontier_dot_f32 / frontier_l2sq_f32 (kept
// inline so each clone compiles it with its own instruction set).
static inline __attribute__((always_inline)) float one_row(const float *q, const float *r, long n, int squared) {
  v16 s0 = {0}, s1 = {0};
  long i = 0;
  if (squared) {
    for (; i + 32 <= n; i += 32) {
      v16 d0 = load16(q + i) - load16(r + i);
      v16 d1 = load16(q + i + 16) - load16(r + i + 16);
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    for (; i + 16 <= n; i += 16) {
      v16 d = load16(q + i) - load16(r + i);
      s0 += d * d;
    }
  } else {
    for (; i + 32 <= n; i += 32) {
      s0 += load16(q + i) * load16(r + i);
      s1 += load16(q + i + 16) * load16(r + i + 16);
    }
    for (; i + 16 <= n; i += 16) s0 += load16(q + i) * load16(r + i);
  }
  float o;
  s0 += s1;
  HSUM16(s0, o);
  for (; i < n; i++) {
    float d = squared ? q[i] - r[i] : 0;
    o += squared ? d * d : q[i] * r[i];
  }
  return o;
}

FRONTIER_CLONES void frontier_rows_by_id_f32(const float *q, const float *base, long n, const int *ids,
                                             long count, int kind, float *out) {
  int squared = kind == 0;
  long t = 0;
  for (; t + 4 <= count; t += 4) {
    const float *r0 = base + (long)ids[t] * n, *r1 = base + (long)ids[t + 1] * n;
    const float *r2 = base + (long)ids[t + 2] * n, *r3 = base + (long)ids[t + 3] * n;
    four_rows(q, r0, r1, r2, r3, n, squared, out + t);
    if (!squared) {
      for (int j = 0; j < 4; j++) out[t + j] = 1 - out[t + j];
    }
  }
  for (; t < count; t++) {
    float o = one_row(q, base + (long)ids[t] * n, n, squared);
    out[t] = squared ? o : 1 - o;
  }
}

const char *frontier_kernel_variant(void) {
#if defined(__x86_64__) && defined(__linux__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
  return "baseline";
}
