import FrontierCore
@testable import FrontierOptimization
import PropertyBased
import RealModule
import Testing

/// Records what the emitter tells it; samples the mean.
struct RecordingStrategy: RankedEvolutionStrategy {
  var dimension: Int
  var mean: [Double]
  var lastRanking: [Int] = []
  var lastParents = -1
  var restarts: [[Double]] = []
  var converged = false
  func sample(count: Int, into out: UnsafeMutablePointer<Double>, using normal: inout NormalSource) {
    for r in 0..<count { for j in 0..<dimension { out[r * dimension + j] = mean[j] } }
  }
  mutating func update(solutions: UnsafePointer<Double>, count: Int, ranking: [Int], parents: Int) {
    lastRanking = ranking
    lastParents = parents
  }
  var hasConverged: Bool { converged }
  mutating func restart(mean: [Double]) {
    restarts.append(mean)
    self.mean = mean
  }
}

@Suite struct EmitterTests {
  static func grid(_ n: Int = 2) throws -> GridArchive<VectorSolutions> {
    try GridArchive<VectorSolutions>(indexer: try GridLayout(dims: [10, 10], ranges: [(-5, 5), (-5, 5)]), solutionDimension: n)
  }

  @Test("Gaussian emitter: from x0 while the archive is empty, with the requested scale; clipped to bounds")
  func gaussianEmpty() throws {
    let archive = try Self.grid(2)
    var e = try GaussianEmitter(x0: [1, -1], sigma: 0.5, batchSize: 4000, seed: 9)
    var out = [Double](repeating: 0, count: 8000)
    out.withUnsafeMutableBufferPointer { e.ask(archive, into: $0.baseAddress!) }
    let xs = stride(from: 0, to: 8000, by: 2).map { out[$0] }
    let mean = xs.reduce(0, +) / 4000
    let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3999).squareRoot()
    #expect(abs(mean - 1) < 0.05 && abs(sd - 0.5) < 0.03, "mean \(mean) sd \(sd)")
    var b = try GaussianEmitter(x0: [1, -1], sigma: 5, batchSize: 500, bounds: try SolutionBounds(lower: [0, -2], upper: [2, 0]), seed: 1)
    out.withUnsafeMutableBufferPointer { b.ask(archive, into: $0.baseAddress!) }
    for r in 0..<500 { #expect(out[2 * r] >= 0 && out[2 * r] <= 2 && out[2 * r + 1] >= -2 && out[2 * r + 1] <= 0) }
  }

  @Test("ziggurat normals: mean 0, variance 1, kurtosis 3, tail mass beyond the base strip, reproducible")
  func zigguratMoments() {
    var g = NormalSource(seed: 42)
    let n = 400_000
    var s1 = 0.0, s2 = 0.0, s4 = 0.0, tail = 0
    for _ in 0..<n {
      let z = g.next()
      s1 += z
      s2 += z * z
      s4 += z * z * z * z
      if abs(z) > 3.442619855899 { tail += 1 }
    }
    let mean = s1 / Double(n), variance = s2 / Double(n) - mean * mean, kurt = s4 / Double(n) / (variance * variance)
    #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01 && abs(kurt - 3) < 0.05, "\(mean) \(variance) \(kurt)")
    // P(|Z| > r) = 5.76e-4: about 230 of 400,000.
    #expect(tail > 160 && tail < 310, "tail \(tail)")
    var a = NormalSource(seed: 7), b = NormalSource(seed: 7)
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
  }

