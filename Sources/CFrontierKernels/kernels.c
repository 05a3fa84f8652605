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

// One row's distance: inner product, or squared L2 when `squared` (kept inline so each clone
// compiles it with its own instruction set; `squared` is a constant at every call site).
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

FRONTIER_CLONES float frontier_dot_f32(const float *a, const float *b, long n) {
  return one_row(a, b, n, 0);
}

FRONTIER_CLONES float frontier_l2sq_f32(const float *a, const float *b, long n) {
  return one_row(a, b, n, 1);
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

// ---------------------------------------------------------------------------------------
// Int8 scalar quantisation (SQ8): a stored row is `n` unsigned 8-bit codes, a query is `n`
// signed 8-bit weights; the kernels return the exact integer dot product Σ code·weight and
// map it to a distance with two constants and an optional per-row term:
//     out[t] = c0 + c1 · Σ_j codes[ids[t]][j] · q[j]  (+ rowTerm[ids[t]] when rowTerm != NULL)
// The AVX-512 VNNI variant multiplies 64 code/weight pairs per vpdpbusd; the AVX2 variant
// widens to 16 bits (no saturation); the baseline is a plain loop. The variant is chosen
// once at load time (an ifunc on Linux x86-64, like target_clones).

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static inline int dot_u8s8_vnni(const unsigned char *c,
                                                                                       const signed char *q, long n) {
  __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
  long i = 0;
  for (; i + 128 <= n; i += 128) {
    acc0 = _mm512_dpbusd_epi32(acc0, _mm512_loadu_si512(c + i), _mm512_loadu_si512(q + i));
    acc1 = _mm512_dpbusd_epi32(acc1, _mm512_loadu_si512(c + i + 64), _mm512_loadu_si512(q + i + 64));
  }
  for (; i + 64 <= n; i += 64) acc0 = _mm512_dpbusd_epi32(acc0, _mm512_loadu_si512(c + i), _mm512_loadu_si512(q + i));
  if (i < n) {
    __mmask64 m = (n - i) >= 64 ? ~0ULL : ((1ULL << (n - i)) - 1);
    acc1 = _mm512_dpbusd_epi32(acc1, _mm512_maskz_loadu_epi8(m, c + i), _mm512_maskz_loadu_epi8(m, q + i));
  }
  return _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1));
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void sq8_rows_vnni(
    const signed char *q, const unsigned char *base, long n, const int *ids, long count, float c0, float c1,
    const float *rowTerm, float *out) {
  for (long t = 0; t < count; t++) {
    const long id = ids[t];
    float d = c0 + c1 * (float)dot_u8s8_vnni(base + id * n, q, n);
    out[t] = rowTerm ? d + rowTerm[id] : d;
  }
}

__attribute__((target("avx2"))) static inline int dot_u8s8_avx2(const unsigned char *c, const signed char *q, long n) {
  __m256i acc = _mm256_setzero_si256();
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i a = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i)));
    __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(q + i)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  int r = _mm_cvtsi128_si32(s);
  for (; i < n; i++) r += (int)c[i] * (int)q[i];
  return r;
}

__attribute__((target("avx2"))) static void sq8_rows_avx2(const signed char *q, const unsigned char *base, long n,
                                                          const int *ids, long count, float c0, float c1,
                                                          const float *rowTerm, float *out) {
  for (long t = 0; t < count; t++) {
    const long id = ids[t];
    float d = c0 + c1 * (float)dot_u8s8_avx2(base + id * n, q, n);
    out[t] = rowTerm ? d + rowTerm[id] : d;
  }
}
#endif

static int dot_u8s8_plain(const unsigned char *c, const signed char *q, long n) {
  int r = 0;
  for (long i = 0; i < n; i++) r += (int)c[i] * (int)q[i];
  return r;
}

static void sq8_rows_plain(const signed char *q, const unsigned char *base, long n, const int *ids, long count,
                           float c0, float c1, const float *rowTerm, float *out) {
  for (long t = 0; t < count; t++) {
    const long id = ids[t];
    float d = c0 + c1 * (float)dot_u8s8_plain(base + id * n, q, n);
    out[t] = rowTerm ? d + rowTerm[id] : d;
  }
}

