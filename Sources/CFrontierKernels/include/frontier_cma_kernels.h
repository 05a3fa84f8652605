// Dense double-precision kernels for CMA-ES (FrontierOptimization): batched sampling
// X = mean + sigma * Z V, a symmetric rank-k update on the lower triangle, and a symmetric
// eigensolver (Householder tridiagonalisation + implicit QR). Compiled once per
// instruction set (AVX-512, AVX2, baseline) like the distance kernels.
//
// Matrices are row-major with a leading dimension `ld` (doubles between rows). Where a
// kernel says "padded", `ld` must be a multiple of 8, and the columns n..<ld of every row
// must be finite (they take part in whole-vector arithmetic; their results are unused).
#ifndef FRONTIER_CMA_KERNELS_H
#define FRONTIER_CMA_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Batched sampling: x_k = mean + sigma * sum_j z_k[j] * v_j for k < rows, where v_j is row j
/// of `v` (n rows, padded, leading dimension ld), z_k is row k of `z` (leading dimension
/// ldz >= n), and x_k is row k of `x` (padded, leading dimension ld). `mean` has ld entries.
void frontier_cma_sample(long n, long rows, const double *v, long ld, const double *z, long ldz,
                         const double *mean, double sigma, double *x);

/// Lower-triangle symmetric rank-k update: for i < n, j <= i,
/// c[i*ldc + j] = decay * c[i*ldc + j] + sum_r w[r] * y[r*ldy + i] * y[r*ldy + j].
/// The strict upper triangle of `c` is not touched.
void frontier_syrk_lower(long n, long k, double decay, const double *w, const double *y, long ldy,
                         double *c, long ldc);

/// Eigendecomposition A = Q diag(d) Q^T of a symmetric n x n matrix.
/// `a` (padded, leading dimension ld): only its lower triangle is read; it is overwritten.
/// On return row k of `zt` (padded, leading dimension ld, n rows) is a unit eigenvector for
/// d[k] (unsorted). Scratch: e, beta, p of n doubles; `rot` of FRONTIER_SYM_EIGEN_ROT(n, ld)
/// doubles (a second work vector for the reduction, the panel of eight reflectors applied
/// at once when Q^T is formed, then the QR rotations of two sweeps: the previous sweep's
/// are applied to zt while the next is chased).
/// Returns 1 if every off-diagonal entry met the convergence test within 30 n QR steps.
#define FRONTIER_SYM_EIGEN_ROT(n, ld) (4 * (n) + 8 * (ld) + 144)
int frontier_sym_eigen(long n, double *a, long ld, double *d, double *zt, double *e, double *beta,
                       double *p, double *rot);

#ifdef __cplusplus
}
#endif
#endif