  @Test("shared eigen-solver: A v = λ v on a random symmetric matrix; the CMA eigenbasis reproduces C")
  func cmaEigen() throws {
    var rng = Xoshiro256StarStar(seed: 11)
    let n = 25
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0...i { let x = Double.random(in: -1...1, using: &rng); a[i * n + j] = x; a[j * n + i] = x } }
    var eig = SymmetricEigen(n: n)
    eig.decompose(a)
    for e in 0..<n {
      for i in 0..<n {
        var av = 0.0
        for k in 0..<n { av += a[i * n + k] * eig.vectorRows[e * n + k] }
        #expect(abs(av - eig.values[e] * eig.vectorRows[e * n + i]) < 1e-10)
      }
    }
    var s = try TutorialCMAESStrategy(x0: [Double](repeating: 0, count: 8), sigma: 0.5, batchSize: 12)
    var normal = NormalSource(seed: 2)
    var x = [Double](repeating: 0, count: 96)
    for g in 0..<30 {
      x.withUnsafeMutableBufferPointer { s.sample(count: 12, into: $0.baseAddress!, using: &normal) }
      var f = [Double](repeating: 0, count: 12)
      for r in 0..<12 {
        for j in 0..<8 {
          let xj = x[r * 8 + j]
          f[r] += Double(j + 1) * xj * xj
        }
      }
      let ranking = (0..<12).sorted { f[$0] < f[$1] }
      x.withUnsafeBufferPointer { s.update(solutions: $0.baseAddress!, count: 12, ranking: ranking, parents: 6) }
      if g % s.eigenGap == 0 { s.refreshEigen() }
      // B diag(d²) Bᵀ = C after a refresh.
      if g % s.eigenGap == 0 {
        for i in 0..<8 {
          for j in 0..<8 {
            var v = 0.0
            for k in 0..<8 { v += s.es.b[i * 8 + k] * s.es.d[k] * s.es.d[k] * s.es.b[j * 8 + k] }
            #expect(abs(v - s.es.covariance[i * 8 + j]) < 1e-9 * max(1, abs(v)))
          }
        }
      }
    }
    // The pyribs-rule strategy: its eigenpairs reproduce C after every refresh.
    var p = try CMAESStrategy(x0: [Double](repeating: 0, count: 8), sigma: 0.5, batchSize: 12)
    for _ in 0..<30 {
      x.withUnsafeMutableBufferPointer { p.sample(count: 12, into: $0.baseAddress!, using: &normal) }
      var f = [Double](repeating: 0, count: 12)
      for r in 0..<12 { for j in 0..<8 { f[r] += Double(j + 1) * x[r * 8 + j] * x[r * 8 + j] } }
      let ranking = (0..<12).sorted { f[$0] < f[$1] }
      x.withUnsafeBufferPointer { p.update(solutions: $0.baseAddress!, count: 12, ranking: ranking, parents: 6) }
      p.refreshEigen()
      let (lam, v) = p.eigenpairs, c = p.covariance
      for i in 0..<8 {
        for j in 0..<8 {
          var r = 0.0
          for k in 0..<8 { r += v[k * 8 + i] * lam[k] * v[k * 8 + j] }
          #expect(abs(r - c[i * 8 + j]) < 1e-9 * max(1, abs(r)))
        }
      }
    }
    #expect(p.decompositions == 30)
  }

  /// pyribs 0.12's `CMAEvolutionStrategy.tell`, written out naively on `[[Double]]` as the
  /// oracle for ``CMAESStrategy``: returns the new mean, σ, p_σ, p_c and full C.
  static func pyribsTell(
    x: [[Double]], ranking: [Int], parents mu: Int, mean m: [Double], sigma: Double, ps: [Double], pc: [Double],
    c: [[Double]], invsqrt: [[Double]], evals: Int, lambda: Int
  ) -> (mean: [Double], sigma: Double, ps: [Double], pc: [Double], c: [[Double]]) {
    let n = Double(m.count), nn = m.count
    var w = (1...mu).map { Double.log(Double(mu) + 0.5) - Double.log(Double($0)) }
    let tot = w.reduce(0, +)
    w = w.map { $0 / tot }
    let mueff = Double.pow(w.reduce(0, +), 2.0) / w.map { $0 * $0 }.reduce(0, +)
    let cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n), cs = (mueff + 2) / (n + mueff + 5)
    let c1 = 2 / (Double.pow(n + 1.3, 2.0) + mueff), cmu = min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / (Double.pow(n + 2, 2.0) + mueff))
    let damps = 1 + 2 * max(0, ((mueff - 1) / (n + 1)).squareRoot() - 1) + cs
    let par = (0..<mu).map { x[ranking[$0]] }
    let newMean = (0..<nn).map { i in (0..<mu).reduce(0.0) { $0 + w[$1] * par[$1][i] } }
    let y = (0..<nn).map { newMean[$0] - m[$0] }
    let z = (0..<nn).map { i in (0..<nn).reduce(0.0) { $0 + invsqrt[i][$1] * y[$1] } }
    let ps2 = (0..<nn).map { (1 - cs) * ps[$0] + (cs * (2 - cs) * mueff).squareRoot() / sigma * z[$0] }
    let sq = ps2.map { $0 * $0 }.reduce(0, +)
    let left = sq / n / (1 - Double.pow(1 - cs, 2 * Double(evals) / Double(lambda)))
    let hsig = left < 2 + 4 / (n + 1) ? 1.0 : 0.0
    let pc2 = (0..<nn).map { (1 - cc) * pc[$0] + hsig * (cc * (2 - cc) * mueff).squareRoot() * y[$0] }
    let c1a = c1 * (1 - (1 - hsig * hsig) * cc * (2 - cc))
    var c2 = c
    for i in 0..<nn {
      for j in 0..<nn {
        var rankMu = 0.0
        for k in 0..<mu { rankMu += w[k] * (par[k][i] - m[i]) * (par[k][j] - m[j]) }
        c2[i][j] = c[i][j] * (1 - c1a - cmu * w.reduce(0, +)) + c1 * pc2[i] * pc2[j] * c1 + rankMu * cmu / (sigma * sigma)
      }
    }
    let s2 = sigma * Double.exp(min(1, cs / damps * (sq / n - 1) / 2))
    return (newMean, s2, ps2, pc2, c2)
  }

  @Test("CMAESStrategy follows pyribs 0.12's CMA-ES update (naive oracle), including C^{-1/2} after a decomposition")
  func pyribsRuleOracle() throws {
    let n = 5, lambda = 8
    var s = try CMAESStrategy(x0: [0.1, -0.2, 0.3, 0, 0.5], sigma: 0.4, batchSize: lambda)
    var mean = [0.1, -0.2, 0.3, 0, 0.5], sigma = 0.4, ps = [Double](repeating: 0, count: n), pc = ps
    var c = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0 } }
    var invsqrt = c
    var normal = NormalSource(seed: 5)
    var x = [Double](repeating: 0, count: lambda * n)
    var evals = 0
    for g in 0..<12 {
      let decomposed = s.decompositions
      x.withUnsafeMutableBufferPointer { s.sample(count: lambda, into: $0.baseAddress!, using: &normal) }
      if s.decompositions > decomposed {
        // Refreshed during this sample: C^{-1/2} from the strategy's eigenpairs.
        let (lam, v) = s.eigenpairs
        invsqrt = (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0.0) { $0 + v[$1 * n + i] * v[$1 * n + j] / lam[$1].squareRoot() } } }
      }
      let f = (0..<lambda).map { r in (0..<n).reduce(0.0) { $0 + Double($1 + 1) * x[r * n + $1] * x[r * n + $1] } }
      let ranking = (0..<lambda).sorted { f[$0] < f[$1] }
      let mu = g % 3 == 2 ? 0 : 1 + g % lambda / 2
      evals += lambda
      let rows = (0..<lambda).map { Array(x[($0 * n)..<($0 * n + n)]) }
      let before = s.decompositions
      x.withUnsafeBufferPointer { s.update(solutions: $0.baseAddress!, count: lambda, ranking: ranking, parents: mu) }
      #expect(s.evaluations == evals && s.decompositions == before)
      if mu > 0 {
        (mean, sigma, ps, pc, c) = Self.pyribsTell(
          x: rows, ranking: ranking, parents: mu, mean: mean, sigma: sigma, ps: ps, pc: pc, c: c, invsqrt: invsqrt,
          evals: evals, lambda: lambda)
      }
      let cs = s.covariance
      #expect(abs(s.sigma - sigma) < 1e-12 * sigma, "g \(g)")
      for i in 0..<n {
        #expect(abs(s.currentMean[i] - mean[i]) < 1e-12)
        #expect(abs(s.ps[i] - ps[i]) < 1e-10 && abs(s.pc[i] - pc[i]) < 1e-12)
        for j in 0..<n { #expect(abs(cs[i * n + j] - c[i][j]) < 1e-12, "g \(g) C[\(i)][\(j)]") }
      }
    }
    #expect(s.decompositions > 0)
  }

  @Test("NormalSource.fill gives the values of as many next() calls, slow-path draws included")
  func normalFillMatchesNext() async {
    await propertyCheck(count: 20, input: Gen.uint64(), Gen.int(in: 1...3000)) { seed, count in
      var a = NormalSource(seed: seed), b = NormalSource(seed: seed)
      var out = [Double](repeating: 0, count: count)
      out.withUnsafeMutableBufferPointer { a.fill($0.baseAddress!, count: count) }
      #expect(out == (0..<count).map { _ in b.next() })
      #expect(a.next() == b.next())
    }
  }

  @Test("AlignedDoubles: 64-byte aligned, and a copy mutated after the original keeps both values")
  func alignedDoubles() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...500), Gen.int(in: 0...20)) { count, copies in
      var a = AlignedDoubles(count: count)
      a.withMutablePointer { p in
        #expect(Int(bitPattern: p) % 64 == 0)
        for i in 0..<count { p[i] = Double(i) }
      }
      var kept: [AlignedDoubles] = []
      var b = a
      for _ in 0..<copies {
        kept.append(b)  // shares b's storage: the next mutation copies it, maybe to another alignment
        b.withMutablePointer { p in
          #expect(Int(bitPattern: p) % 64 == 0)
          for i in 0..<count { p[i] += 1 }
        }
      }
      a.withPointer { p in #expect((0..<count).allSatisfy { p[$0] == Double($0) }) }
      b.withPointer { p in #expect((0..<count).allSatisfy { p[$0] == Double($0 + copies) }) }
      for (c, k) in kept.enumerated() {
        k.withPointer { p in #expect((0..<count).allSatisfy { p[$0] == Double($0 + c) }) }
      }
    }
  }

  @Test("a copy of a CMAESStrategy continues bit for bit like the original (aligned buffers survive copy-on-write)")
  func cmaesCopyContinues() throws {
    let n = 13, lambda = 10
    var s = try CMAESStrategy(x0: [Double](repeating: 0.1, count: n), sigma: 0.4, batchSize: lambda)
    var normal = NormalSource(seed: 9)
    var x = [Double](repeating: 0, count: lambda * n)
    func generation(_ s: inout CMAESStrategy, _ normal: inout NormalSource, _ x: inout [Double]) {
      x.withUnsafeMutableBufferPointer { s.sample(count: lambda, into: $0.baseAddress!, using: &normal) }
      var f = [Double](repeating: 0, count: lambda)
      for r in 0..<lambda { for j in 0..<n { f[r] += Double(j + 1) * x[r * n + j] * x[r * n + j] } }
      let ranking = (0..<lambda).sorted { f[$0] < f[$1] }
      x.withUnsafeBufferPointer { s.update(solutions: $0.baseAddress!, count: lambda, ranking: ranking, parents: lambda / 2) }
    }
    for _ in 0..<12 { generation(&s, &normal, &x) }
    var copies: [CMAESStrategy] = []
    var runs: [[Double]] = []
    for _ in 0..<4 {
      var c = s, nc = normal, xc = x
      copies.append(c)  // keeps the shared storage alive, so c's writes copy its buffers
      var trace: [Double] = []
      for _ in 0..<12 {
        generation(&c, &nc, &xc)
        trace += xc
      }
      c.refreshEigen()
      trace += c.eigenpairs.vectors + c.eigenpairs.values + c.covariance
      runs.append(trace)
    }
    // Last, the original itself (its storage is shared with the kept copies).
    var trace: [Double] = []
    for _ in 0..<12 {
      generation(&s, &normal, &x)
      trace += x
    }
    s.refreshEigen()
    runs.append(trace + s.eigenpairs.vectors + s.eigenpairs.values + s.covariance)
    #expect(s.decompositions > 0)
    for r in runs.dropFirst() { #expect(r == runs[0]) }
  }

  @Test("a CMA-MAE scheduler gives the same archive on 1 and 3 threads (emitters and the evaluation of the batch)")
  func threadsDeterministic() throws {
    let d = try LinearProjectionDomain(.sphere, dimension: 10)
    let g = try GridLayout(dims: [20, 20], ranges: d.measureRanges)
    let x0 = [Double](repeating: 0, count: 10)
    var outcomes: [[Double]] = []
    for threads in [1, 3] {
      let a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 10, learningRate: 0.01, thresholdMin: 0)
      let em = try (0..<5).map { k in
        try EvolutionStrategyEmitter(
          strategy: try CMAESStrategy(x0: x0, sigma: 0.5, batchSize: 12), x0: x0, batchSize: 12,
          ranking: .improvement, selection: .mu, restartRule: .basic, seed: UInt64(k))
      }
      var s = try Scheduler(archive: a, emitters: em, threads: threads)
      s.run(on: d, iterations: 60)
      outcomes.append(s.archive.objective + s.archive.storage.values)
    }
    #expect(outcomes[0] == outcomes[1])
  }

  @Test("iso-line emitter with no isotropic noise proposes points on the line through two elites")
  func isoLineOnLine() throws {
    var archive = try Self.grid(2)
    var r = AddResult()
    archive.add(solutions: [0, 0, 2, 1], objectives: [1, 1], measures: [-4, -4, 4, 4], into: &r)
    var e = try IsoLineEmitter(x0: [0, 0], isoSigma: 1e-300, lineSigma: 1, batchSize: 200, seed: 3)
    var out = [Double](repeating: 0, count: 400)
    out.withUnsafeMutableBufferPointer { e.ask(archive, into: $0.baseAddress!) }
    for k in 0..<200 {
      // Points on the line through (0, 0) and (2, 1): y = x / 2.
      #expect(abs(out[2 * k + 1] - out[2 * k] / 2) < 1e-9, "point \(out[2 * k]), \(out[2 * k + 1])")
    }
  }

  @Test("emitters reject a zero batch, a bad sigma and x0 of the wrong length")
  func badEmitterInput() throws {
    #expect(throws: QDError.self) { try GaussianEmitter(x0: [0, 0], sigma: 0.5, batchSize: 0, seed: 1) }
    #expect(throws: QDError.self) { try GaussianEmitter(x0: [0, 0], sigma: -1, batchSize: 3, seed: 1) }
    #expect(throws: QDError.self) { try IsoLineEmitter(x0: [], isoSigma: 0.1, batchSize: 3, seed: 1) }
    #expect(throws: QDError.self) { try SolutionBounds(lower: [0, 1], upper: [1, 1]) }
    #expect(throws: QDError.self) {
      try EvolutionStrategyEmitter(strategy: RecordingStrategy(dimension: 2, mean: [0, 0]), x0: [0, 0], batchSize: 0, seed: 1)
    }
    #expect(throws: QDError.self) { try CMAESStrategy(x0: [0, 0], sigma: 0.5, batchSize: 1) }
  }

  @Test("schedulers reject no emitters and emitters of another dimension")
  func badScheduler() throws {
    let a = try Self.grid(2)
    #expect(throws: QDError.self) { try Scheduler<GridLayout, GaussianEmitter>(archive: a, emitters: []) }
    #expect(throws: QDError.self) {
      try Scheduler(archive: a, emitters: [try GaussianEmitter(x0: [0, 0, 0], sigma: 1, batchSize: 2, seed: 1)])
    }
    #expect(throws: QDError.self) {
      try BanditScheduler(archive: a, pool: [try GaussianEmitter(x0: [0, 0], sigma: 1, batchSize: 2, seed: 1)], activeCount: 2)
    }
  }

  @Test("two-stage improvement ranking: new cells, then improvements, then the rest, each by value")
  func twoStageRanking() throws {
    var archive = try Self.grid(2)
    var r = AddResult()
    // Occupy the cell of measures (0.5, 0.5) with objective 5.
    archive.add(solutions: [0, 0], objectives: [5], measures: [0.5, 0.5], into: &r)
    var e = try EvolutionStrategyEmitter(
      strategy: RecordingStrategy(dimension: 2, mean: [0, 0]), x0: [0, 0], batchSize: 5, seed: 1)
    var sols = [Double](repeating: 0, count: 10)
    sols.withUnsafeMutableBufferPointer { e.ask(archive, into: $0.baseAddress!) }
    let objectives: [Double] = [6, 1, 9, 3, 7]
    let measures: [Double] = [0.5, 0.5, 0.5, 0.6, -3, -3, 0.5, 0.5, 3, 3]
    archive.add(solutions: sols, objectives: objectives, measures: measures, into: &r)
    #expect(r.status == [.improveExisting, .notAdded, .new, .notAdded, .new])
    sols.withUnsafeBufferPointer { s in
      objectives.withUnsafeBufferPointer { o in
        e.tell(archive, solutions: s.baseAddress!, objectives: o.baseAddress!, result: r, offset: 0)
      }
    }
    // New: 2 (value 9), 4 (7); improvement: 0 (1); not added: 3 (-2), 1 (-4).
    #expect(e.strategy.lastRanking == [2, 4, 0, 3, 1])
    #expect(e.strategy.lastParents == 3)  // filter: the three that entered the archive
    #expect(e.restartCount == 0)
  }

  @Test("improvement ranking with mu selection; restart from an elite when nothing improves (no_improvement)")
  func improvementRankingAndRestart() throws {
    var archive = try Self.grid(1)
    var r = AddResult()
    archive.add(solutions: [0.25], objectives: [10], measures: [0, 0], into: &r)
    var e = try EvolutionStrategyEmitter(
      strategy: RecordingStrategy(dimension: 1, mean: [0]), x0: [0], batchSize: 4, ranking: .improvement,
      selection: .mu, restartRule: .noImprovement, seed: 1)
    let sols: [Double] = [1, 2, 3, 4]
    let objectives: [Double] = [1, 4, 2, 3]
    archive.add(solutions: sols, objectives: objectives, measures: [0, 0, 0, 0, 0, 0, 0, 0], into: &r)
    sols.withUnsafeBufferPointer { s in
      objectives.withUnsafeBufferPointer { o in
        e.tell(archive, solutions: s.baseAddress!, objectives: o.baseAddress!, result: r, offset: 0)
      }
    }
    #expect(e.strategy.lastRanking == [1, 3, 2, 0] && e.strategy.lastParents == 2)
    #expect(e.restartCount == 1 && e.strategy.restarts == [[0.25]])
  }

  @Test("MAP-Elites on sphere-10: coverage and QD score grow; the elitist QD score never decreases")
  func mapElitesRuns() throws {
    let d = try LinearProjectionDomain(.sphere, dimension: 10)
    let g = try GridLayout(dims: [20, 20], ranges: d.measureRanges)
    let a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 10)
    var s = try Scheduler(
      archive: a, emitters: try (0..<2).map { try GaussianEmitter(x0: [Double](repeating: 0, count: 10), sigma: 0.5, batchSize: 20, seed: UInt64($0)) })
    var last = -1.0
    var monotone = true
    let evals = s.run(on: d, iterations: 60, logEvery: 5) { _, _, st in
      if st.qdScore < last { monotone = false }
      last = st.qdScore
    }
    #expect(evals == 2400 && monotone)
    #expect(s.result.stats.numElites > 20 && s.result.stats.objMax! > 50)
  }

  @Test("CMA-ME and CMA-MAE (with a result archive) run on sphere-10 and improve the archive")
  func cmaRuns() throws {
    let d = try LinearProjectionDomain(.sphere, dimension: 10)
    let g = try GridLayout(dims: [20, 20], ranges: d.measureRanges)
    let x0 = [Double](repeating: 0, count: 10)
    for mae in [false, true] {
      let a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 10, learningRate: mae ? 0.01 : 1, thresholdMin: mae ? 0 : -.infinity)
      let result = mae ? try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 10) : nil
      let em = try (0..<3).map { k in
        try EvolutionStrategyEmitter(
          strategy: try CMAESStrategy(x0: x0, sigma: 0.5, batchSize: 12), x0: x0, batchSize: 12,
          ranking: mae ? .improvement : .twoStageImprovement, selection: mae ? .mu : .filter,
          restartRule: mae ? .basic : .noImprovement, seed: UInt64(k))
      }
      var s = try Scheduler(archive: a, emitters: em, resultArchive: result)
      s.run(on: d, iterations: 80)
      #expect(s.result.stats.numElites > 30, "mae \(mae): \(s.result.stats)")
      if mae {
        // The result archive is elitist: at least as good per cell as the annealed archive.
        for c in 0..<s.archive.cellCount where s.archive.occupied[c] {
          #expect(s.result.occupied[c] && s.result.objective[c] >= s.archive.objective[c])
        }
      }
    }
  }

  @Test("bandit scheduler keeps the requested number of emitters active and counts successes")
  func bandit() throws {
    let d = try LinearProjectionDomain(.sphere, dimension: 6)
    let g = try GridLayout(dims: [10, 10], ranges: d.measureRanges)
    let a = try GridArchive<VectorSolutions>(indexer: g, solutionDimension: 6)
    let pool = try [0.05, 0.5, 2].enumerated().map { k, s in
      try GaussianEmitter(x0: [Double](repeating: 0, count: 6), sigma: s, batchSize: 10, seed: UInt64(k))
    }
    var b = try BanditScheduler(archive: a, pool: pool, activeCount: 2)
    for _ in 0..<30 {
      b.ask()
      #expect(b.asked.count == 2 && b.solutions.count == 20 * 6)
      var o = [Double](repeating: 0, count: 20), m = [Double](repeating: 0, count: 40)
      b.solutions.withUnsafeBufferPointer { s in
        o.withUnsafeMutableBufferPointer { op in
          m.withUnsafeMutableBufferPointer { mp in d.evaluate(s.baseAddress!, count: 20, objectives: op.baseAddress!, measures: mp.baseAddress!) }
        }
      }
      o.withUnsafeBufferPointer { op in m.withUnsafeBufferPointer { mp in b.tell(objectives: op, measures: mp) } }
    }
    #expect(b.selections.reduce(0, +) == 600)
    // Every elite entered with a success; improvements are successes too.
    #expect(b.successes.reduce(0, +) >= Double(b.result.stats.numElites))
  }

  @Test("domains: sphere optimum scores 100 and x = -5.12 scores 0; arm straight line reaches (n, 0)")
  func domains() throws {
    let s = try LinearProjectionDomain(.sphere, dimension: 4)
    let r = try LinearProjectionDomain(.rastrigin, dimension: 4)
    let arm = try ArmDomain(dimension: 3)
    var o = [0.0, 0.0], m = [0.0, 0.0, 0.0, 0.0]
    let x: [Double] = [2.048, 2.048, 2.048, 2.048, -5.12, -5.12, -5.12, -5.12]
    for dom in [s, r] {
      x.withUnsafeBufferPointer { xp in
        o.withUnsafeMutableBufferPointer { op in
          m.withUnsafeMutableBufferPointer { mp in dom.evaluate(xp.baseAddress!, count: 2, objectives: op.baseAddress!, measures: mp.baseAddress!) }
        }
      }
      #expect(abs(o[0] - 100) < 1e-9 && abs(o[1]) < 1e-9, "\(dom.name) \(o)")
      #expect(abs(m[0] - 4.096) < 1e-12 && abs(m[2] + 10.24) < 1e-12)
    }
    // |x| > 5.12 is folded back: 5.12 / x.
    let far: [Double] = [10.24, 10.24, 0, 0]
    far.withUnsafeBufferPointer { xp in
      o.withUnsafeMutableBufferPointer { op in
        m.withUnsafeMutableBufferPointer { mp in s.evaluate(xp.baseAddress!, count: 1, objectives: op.baseAddress!, measures: mp.baseAddress!) }
      }
    }
    #expect(m[0] == 1 && m[1] == 0)
    let zero: [Double] = [0, 0, 0]
    zero.withUnsafeBufferPointer { xp in
      o.withUnsafeMutableBufferPointer { op in
        m.withUnsafeMutableBufferPointer { mp in arm.evaluate(xp.baseAddress!, count: 1, objectives: op.baseAddress!, measures: mp.baseAddress!) }
      }
    }
    #expect(o[0] == 100 && m[0] == 3 && m[1] == 0)
    #expect(throws: QDError.self) { try LinearProjectionDomain(.sphere, dimension: 1) }
  }
}