int frontier_dot_u8s8_portable(const unsigned char *codes, const signed char *q, long n) {
  return dot_u8s8_plain(codes, q, n);
}

typedef void (*sq8_rows_fn)(const signed char *, const unsigned char *, long, const int *, long, float, float,
                            const float *, float *);

#if defined(__x86_64__) && defined(__linux__)
static int sq8_level(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) return 2;
  if (__builtin_cpu_supports("avx2")) return 1;
  return 0;
}
static sq8_rows_fn resolve_sq8_rows(void) {
  switch (sq8_level()) {
  case 2: return sq8_rows_vnni;
  case 1: return sq8_rows_avx2;
  default: return sq8_rows_plain;
  }
}
void frontier_sq8_rows_by_id(const signed char *q, const unsigned char *base, long n, const int *ids, long count,
                             float c0, float c1, const float *rowTerm, float *out)
    __attribute__((ifunc("resolve_sq8_rows")));
const char *frontier_sq8_kernel_variant(void) {
  switch (sq8_level()) {
  case 2: return "avx512vnni";
  case 1: return "avx2";
  default: return "baseline";
  }
}
#else
void frontier_sq8_rows_by_id(const signed char *q, const unsigned char *base, long n, const int *ids, long count,
                             float c0, float c1, const float *rowTerm, float *out) {
  sq8_rows_plain(q, base, n, ids, count, c0, c1, rowTerm, out);
}
const char *frontier_sq8_kernel_variant(void) { return "baseline"; }
#endif

// ---------------------------------------------------------------------------------------
// Column-at-a-time filter evaluation: one bit per row (bit i of word i/64) for rows
// 0..<n of a row-major cell matrix (`stride` cells per row, the column at cells[0]).
// Bits past n in the last word are zero.

FRONTIER_CLONES void frontier_mask_range_i32(const int *cells, long stride, long n, long lo, long hi,
                                             unsigned long long *out) {
  long words = (n + 63) >> 6;
  if (lo > hi || lo > 2147483647L || hi < -2147483648L) {
    for (long w = 0; w < words; w++) out[w] = 0;
    return;
  }
  if (lo < -2147483648L) lo = -2147483648L;
  if (hi > 2147483647L) hi = 2147483647L;
  const unsigned int width = (unsigned int)(hi - lo);
  const int lo32 = (int)lo;
  for (long w = 0; w < words; w++) {
    long start = w << 6, end = start + 64 < n ? start + 64 : n;
    unsigned long long bits = 0;
    for (long i = start; i < end; i++) {
      unsigned int v = (unsigned int)cells[i * stride] - (unsigned int)lo32;
      bits |= (unsigned long long)(v <= width) << (i - start);
    }
    out[w] = bits;
  }
}

FRONTIER_CLONES void frontier_mask_range_f32(const int *cells, long stride, long n, float lo, float hi,
                                             unsigned long long *out) {
  long words = (n + 63) >> 6;
  for (long w = 0; w < words; w++) {
    long start = w << 6, end = start + 64 < n ? start + 64 : n;
    unsigned long long bits = 0;
    for (long i = start; i < end; i++) {
      float v;
      __builtin_memcpy(&v, cells + i * stride, 4);
      bits |= (unsigned long long)(v >= lo && v <= hi) << (i - start);
    }
    out[w] = bits;
  }
}

FRONTIER_CLONES void frontier_mask_member_i32(const int *cells, long stride, long n, const long long *set, long m,
                                              unsigned long long *out) {
  long words = (n + 63) >> 6;
  for (long w = 0; w < words; w++) {
    long start = w << 6, end = start + 64 < n ? start + 64 : n;
    unsigned long long bits = 0;
    for (long i = start; i < end; i++) {
      long long v = cells[i * stride];
      int hit = 0;
      for (long j = 0; j < m; j++) hit |= set[j] == v;
      bits |= (unsigned long long)hit << (i - start);
    }
    out[w] = bits;
  }
}
