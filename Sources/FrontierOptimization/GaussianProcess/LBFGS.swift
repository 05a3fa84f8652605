/// Limited-memory BFGS (Nocedal, "Updating quasi-Newton matrices with limited storage",
/// Math. Comp. 1980; Nocedal & Wright, *Numerical Optimization*, alg. 7.4–7.5) for smooth
/// unconstrained minimisation, with a backtracking Armijo line search. Used to fit GP
/// hyperparameters and to polish the acquisition function.
///
/// `evaluate(x, &gradient)` returns `f(x)` and writes `∇f(x)`. Stops after `maxIterations`,
/// when `‖∇f‖∞ < gradientTolerance`, when a step decreases `f` by at most
/// `relativeDecreaseTolerance · max(1, |f|)` (SciPy's `ftol` test), or when the line search
/// makes no progress. Returns the
/// best point seen and its value. Complexity: `O(m n)` per iteration besides evaluations.
func minimizeLBFGS(
  _ x0: [Double], maxIterations: Int, memory: Int = 8, gradientTolerance: Double = 1e-5,
  relativeDecreaseTolerance: Double = 1e-12,
  _ evaluate: (_ x: [Double], _ gradient: inout [Double]) -> Double
) -> (x: [Double], value: Double) {
  let n = x0.count
  var x = x0
  var g = [Double](repeating: 0, count: n)
  var f = evaluate(x, &g)
  guard f.isFinite else { return (x0, f) }
  var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
  var newG = g
  for _ in 0..<maxIterations {
    var gmax = 0.0
    for v in g { gmax = Swift.max(gmax, Swift.abs(v)) }
    if gmax < gradientTolerance { break }
    // Two-loop recursion: d = −H g.
    var q = g
    var alpha = [Double](repeating: 0, count: sList.count)
    for k in stride(from: sList.count - 1, through: 0, by: -1) {
      var a = 0.0
      for i in 0..<n { a += sList[k][i] * q[i] }
      a *= rhoList[k]
      alpha[k] = a
      for i in 0..<n { q[i] -= a * yList[k][i] }
    }
    if let s = sList.last, let y = yList.last {
      var sy = 0.0, yy = 0.0
      for i in 0..<n {
        sy += s[i] * y[i]
        yy += y[i] * y[i]
      }
      let gamma = sy / yy
      for i in 0..<n { q[i] *= gamma }
    } else {
      // First step: scale so that the step is at most 1 in the largest coordinate.
      let scale = 1 / Swift.max(gmax, 1)
      for i in 0..<n { q[i] *= scale }
    }
    for k in 0..<sList.count {
      var bta = 0.0
      for i in 0..<n { bta += yList[k][i] * q[i] }
      bta *= rhoList[k]
      for i in 0..<n { q[i] += sList[k][i] * (alpha[k] - bta) }
    }
    var slope = 0.0
    for i in 0..<n { slope -= g[i] * q[i] }
    if slope >= 0 {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.removeAll()
      yList.removeAll()
      rhoList.removeAll()
      let scale = 1 / Swift.max(gmax, 1)
      for i in 0..<n { q[i] = g[i] * scale }
      slope = 0
      for i in 0..<n { slope -= g[i] * q[i] }
    }
    // Backtracking line search along −q.
    var step = 1.0
    var accepted = false
    var xNew = x
    var fNew = f
    for _ in 0..<30 {
      for i in 0..<n { xNew[i] = x[i] - step * q[i] }
      fNew = evaluate(xNew, &newG)
      if fNew.isFinite && fNew <= f + 1e-4 * step * slope {
        accepted = true
        break
      }
      step *= 0.5
    }
    guard accepted else { break }
    var s = [Double](repeating: 0, count: n), y = s
    var sy = 0.0
    for i in 0..<n {
      s[i] = xNew[i] - x[i]
      y[i] = newG[i] - g[i]
      sy += s[i] * y[i]
    }
    let decrease = f - fNew
    x = xNew
    f = fNew
    g = newG
    if sy > 1e-12 {
      sList.append(s)
      yList.append(y)
      rhoList.append(1 / sy)
      if sList.count > memory {
        sList.removeFirst()
        yList.removeFirst()
        rhoList.removeFirst()
      }
    }
    if decrease <= relativeDecreaseTolerance * Swift.max(1, Swift.abs(f)) { break }
  }
  return (x, f)
}
