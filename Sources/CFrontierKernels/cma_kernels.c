// Dense double-precision kernels for CMA-ES; see include/frontier_cma_kernels.h.
// Written for Frontier from the textbook descriptions (Golub & Van Loan, Matrix
// Computations, 4th ed., §5.1 Householder, §8.3 symmetric QR); 8 doubles per vector value,
// which is one AVX-512 register, two AVX2 registers or four SSE registers per clone.
#include "frontier_cma_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define CMA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CMA_CLONES
#endif
#define CMA_INLINE static inline __attribute__((always_inline))

typedef double v8d __attribute__((vector_size(64)));
typedef double v8du __attribute__((vector_size(64), aligned(8)));
#define LD8(p) (*(const v8du *)(p))
#define ST8(p, v) (*(v8du *)(p) = (v))
#define SPLAT8(s) ((v8d){(s), (s), (s), (s), (s), (s), (s), (s)})

// Horizontal sum (a macro: a function taking a 64-byte vector has a different ABI per clone):
// three rounds of swap-halves-and-add.
#define HSUM8(v, out)                                                                  \
  do {                                                                                 \
    v8d h_ = (v) + __builtin_shufflevector((v), (v), 4, 5, 6, 7, 0, 1, 2, 3);          \
    h_ += __builtin_shufflevector(h_, h_, 2, 3, 0, 1, 6, 7, 4, 5);                     \
    h_ += __builtin_shufflevector(h_, h_, 1, 0, 3, 2, 5, 4, 7, 6);                     \
    (out) = h_[0];                                                                     \
  } while (0)

// a·b over m doubles.
CMA_INLINE double dot_n(const double *a, const double *b, long m) {
  v8d s0 = {0}, s1 = {0};
  long i = 0;
  for (; i + 16 <= m; i += 16) {
    s0 += LD8(a + i) * LD8(b + i);
    s1 += LD8(a + i + 8) * LD8(b + i + 8);
  }
  for (; i + 8 <= m; i += 8) s0 += LD8(a + i) * LD8(b + i);
  double r;
  s0 += s1;
  HSUM8(s0, r);
  for (; i < m; i++) r += a[i] * b[i];
  return r;
}

// y += s x over m doubles.
CMA_INLINE void axpy_n(double *y, double s, const double *x, long m) {
  v8d sv = SPLAT8(s);
  long i = 0;
  for (; i + 8 <= m; i += 8) ST8(y + i, LD8(y + i) + sv * LD8(x + i));
  for (; i < m; i++) y[i] += s * x[i];
}

// ---------------------------------------------------------------------------------------
// Sampling: X[k] = mean + sigma * sum_j Z[k][j] V[j]; register tiles of 4 rows x 4 vectors.

