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

// Horizontal sum (a macro: a function taking a 64-byte vector has a different ABI per clone).
#define HSUM8(v, out)                              \
  do {                                             \
    double s_ = 0;                                 \
    for (int k_ = 0; k_ < 8; k_++) s_ += (v)[k_]; \
    (out) = s_;                                    \
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

// Householder reduction of the lower triangle of `w` to tridiagonal (d, e). Reflector k,
// I - beta_k v v^T with v supported on k+1..<n, is kept in row k right of the diagonal.
CMA_INLINE void tridiagonalize(long n, double *w, long ld, double *d, double *e, double *bt, double *pp) {
  for (long i = 0; i < n; i++) {
    bt[i] = 0;
    e[i] = 0;
  }
  for (long k = 0; k + 2 < n; k++) {
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
      continue;
    }
    double sigma2 = x0 * x0 + tail;
    double nrm = sqrt(sigma2);
    double alpha = x0 >= 0 ? -nrm : nrm;
    double b = 1 / (sigma2 - alpha * x0);
    v[0] = x0 - alpha;
    bt[k] = b;
    e[k] = alpha;
    // p = S v for the trailing block S (lower triangle only): row i gives the dot over j < i
    // and scatters a_ij v_i into p_j.
    double *s = w + (k + 1) * ld + (k + 1);
    for (long i = 0; i < m; i++) pp[i] = 0;
    for (long i = 0; i < m; i++) {
      const double *row = s + i * ld;
      double vi = v[i];
      v8d acc = {0}, viv = SPLAT8(vi);
      long j = 0;
      for (; j + 8 <= i; j += 8) {
        v8d a = LD8(row + j);
        acc += a * LD8(v + j);
        ST8(pp + j, LD8(pp + j) + a * viv);
      }
      double sc;
      HSUM8(acc, sc);
      for (; j < i; j++) {
        sc += row[j] * v[j];
        pp[j] += row[j] * vi;
      }
      pp[i] += sc + row[i] * vi;
    }
    double vp = 0;
    for (long i = 0; i < m; i++) {
      pp[i] *= b;
      vp += v[i] * pp[i];
    }
    double half = 0.5 * b * vp;
    for (long i = 0; i < m; i++) pp[i] -= half * v[i];
    // S <- S - v q^T - q v^T on the lower triangle.
    for (long i = 0; i < m; i++) {
      double *row = s + i * ld;
      double vi = v[i], qi = pp[i];
      v8d viv = SPLAT8(vi), qiv = SPLAT8(qi);
      long len = i + 1, j = 0;
      for (; j + 8 <= len; j += 8) ST8(row + j, LD8(row + j) - viv * LD8(pp + j) - qiv * LD8(v + j));
      for (; j < len; j++) row[j] -= vi * pp[j] + qi * v[j];
    }
  }
  for (long i = 0; i < n; i++) d[i] = w[i * ld + i];
  if (n >= 2) e[n - 2] = w[(n - 1) * ld + (n - 2)];
  e[n - 1] = 0;
}

// (a·x, a·y) over m doubles, one pass over a.
CMA_INLINE void dot2_n(const double *a, const double *x, const double *y, long m, double *sx, double *sy) {
  v8d s0 = {0}, s1 = {0};
  long i = 0;
  for (; i + 8 <= m; i += 8) {
    v8d av = LD8(a + i);
    s0 += av * LD8(x + i);
    s1 += av * LD8(y + i);
  }
  double r0, r1;
  HSUM8(s0, r0);
  HSUM8(s1, r1);
  for (; i < m; i++) {
    r0 += a[i] * x[i];
    r1 += a[i] * y[i];
  }
  *sx = r0;
  *sy = r1;
}

// a -= p x + q y over m doubles.
CMA_INLINE void axpy2_n(double *a, double p, const double *x, double q, const double *y, long m) {
  v8d pv = SPLAT8(p), qv = SPLAT8(q);
  long i = 0;
  for (; i + 8 <= m; i += 8) ST8(a + i, LD8(a + i) - pv * LD8(x + i) - qv * LD8(y + i));
  for (; i < m; i++) a[i] -= p * x[i] + q * y[i];
}

// zt <- Q^T, accumulated backward (reflector k touches rows and columns k+1..<n). Reflectors
// are applied two at a time (k, then k-1) in one pass over each row: with g = v_k·v_{k-1},
// r <- r - t1 v_k - t2 v_{k-1}, t1 = b_k r·v_k, t2 = b_{k-1} (r·v_{k-1} - t1 g), which halves
// the passes over the rows (the loop is bound by loads and stores, not arithmetic).
CMA_INLINE void form_qt(long n, const double *w, long ld, double *zt, const double *bt) {
  memset(zt, 0, sizeof(double) * (size_t)(n * ld));
  for (long i = 0; i < n; i++) zt[i * ld + i] = 1;
  long k = n - 3;
  while (k >= 0) {
    long m = n - k - 1;
    const double *v = w + k * ld + k + 1;
    if (k >= 1 && bt[k] != 0 && bt[k - 1] != 0) {
      const double *v2 = w + (k - 1) * ld + k;  // columns k..<n; v2[0] is column k
      double b1 = bt[k], b2 = bt[k - 1];
      double g = dot_n(v, v2 + 1, m);
      for (long i = k; i < n; i++) {
        double *row = zt + i * ld + k;
        double s1, s2;
        dot2_n(row + 1, v, v2 + 1, m, &s1, &s2);
        s2 += row[0] * v2[0];
        double t1 = b1 * s1, t2 = b2 * (s2 - t1 * g);
        axpy2_n(row + 1, t1, v, t2, v2 + 1, m);
        row[0] -= t2 * v2[0];
      }
      k -= 2;
      continue;
    }
    if (bt[k] != 0) {
      double b = bt[k];
      for (long i = k + 1; i < n; i++) {
        double *row = zt + i * ld + k + 1;
        double s = b * dot_n(row, v, m);
        if (s != 0) axpy_n(row, -s, v, m);
      }
    }
    k -= 1;
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
    double x = d[l] - mu, y = e[l];
    for (long k = l; k < h; k++) {
      double r = norm2(x, y), c, s;
      if (r == 0) {
        c = 1;
        s = 0;
      } else {
        c = x / r;
        s = y / r;
      }
      if (k > l) e[k - 1] = r;
      double dk = d[k], dk1 = d[k + 1], ek = e[k];
      double cs = c * s, cc = c * c, ss = s * s;
      d[k] = cc * dk + 2 * cs * ek + ss * dk1;
      d[k + 1] = ss * dk - 2 * cs * ek + cc * dk1;
      e[k] = cs * (dk1 - dk) + (cc - ss) * ek;
      if (k + 1 < h) {
        y = s * e[k + 1];
        e[k + 1] *= c;
      }
      x = e[k];
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
  tridiagonalize(n, a, ld, d, e, beta, p);
  form_qt(n, a, ld, zt, beta);
  return implicit_qr(n, d, e, zt, ld, rot);
}
