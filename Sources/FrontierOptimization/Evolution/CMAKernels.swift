import CFrontierKernels

/// Swift entry points of the CMA-ES kernels in CFrontierKernels (`frontier_cma_kernels.h`),
/// compiled once per instruction set (AVX-512, AVX2, baseline) and chosen at load time.
/// Row-major matrices with explicit row strides; see the header for the padding contract.
enum CMAKernels {
  /// `x_k = mean + σ Σ_j z_k[j] v_j` for `k < rows`: `v` is `n × ld` (padded, `ld` a multiple
  /// of 8), `z` is `rows × ldz`, `mean` has `ld` entries and `x` is `rows × ld`.
  /// - Complexity: `O(rows n ld)`.
  @inline(__always)
  static func sample(
    n: Int, rows: Int, v: UnsafePointer<Double>, ld: Int, z: UnsafePointer<Double>, ldz: Int,
    mean: UnsafePointer<Double>, sigma: Double, x: UnsafeMutablePointer<Double>
  ) {
    precondition(ld % 8 == 0 && ld >= n && ldz >= n, "CMAKernels.sample: bad strides")
    frontier_cma_sample(n, rows, v, ld, z, ldz, mean, sigma, x)
  }

  /// Lower triangle only: `c_ij ← decay c_ij + Σ_r w_r y_r[i] y_r[j]` for `j ≤ i < n`, with
  /// `k` rows `y_r` of stride `ldy`; the strict upper triangle of `c` is not touched.
  /// - Complexity: `O(k n²/2)`.
  @inline(__always)
  static func syrkLower(
    n: Int, k: Int, decay: Double, w: UnsafePointer<Double>, y: UnsafePointer<Double>, ldy: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    frontier_syrk_lower(n, k, decay, w, y, ldy, c, ldc)
  }
}