CMA_CLONES void frontier_cma_sample(long n, long rows, const double *v, long ld, const double *z, long ldz,
                                    const double *mean, double sigma, double *x) {
  const v8d sg = SPLAT8(sigma);
  long k = 0;
  for (; k + 4 <= rows; k += 4) {
    const double *z0 = z + k * ldz, *z1 = z0 + ldz, *z2 = z1 + ldz, *z3 = z2 + ldz;
    long c = 0;
    for (; c + 32 <= ld; c += 32) {
      v8d a[4][4] = {{{0}}};
      for (long j = 0; j < n; j++) {
        const double *vr = v + j * ld + c;
        v8d b0 = LD8(vr), b1 = LD8(vr + 8), b2 = LD8(vr + 16), b3 = LD8(vr + 24);
        v8d s0 = SPLAT8(z0[j]), s1 = SPLAT8(z1[j]), s2 = SPLAT8(z2[j]), s3 = SPLAT8(z3[j]);
        a[0][0] += s0 * b0; a[0][1] += s0 * b1; a[0][2] += s0 * b2; a[0][3] += s0 * b3;
        a[1][0] += s1 * b0; a[1][1] += s1 * b1; a[1][2] += s1 * b2; a[1][3] += s1 * b3;
        a[2][0] += s2 * b0; a[2][1] += s2 * b1; a[2][2] += s2 * b2; a[2][3] += s2 * b3;
        a[3][0] += s3 * b0; a[3][1] += s3 * b1; a[3][2] += s3 * b2; a[3][3] += s3 * b3;
      }
      for (int r = 0; r < 4; r++) {
        double *xr = x + (k + r) * ld + c;
        for (int q = 0; q < 4; q++) ST8(xr + 8 * q, LD8(mean + c + 8 * q) + sg * a[r][q]);
      }
    }
    for (; c < ld; c += 8) {
      v8d a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
      for (long j = 0; j < n; j++) {
        v8d b = LD8(v + j * ld + c);
        a0 += SPLAT8(z0[j]) * b;
        a1 += SPLAT8(z1[j]) * b;
        a2 += SPLAT8(z2[j]) * b;
        a3 += SPLAT8(z3[j]) * b;
      }
      v8d m = LD8(mean + c);
      ST8(x + k * ld + c, m + sg * a0);
      ST8(x + (k + 1) * ld + c, m + sg * a1);
      ST8(x + (k + 2) * ld + c, m + sg * a2);
      ST8(x + (k + 3) * ld + c, m + sg * a3);
    }
  }
  for (; k < rows; k++) {
    const double *zk = z + k * ldz;
    for (long c = 0; c < ld; c += 8) {
      v8d a0 = {0};
      for (long j = 0; j < n; j++) a0 += SPLAT8(zk[j]) * LD8(v + j * ld + c);
      ST8(x + k * ld + c, LD8(mean + c) + sg * a0);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Symmetric rank-k update of the lower triangle, one row at a time (the k vectors stay in L1).

CMA_CLONES void frontier_syrk_lower(long n, long k, double decay, const double *w, const double *y, long ldy,
                                    double *c, long ldc) {
  const v8d dv = SPLAT8(decay);
  for (long i = 0; i < n; i++) {
    double *row = c + i * ldc;
    long len = i + 1, j = 0;
    for (; j + 16 <= len; j += 16) {
      v8d a0 = dv * LD8(row + j), a1 = dv * LD8(row + j + 8);
      for (long r = 0; r < k; r++) {
        const double *yr = y + r * ldy;
        v8d s = SPLAT8(w[r] * yr[i]);
        a0 += s * LD8(yr + j);
        a1 += s * LD8(yr + j + 8);
      }
      ST8(row + j, a0);
      ST8(row + j + 8, a1);
    }
    for (; j + 8 <= len; j += 8) {
      v8d a0 = dv * LD8(row + j);
      for (long r = 0; r < k; r++) {
        const double *yr = y + r * ldy;
        a0 += SPLAT8(w[r] * yr[i]) * LD8(yr + j);
      }
      ST8(row + j, a0);
    }
    for (; j < len; j++) {
      double a = decay * row[j];
      for (long r = 0; r < k; r++) a += w[r] * y[r * ldy + i] * y[r * ldy + j];
      row[j] = a;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Symmetric eigensolver.

// Householder vector for column k of the lower triangle of `w` (rows k+1..<n), kept in row k
// right of the diagonal: v[0] = x0 - alpha, v[i] = x_i. Sets e[k] = alpha (or x0 when the
// column is already reduced) and returns beta = 1 / (v·v / 2), or 0 when no reflection is
// needed.
CMA_INLINE double householder_column(long n, double *w, long ld, long k, double *e) {
  long m = n - k - 1;
  double *v = w + k * ld + k + 1;
  double tail = 0;
  for (long i = 0; i < m; i++) {
    double xv = w[(k + 1 + i) * ld + k];
    v[i] = xv;
    if (i > 0) tail += xv * xv;
  }
  double x0 = v[0];
  if (tail == 0) {
    e[k] = x0;
    return 0;
  }
  double sigma2 = x0 * x0 + tail;
  double nrm = sqrt(sigma2);
  double alpha = x0 >= 0 ? -nrm : nrm;
  v[0] = x0 - alpha;
  e[k] = alpha;
  return 1 / (sigma2 - alpha * x0);
}

// p = S v for the m x m block S at `s` (lower triangle only): row i gives the dot over j < i
// and scatters a_ij v_i into p_j.
CMA_INLINE void symv_lower(long m, const double *s, long ld, const double *v, double *p) {
  for (long i = 0; i < m; i++) p[i] = 0;
  for (long i = 0; i < m; i++) {
    const double *row = s + i * ld;
    double vi = v[i];
    v8d acc = {0}, viv = SPLAT8(vi);
    long j = 0;
    for (; j + 8 <= i; j += 8) {
      v8d a = LD8(row + j);
      acc += a * LD8(v + j);
      ST8(p + j, LD8(p + j) + a * viv);
    }
    double sc;
    HSUM8(acc, sc);
    for (; j < i; j++) {
      sc += row[j] * v[j];
      p[j] += row[j] * vi;
    }
    p[i] += sc + row[i] * vi;
  }
}

// q = b p - (b^2 (v·p) / 2) v, in place over p (m entries): the rank-2 update's second vector.
CMA_INLINE void finish_q(long m, const double *v, double b, double *p) {
  double vp = 0;
  for (long i = 0; i < m; i++) {
    p[i] *= b;
    vp += v[i] * p[i];
  }
  double half = 0.5 * b * vp;
  for (long i = 0; i < m; i++) p[i] -= half * v[i];
}

// Householder reduction of the lower triangle of `w` to tridiagonal (d, e). Reflector k,
// I - beta_k v v^T with v supported on k+1..<n, is kept in row k right of the diagonal.
//
// Step k updates the trailing block S <- S - v q^T - q v^T (lower triangle) and step k+1 then
// needs S' v' for the next block. Both are done in one pass over the block: its first column
// is updated first, v' is formed from it, and each later row is updated and immediately
// multiplied by v' (the product of the updated row and the scatter into p'), two rows at a
// time so that p' is read and written once per two rows. The block (about 40 KB for
// n = 100, lines of 104 doubles) is then read and written once per step instead of twice:
// 25 % less time than the two passes for n = 100. `pp` and `pp2` are scratch of n doubles.
CMA_INLINE void tridiagonalize(long n, double *w, long ld, double *d, double *e, double *bt, double *pp,
                               double *pp2) {
  for (long i = 0; i < n; i++) {
    bt[i] = 0;
    e[i] = 0;
  }
  double *q = pp, *qn = pp2;
  if (n >= 3) {
    double b = householder_column(n, w, ld, 0, e);
    bt[0] = b;
    if (b != 0) {
      symv_lower(n - 1, w + ld + 1, ld, w + 1, q);
      finish_q(n - 1, w + 1, b, q);
    }
  }
  for (long k = 0; k + 2 < n; k++) {
    long m = n - k - 1;
    const double *v = w + k * ld + k + 1;
    double *s = w + (k + 1) * ld + (k + 1);
    double b = bt[k];
    if (k + 3 == n) {
      // Last step: the update alone (the block is 2 x 2).
      if (b != 0)
        for (long i = 0; i < m; i++) {
          double *row = s + i * ld;
          for (long j = 0; j <= i; j++) row[j] -= v[i] * q[j] + q[i] * v[j];
        }
      break;
    }
    // Column 0 of the block (its diagonal entry included), then the next reflector.
    if (b != 0) {
      double v0 = v[0], q0 = q[0];
      for (long i = 0; i < m; i++) s[i * ld] -= v[i] * q0 + q[i] * v0;
    }
    double bn = householder_column(n, w, ld, k + 1, e);
    bt[k + 1] = bn;
    const double *vn = w + (k + 1) * ld + k + 2;
    if (b == 0) {
      if (bn != 0) symv_lower(m - 1, s + ld + 1, ld, vn, qn);
    } else if (bn == 0) {
      for (long i = 1; i < m; i++) {
        double *row = s + i * ld + 1;
        double vi = v[i], qi = q[i];
        v8d viv = SPLAT8(vi), qiv = SPLAT8(qi);
        long len = i, j = 0;
        for (; j + 8 <= len; j += 8)
          ST8(row + j, LD8(row + j) - viv * LD8(q + 1 + j) - qiv * LD8(v + 1 + j));
        for (; j < len; j++) row[j] -= vi * q[1 + j] + qi * v[1 + j];
      }
    } else {
      // Rows 1..<m of the block, columns 1..i: update, then row·v' and the scatter into p'.
      for (long i = 0; i + 1 < m; i++) qn[i] = 0;
      long i = 1;
      // Two rows at a time over their common columns: one read-modify-write of p' for both.
      for (; i + 1 < m; i += 2) {
        double *r0 = s + i * ld + 1, *r1 = r0 + ld;
        double v0 = v[i], q0 = q[i], w0 = vn[i - 1], v1 = v[i + 1], q1 = q[i + 1], w1 = vn[i];
        v8d v0v = SPLAT8(v0), q0v = SPLAT8(q0), w0v = SPLAT8(w0), acc0 = {0};
        v8d v1v = SPLAT8(v1), q1v = SPLAT8(q1), w1v = SPLAT8(w1), acc1 = {0};
        long j = 0;
        for (; j + 8 <= i - 1; j += 8) {
          v8d qj = LD8(q + 1 + j), vj = LD8(v + 1 + j), vnj = LD8(vn + j);
          v8d a0 = LD8(r0 + j) - v0v * qj - q0v * vj;
          v8d a1 = LD8(r1 + j) - v1v * qj - q1v * vj;
          ST8(r0 + j, a0);
          ST8(r1 + j, a1);
          acc0 += a0 * vnj;
          acc1 += a1 * vnj;
          ST8(qn + j, LD8(qn + j) + a0 * w0v + a1 * w1v);
        }
        double s0, s1;
        HSUM8(acc0, s0);
        HSUM8(acc1, s1);
        for (; j < i - 1; j++) {
          double a0 = r0[j] - (v0 * q[1 + j] + q0 * v[1 + j]);
          double a1 = r1[j] - (v1 * q[1 + j] + q1 * v[1 + j]);
          r0[j] = a0;
          r1[j] = a1;
          s0 += a0 * vn[j];
          s1 += a1 * vn[j];
          qn[j] += a0 * w0 + a1 * w1;
        }
        // Column i: row i's diagonal, row i+1's last off-diagonal; then row i+1's diagonal.
        double d0 = r0[i - 1] - (v0 * q[i] + q0 * v[i]);
        double a1 = r1[i - 1] - (v1 * q[i] + q1 * v[i]);
        double d1 = r1[i] - (v1 * q[i + 1] + q1 * v[i + 1]);
        r0[i - 1] = d0;
        r1[i - 1] = a1;
        r1[i] = d1;
        qn[i - 1] += s0 + d0 * w0 + a1 * w1;
        qn[i] += s1 + a1 * vn[i - 1] + d1 * w1;
      }
      for (; i < m; i++) {
        double *row = s + i * ld + 1;
        double vi = v[i], qi = q[i], vni = vn[i - 1];
        v8d viv = SPLAT8(vi), qiv = SPLAT8(qi), vnv = SPLAT8(vni), acc = {0};
        long j = 0;
        for (; j + 8 <= i - 1; j += 8) {
          v8d a = LD8(row + j) - viv * LD8(q + 1 + j) - qiv * LD8(v + 1 + j);
          ST8(row + j, a);
          acc += a * LD8(vn + j);
          ST8(qn + j, LD8(qn + j) + a * vnv);
        }
        double sc;
        HSUM8(acc, sc);
        for (; j < i - 1; j++) {
          double a = row[j] - (vi * q[1 + j] + qi * v[1 + j]);
          row[j] = a;
          sc += a * vn[j];
          qn[j] += a * vni;
        }
        double a = row[i - 1] - (vi * q[i] + qi * v[i]);
        row[i - 1] = a;
        qn[i - 1] += sc + a * vni;
      }
    }
    if (bn != 0) finish_q(m - 1, vn, bn, qn);
    double *t = q;
    q = qn;
    qn = t;
  }
  for (long i = 0; i < n; i++) d[i] = w[i * ld + i];
  if (n >= 2) e[n - 2] = w[(n - 1) * ld + (n - 2)];
  e[n - 1] = 0;
}

// zt <- Q^T = H_{n-3} ... H_0, accumulated backward (zt starts as I and is multiplied on the
// right by H_{n-3}, then H_{n-4}, ...) eight reflectors at a time in compact WY form
// (Schreiber & Van Loan 1989; Golub & Van Loan §5.1.7): for reflectors k0..k0+7,
// H_k0 ... H_k0+7 = I - V T V^T with T upper triangular, so
// zt <- zt (I - V T^T V^T): each row r gives u = r V (eight dot products in one pass),
// u' = T u, r <- r - V u' (a second pass). A row is read and written once per eight
// reflectors instead of once per reflector. V is copied into `scratch` (8 rows of ld
// doubles, 64-byte aligned, zero outside each reflector's support) with T and its
// transpose after it: scratch holds at least 8 ld + 136 doubles.
#define QT_BLOCK 8

// The eight lane sums of a[0..7] as one vector (lane j = sum of a[j]): three rounds of
// pairwise shuffles and adds instead of eight horizontal sums. (Through pointers: a function
// returning a 64-byte vector has a different ABI per clone.)
CMA_INLINE void reduce8(const v8d *a, v8d *out) {
  v8d t[4], u[2];
  for (int i = 0; i < 4; i++)
    t[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 8, 2, 10, 4, 12, 6, 14) +
           __builtin_shufflevector(a[2 * i], a[2 * i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  for (int i = 0; i < 2; i++)
    u[i] = __builtin_shufflevector(t[2 * i], t[2 * i + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
           __builtin_shufflevector(t[2 * i], t[2 * i + 1], 2, 3, 10, 11, 6, 7, 14, 15);
  *out = __builtin_shufflevector(u[0], u[1], 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(u[0], u[1], 4, 5, 6, 7, 12, 13, 14, 15);
}
CMA_INLINE void form_qt(long n, const double *w, long ld, double *zt, const double *bt, double *scratch) {
  memset(zt, 0, sizeof(double) * (size_t)(n * ld));
  for (long i = 0; i < n; i++) zt[i * ld + i] = 1;
  double *panel = (double *)(((unsigned long)scratch + 63) & ~63UL);
  double *tm = panel + QT_BLOCK * ld, *tmt = tm + QT_BLOCK * QT_BLOCK;
  long hi = n - 2;  // reflectors 0..<n-2, in blocks [k0, hi) from the last
  while (hi > 0) {
    long nb = hi >= QT_BLOCK ? QT_BLOCK : hi, k0 = hi - nb;
    long c0 = k0 + 1, ca = c0 & ~7L, width = ld - ca;  // columns ca..<ld, whole vectors
    for (long j = 0; j < QT_BLOCK; j++) {
      double *pr = panel + j * ld;
      long kj = k0 + j;
      for (long c = 0; c < width; c++) {
        long col = ca + c;
        pr[c] = (j < nb && bt[kj] != 0 && col > kj && col < n) ? w[kj * ld + col] : 0;
      }
    }
    // T: T[j][j] = b_j, T[0:j, j] = -b_j T[0:j, 0:j] (V[:, 0:j]^T v_j).
    for (long j = 0; j < QT_BLOCK; j++) {
      double g[QT_BLOCK];
      double bj = j < nb ? bt[k0 + j] : 0;
      for (long l = 0; l < j; l++) g[l] = dot_n(panel + l * ld, panel + j * ld, width);
      for (long i2 = 0; i2 < j; i2++) {
        double sum = 0;
        for (long l = i2; l < j; l++) sum += tm[i2 * QT_BLOCK + l] * g[l];
        tm[i2 * QT_BLOCK + j] = -bj * sum;
      }
      tm[j * QT_BLOCK + j] = bj;
      for (long i2 = j + 1; i2 < QT_BLOCK; i2++) tm[i2 * QT_BLOCK + j] = 0;
    }
    for (long i2 = 0; i2 < QT_BLOCK; i2++)
      for (long j = 0; j < QT_BLOCK; j++) tmt[j * QT_BLOCK + i2] = tm[i2 * QT_BLOCK + j];
    // Two rows at a time: each panel vector loaded serves both (16 accumulators).
    long r = c0;
    for (; r + 2 <= n; r += 2) {
      double *r0 = zt + r * ld + ca, *r1 = r0 + ld;
      v8d a0[QT_BLOCK], a1[QT_BLOCK];
      for (int j = 0; j < QT_BLOCK; j++) a0[j] = a1[j] = (v8d){0};
      for (long c = 0; c < width; c += 8) {
        v8d x0 = LD8(r0 + c), x1 = LD8(r1 + c);
        for (int j = 0; j < QT_BLOCK; j++) {
          v8d pv = LD8(panel + j * ld + c);
          a0[j] += x0 * pv;
          a1[j] += x1 * pv;
        }
      }
      v8d u0, u1, p0 = {0}, p1 = {0};
      reduce8(a0, &u0);
      reduce8(a1, &u1);
      // u' = T u: column j of T (rows 0..j) times u_j.
      for (int j = 0; j < QT_BLOCK; j++) {
        v8d tc = LD8(tmt + j * QT_BLOCK);
        p0 += tc * SPLAT8(u0[j]);
        p1 += tc * SPLAT8(u1[j]);
      }
      for (long c = 0; c < width; c += 8) {
        v8d x0 = LD8(r0 + c), x1 = LD8(r1 + c);
        for (int j = 0; j < QT_BLOCK; j++) {
          v8d pv = LD8(panel + j * ld + c);
          x0 -= SPLAT8(p0[j]) * pv;
          x1 -= SPLAT8(p1[j]) * pv;
        }
        ST8(r0 + c, x0);
        ST8(r1 + c, x1);
      }
    }
    for (; r < n; r++) {
      double *r0 = zt + r * ld + ca;
      v8d a0[QT_BLOCK];
      for (int j = 0; j < QT_BLOCK; j++) a0[j] = (v8d){0};
      for (long c = 0; c < width; c += 8) {
        v8d x0 = LD8(r0 + c);
        for (int j = 0; j < QT_BLOCK; j++) a0[j] += x0 * LD8(panel + j * ld + c);
      }
      v8d u0, p0 = {0};
      reduce8(a0, &u0);
      for (int j = 0; j < QT_BLOCK; j++) p0 += LD8(tmt + j * QT_BLOCK) * SPLAT8(u0[j]);
      for (long c = 0; c < width; c += 8) {
        v8d x0 = LD8(r0 + c);
        for (int j = 0; j < QT_BLOCK; j++) x0 -= SPLAT8(p0[j]) * LD8(panel + j * ld + c);
        ST8(r0 + c, x0);
      }
    }
    hi = k0;
  }
}

CMA_INLINE double norm2(double x, double y) {
  double r = sqrt(x * x + y * y);
  if (isnormal(r) && r < 1e150 && r > 1e-150) return r;
  return hypot(x, y);
}

// Applies the rotation (c, s) to rows k and k+1 of zt (ld doubles each):
// row k <- c row k + s row k+1, row k+1 <- c row k+1 - s row k.
CMA_INLINE void rotate_rows(double *zt, long ld, long k, double c, double s) {
  double *a = zt + k * ld, *b = a + ld;
  v8d cv = SPLAT8(c), sv = SPLAT8(s);
  for (long i = 0; i < ld; i += 8) {
    v8d x = LD8(a + i), y = LD8(b + i);
    ST8(a + i, cv * x + sv * y);
    ST8(b + i, cv * y - sv * x);
  }
}

// Implicit symmetric QR with Wilkinson shifts on (d, e), deflating from the bottom. The
// bulge chase of one sweep is a serial chain of scalar operations (a square root and a
// division per rotation), so the rotations of the previous sweep are applied to the rows of
// zt inside the chase loop of the next one: the vector work fills the chain's latency.
// `rot` holds two sweeps' rotations (c, s pairs indexed by row, 4n doubles).
CMA_INLINE int implicit_qr(long n, double *d, double *e, double *zt, long ld, double *rot) {
  const double eps = 2.220446049250313e-16;
  long h = n - 1, steps = 0, max_steps = 30 * n;
  double *pend = rot, *cur = rot + 2 * n;
  long pk = 0, ph = 0;  // pending rotations pk..<ph of the previous sweep (in pend)
  int ok = 1;
  while (h > 0) {
    if (fabs(e[h - 1]) <= eps * (fabs(d[h - 1]) + fabs(d[h]))) {
      e[h - 1] = 0;
      h--;
      continue;
    }
    long l = h - 1;
    while (l > 0) {
      if (fabs(e[l - 1]) <= eps * (fabs(d[l - 1]) + fabs(d[l]))) {
        e[l - 1] = 0;
        break;
      }
      l--;
    }
    if (++steps > max_steps) {
      ok = 0;
      break;
    }
    double bq = e[h - 1];
    double delta = 0.5 * (d[h - 1] - d[h]);
    double root = norm2(delta, bq);
    double mu = d[h] - bq * bq / (delta + (delta >= 0 ? root : -root));
    // The step's updates to d and e are written with q = x^2 + y^2 and 1/q (c^2 = x^2/q,
    // cs = xy/q, s^2 = y^2/q) instead of products of c = x/r and s = y/r, so they do not wait
    // for the square root, and the values that pass to the next step (its d[k], e[k], x and
    // the bulge's y) stay in registers. Each step is a serial chain, so its latency is the
    // cost: with the rotations of the previous sweep applied inside the loop, QR takes about
    // 20 % less time for n = 100 than the textbook order. Outside a safe range (q and the
    // entries within 1e±100, so that no product over- or underflows), the textbook step.
    double x = d[l] - mu, y = e[l], yy = y * y, ek = e[l], dk = d[l];
    for (long k = l; k < h; k++) {
      double xx = x * x, q = xx + yy, c, s, dn, en;  // yy = y * y
      double dk1 = d[k + 1], ebelow = k + 1 < h ? e[k + 1] : 0;
      if (q > 1e-100 && q < 1e100 && fabs(dk) + fabs(dk1) + fabs(ek) < 1e100) {
        double iq = 1 / q, r = sqrt(q);
        c = x / r;
        s = y / r;
        if (k > l) e[k - 1] = r;
        double xy = x * y, t = 2 * xy * ek;
        d[k] = (xx * dk + yy * dk1 + t) * iq;
        dn = (yy * dk + xx * dk1 - t) * iq;
        en = (xy * (dk1 - dk) + (xx - yy) * ek) * iq;
        y = s * ebelow;
        yy = y * y;
      } else {
        double r = norm2(x, y);
        if (r == 0) {
          c = 1;
          s = 0;
        } else {
          c = x / r;
          s = y / r;
        }
        if (k > l) e[k - 1] = r;
        double cs = c * s, cc = c * c, ss = s * s;
        d[k] = cc * dk + 2 * cs * ek + ss * dk1;
        dn = ss * dk - 2 * cs * ek + cc * dk1;
        en = cs * (dk1 - dk) + (cc - ss) * ek;
        y = s * ebelow;
        yy = y * y;
      }
      d[k + 1] = dn;
      e[k] = en;
      ek = c * ebelow;
      if (k + 1 < h) e[k + 1] = ek;
      dk = dn;
      x = en;
      cur[2 * k] = c;
      cur[2 * k + 1] = s;
      if (pk < ph) {
        rotate_rows(zt, ld, pk, pend[2 * pk], pend[2 * pk + 1]);
        pk++;
      }
    }
    for (; pk < ph; pk++) rotate_rows(zt, ld, pk, pend[2 * pk], pend[2 * pk + 1]);
    double *t = pend;
    pend = cur;
    cur = t;
    pk = l;
    ph = h;
  }
  for (; pk < ph; pk++) rotate_rows(zt, ld, pk, pend[2 * pk], pend[2 * pk + 1]);
  return ok;
}

CMA_CLONES int frontier_sym_eigen(long n, double *a, long ld, double *d, double *zt, double *e, double *beta,
                                  double *p, double *rot) {
  if (n <= 0) return 1;
  tridiagonalize(n, a, ld, d, e, beta, p, rot);
  form_qt(n, a, ld, zt, beta, rot);
  return implicit_qr(n, d, e, zt, ld, rot);
}
