public import FrontierCore
import RealModule

/// Settings of ``NSGA2``; the defaults are pymoo's `NSGA2()` (pymoo 0.6).
public struct NSGA2Configuration: Sendable, Hashable {
  /// Survivors per generation and offspring per generation (pymoo `pop_size`). Odd sizes
  /// work as in pymoo: the last mating's second child is dropped.
  public var populationSize = 100
  /// Probability that a mating applies SBX (otherwise the children copy the parents).
  public var crossoverProbability = 0.9
  /// SBX distribution index η_c.
  public var crossoverEta = 15.0
  /// Probability that SBX recombines a given variable (pymoo `prob_var`).
  public var crossoverVariableProbability = 0.5
  /// Probability that SBX swaps the two children's values of a variable (pymoo `prob_bin`).
  public var exchangeProbability = 0.5
  /// Probability that an offspring is mutated at all (pymoo's `PM` default `prob=0.9`).
  public var mutationProbability = 0.9
  /// Polynomial mutation distribution index η_m.
  public var mutationEta = 20.0
  /// Probability of mutating each variable; nil means pymoo's `min(0.5, 1 / n)`.
  public var mutationVariableProbability: Double? = nil
  /// Drop offspring that equal (Euclidean distance ≤ 1e-16) a population member, an earlier
  /// offspring or an earlier candidate of the same batch (pymoo's default duplicate
  /// elimination), and mate again until the batch is full.
  public var eliminateDuplicates = true
  /// Mating rounds tried to fill a batch with unique offspring before giving up (pymoo 100).
  public var maxMatingRounds = 100

  public init(populationSize: Int = 100) { self.populationSize = populationSize }
}

/// Bad settings or a misuse of the ask/tell cycle of a multi-objective optimizer.
public enum MultiObjectiveError: Error, Hashable, CustomStringConvertible {
  case noVariables
  case boundsCountMismatch(lower: Int, upper: Int)
  /// `low >= high` or not finite. (pymoo accepts `low == high` as a fixed variable; Frontier
  /// asks for a real range.)
  case invalidBounds(variable: Int, low: Double, high: Double)
  case invalidPopulationSize(Int)
  case invalidObjectiveCount(Int)
  case invalidParameter(name: String, value: Double)
  /// `tell` got a number of values that is not (candidates asked) × (objectives).
  case objectiveCountMismatch(expected: Int, got: Int)
  /// `tell` without a pending `ask`.
  case nothingAsked

  public var description: String {
    switch self {
    case .noVariables: return "at least one variable is needed"
    case .boundsCountMismatch(let l, let u): return "\(l) lower bounds but \(u) upper bounds"
    case .invalidBounds(let v, let l, let h):
      return "variable \(v): lower bound \(l) must be finite and below the upper bound \(h)"
    case .invalidPopulationSize(let n): return "population size must be at least 1, got \(n)"
    case .invalidObjectiveCount(let m): return "at least one objective is needed, got \(m)"
    case .invalidParameter(let name, let v): return "\(name) out of range: \(v)"
    case .objectiveCountMismatch(let e, let g): return "expected \(e) objective values, got \(g)"
    case .nothingAsked: return "tell called without a pending ask"
    }
  }
}

/// NSGA-II (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic
/// algorithm: NSGA-II", IEEE TEC 6(2), 2002) for box-constrained real variables, following
/// pymoo's `NSGA2` operator for operator:
///
/// 1. the first ``ask()`` returns `populationSize` uniform random points in the bounds
///    (duplicates removed); its ``tell(_:)`` ranks them (survival of all);
/// 2. later asks mate the population: binary tournaments (pymoo's `comp_by_dom_and_crowding`:
///    the dominating candidate wins, otherwise the larger crowding distance, otherwise a coin),
///    SBX crossover (η 15, probability 0.9 per mating, 0.5 per variable, children swapped per
///    variable with probability 0.5, clamped to the bounds), polynomial mutation (η 20,
///    probability 0.9 per child and 1/n per variable), duplicate elimination;
/// 3. tell merges parents and offspring and keeps `populationSize` by non-dominated rank,
///    breaking the last front by crowding distance (descending, ties in random order).
///
/// Batch ask/tell: `ask` returns a flat batch of candidates (row-major, `variableCount` per
/// row), `tell` takes their objectives flat (row-major, all minimised). A study drives it the
/// same way it drives any ``Sampler``: one generation is one batch of trials (see
/// Guides/NSGA2.md). Rows with a NaN or infinite objective are rejected at `tell` (counted in
/// ``rejected``, never inserted into the population).
///
/// Cost per generation with population N, n variables, m objectives: O(N n) for variation,
/// O(N² n) for duplicate elimination, O(N log N) (m = 2) or O(m N²) (m > 2) for sorting.
public struct NSGA2: Sendable {
  public let configuration: NSGA2Configuration
  public let lowerBounds: [Double]
  public let upperBounds: [Double]
  public let objectiveCount: Int
  /// Completed ask/tell cycles (the initial population counts as generation 1, as in pymoo).
  public private(set) var generation = 0
  /// Candidates told so far, including rejected ones.
  public private(set) var evaluations = 0
  /// Candidates whose objectives were NaN or infinite (never inserted).
  public private(set) var rejected = 0

  @usableFromInline var rng: Xoshiro256StarStar
  @usableFromInline let mutationVariableProbability: Double

  // Population (flat), with rank and crowding from the last survival.
  @usableFromInline var popX: [Double] = []
  @usableFromInline var popF: [Double] = []
  @usableFromInline var popRank: [Int32] = []
  @usableFromInline var popCrowding: [Double] = []
  // Pending batch.
  @usableFromInline var pendingX: [Double] = []
  @usableFromInline var pendingCount = 0
  // Reused buffers.
  @usableFromInline var mergedX: [Double] = []
  @usableFromInline var mergedF: [Double] = []
  @usableFromInline var candidates: [Double] = []
  @usableFromInline var parents: [Int32] = []
  @usableFromInline var perm: [Int32] = []
  @usableFromInline var ranks: [Int32] = []
  @usableFromInline var frontStart: [Int32] = []
  @usableFromInline var byFront: [Int32] = []
  @usableFromInline var distances: [Double] = []
  @usableFromInline var survivors: [Int32] = []
  @usableFromInline var survivorCrowding: [Double] = []
  @usableFromInline var sorter = NonDominatedSorter()
  @usableFromInline var crowding = CrowdingDistance()

  /// An optimizer for `objectives` objectives over the box `lower...upper`.
  /// - Throws: ``MultiObjectiveError`` for empty or inverted bounds, a population below 1,
  ///   fewer than one objective or probabilities outside [0, 1].
  public init(
    lower: [Double], upper: [Double], objectives: Int,
    configuration: NSGA2Configuration = NSGA2Configuration(), seed: UInt64 = 0
  ) throws {
    guard !lower.isEmpty else { throw MultiObjectiveError.noVariables }
    guard lower.count == upper.count else {
      throw MultiObjectiveError.boundsCountMismatch(lower: lower.count, upper: upper.count)
    }
    for i in lower.indices where !(lower[i].isFinite && upper[i].isFinite && lower[i] < upper[i]) {
      throw MultiObjectiveError.invalidBounds(variable: i, low: lower[i], high: upper[i])
    }
    guard configuration.populationSize >= 1 else {
      throw MultiObjectiveError.invalidPopulationSize(configuration.populationSize)
    }
    guard objectives >= 1 else { throw MultiObjectiveError.invalidObjectiveCount(objectives) }
    let probabilities: [(String, Double)] = [
      ("crossoverProbability", configuration.crossoverProbability),
      ("crossoverVariableProbability", configuration.crossoverVariableProbability),
      ("exchangeProbability", configuration.exchangeProbability),
      ("mutationProbability", configuration.mutationProbability),
      ("mutationVariableProbability", configuration.mutationVariableProbability ?? 0),
    ]
    for (name, p) in probabilities where !(p >= 0 && p <= 1) {
      throw MultiObjectiveError.invalidParameter(name: name, value: p)
    }
    for (name, eta) in [("crossoverEta", configuration.crossoverEta), ("mutationEta", configuration.mutationEta)]
    where !(eta >= 0 && eta.isFinite) {
      throw MultiObjectiveError.invalidParameter(name: name, value: eta)
    }
    self.configuration = configuration
    self.lowerBounds = lower
    self.upperBounds = upper
    self.objectiveCount = objectives
    self.rng = Xoshiro256StarStar(seed: seed)
    self.mutationVariableProbability =
      configuration.mutationVariableProbability ?? min(0.5, 1.0 / Double(lower.count))
  }

  /// An optimizer for `problem`'s bounds and objectives.
  public init<P: MultiObjectiveProblem>(
    problem: P, configuration: NSGA2Configuration = NSGA2Configuration(), seed: UInt64 = 0
  ) throws {
    try self.init(
      lower: problem.lowerBounds, upper: problem.upperBounds, objectives: problem.objectiveCount,
      configuration: configuration, seed: seed)
  }

  @inlinable public var variableCount: Int { lowerBounds.count }
  /// Current population size (`populationSize` once the first batch is told, unless
  /// candidates were rejected).
  @inlinable public var populationCount: Int { popRank.count }
  /// The population's variables, flat (row-major).
  @inlinable public var populationVariables: [Double] { popX }
  /// The population's objectives, flat (row-major).
  @inlinable public var populationObjectives: [Double] { popF }
  /// Non-dominated rank of each population member (0 = first front).
  @inlinable public var populationRanks: [Int32] { popRank }
  /// Crowding distance of each population member within its front.
  @inlinable public var populationCrowding: [Double] { popCrowding }

  /// Indices of the population's first front: pymoo's `res.opt`.
  public var paretoIndices: [Int] { popRank.indices.filter { popRank[$0] == 0 } }
  /// Objectives of the population's first front, flat.
  public var paretoFront: [Double] {
    var out: [Double] = []
    let m = objectiveCount
    for i in paretoIndices { out.append(contentsOf: popF[(i * m)..<(i * m + m)]) }
    return out
  }
  /// Variables of the population's first front, flat.
  public var paretoSet: [Double] {
    var out: [Double] = []
    let n = variableCount
    for i in paretoIndices { out.append(contentsOf: popX[(i * n)..<(i * n + n)]) }
    return out
  }

  // MARK: ask / tell

  /// The next batch of candidates, flat (`variableCount` values per row): the initial random
  /// population first, then one generation of offspring. Asking again before ``tell(_:)``
  /// returns the same batch. A batch can be shorter than `populationSize` when duplicate
  /// elimination cannot find enough unique offspring (then it may even be empty).
  public mutating func ask() -> [Double] {
    if pendingCount == 0 { prepareBatch() }
    return pendingX
  }

  /// Number of candidates in the pending batch (0 when none is pending).
  @inlinable public var pendingBatchCount: Int { pendingCount }

  /// Reports the objectives of the pending batch, flat (`objectiveCount` values per row, in
  /// the order asked, all minimised), and runs survival. Returns how many rows were rejected
  /// because an objective was NaN or infinite.
  /// - Throws: ``MultiObjectiveError/nothingAsked`` or ``MultiObjectiveError/objectiveCountMismatch(expected:got:)``;
  ///   the state is unchanged then.
  @discardableResult
  public mutating func tell(_ objectives: [Double]) throws -> Int {
    guard pendingCount > 0 || !pendingX.isEmpty else { throw MultiObjectiveError.nothingAsked }
    let m = objectiveCount, n = variableCount
    guard objectives.count == pendingCount * m else {
      throw MultiObjectiveError.objectiveCountMismatch(expected: pendingCount * m, got: objectives.count)
    }
    let initial = popRank.isEmpty
    mergedX.removeAll(keepingCapacity: true)
    mergedF.removeAll(keepingCapacity: true)
    mergedX.append(contentsOf: popX)
    mergedF.append(contentsOf: popF)
    var bad = 0
    for r in 0..<pendingCount {
      var finite = true
      for j in 0..<m where !objectives[r * m + j].isFinite { finite = false; break }
      if !finite { bad += 1; continue }
      mergedX.append(contentsOf: pendingX[(r * n)..<(r * n + n)])
      mergedF.append(contentsOf: objectives[(r * m)..<(r * m + m)])
    }
    evaluations += pendingCount
    rejected += bad
    pendingCount = 0
    pendingX.removeAll(keepingCapacity: true)
    generation += 1
    let total = mergedF.count / m
    survive(count: total, keep: initial ? total : min(total, configuration.populationSize))
    return bad
  }

  /// Runs `generations` generations on `problem` (pymoo's `("n_gen", G)`: the initial
  /// population is generation 1, so G generations evaluate `populationSize * G` points when
  /// every batch is full). `onGeneration` sees the optimizer after each tell.
  @inlinable
  public mutating func minimize<P: MultiObjectiveProblem>(
    _ problem: P, generations: Int, onGeneration: (NSGA2) -> Void = { _ in }
  ) {
    precondition(problem.variableCount == variableCount && problem.objectiveCount == objectiveCount)
    let n = variableCount, m = objectiveCount
    var f: [Double] = []
    for _ in 0..<max(0, generations) {
      if pendingCount == 0 { prepareBatch() }
      let k = pendingCount
      if k == 0 { break }  // no unique offspring could be made (pymoo terminates too)
      f.removeAll(keepingCapacity: true)
      f.append(contentsOf: repeatElement(0, count: k * m))
      pendingX.withUnsafeBufferPointer { xb in
        f.withUnsafeMutableBufferPointer { fb in
          for i in 0..<k {
            problem.evaluate(
              UnsafeBufferPointer(rebasing: xb[(i * n)..<(i * n + n)]),
              into: UnsafeMutableBufferPointer(rebasing: fb[(i * m)..<(i * m + m)]))
          }
        }
      }
      _ = try? tell(f)  // cannot throw: the batch is pending and f has the right size
      onGeneration(self)
    }
  }

  // MARK: internals

  @usableFromInline @inline(__always)
  mutating func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }

  @usableFromInline @inline(__always)
  mutating func below(_ k: Int) -> Int { Int(rng.next(upperBound: UInt64(k))) }

  @usableFromInline
  mutating func prepareBatch() {
    pendingX.removeAll(keepingCapacity: true)
    pendingCount = 0
    let n = variableCount
    let size = configuration.populationSize
    if popRank.isEmpty {
      candidates.removeAll(keepingCapacity: true)
      for _ in 0..<size {
        for v in 0..<n { candidates.append(lowerBounds[v] + (upperBounds[v] - lowerBounds[v]) * uniform()) }
      }
      acceptUnique(candidateCount: size, needed: size)
      return
    }
    var rounds = 0
    while pendingCount < size && rounds < configuration.maxMatingRounds {
      let remaining = size - pendingCount
      let matings = (remaining + 1) / 2
      selectParents(matings: matings)
      makeOffspring(matings: matings)
      acceptUnique(candidateCount: 2 * matings, needed: remaining)
      rounds += 1
    }
  }

  /// Appends to the pending batch, in order, up to `needed` of the first `candidateCount`
  /// candidates that are not duplicates of an earlier candidate, a population member or an
  /// already pending point.
  @usableFromInline
  mutating func acceptUnique(candidateCount: Int, needed: Int) {
    let n = variableCount
    var taken = 0
    for c in 0..<candidateCount where taken < needed {
      if configuration.eliminateDuplicates {
        if isDuplicate(c, of: candidates, count: c) || isDuplicate(c, of: popX, count: popRank.count)
          || isDuplicate(c, of: pendingX, count: pendingCount)
        { continue }
      }
      pendingX.append(contentsOf: candidates[(c * n)..<(c * n + n)])
      pendingCount += 1
      taken += 1
    }
  }

  @usableFromInline
  func isDuplicate(_ c: Int, of rows: [Double], count: Int) -> Bool {
    let n = variableCount
    return candidates.withUnsafeBufferPointer { cb in
      rows.withUnsafeBufferPointer { rb in
        let base = c * n
        for r in 0..<count {
          var s = 0.0
          let rr = r * n
          for v in 0..<n {
            let d = cb[base + v] - rb[rr + v]
            s += d * d
            if s > 1e-32 { break }
          }
          if s <= 1e-32 { return true }
        }
        return false
      }
    }
  }

  /// Binary tournaments over concatenated random permutations (pymoo's
  /// `TournamentSelection`): 2 parents per mating, 2 candidates per tournament.
  @usableFromInline
  mutating func selectParents(matings: Int) {
    let size = popRank.count
    let needed = matings * 4
    perm.removeAll(keepingCapacity: true)
    while perm.count < needed {
      let start = perm.count
      for i in 0..<size { perm.append(Int32(i)) }
      for i in stride(from: size - 1, to: 0, by: -1) {
        let j = below(i + 1)
        perm.swapAt(start + i, start + j)
      }
    }
    parents.removeAll(keepingCapacity: true)
    let m = objectiveCount
    for t in 0..<(2 * matings) {
      let a = Int(perm[2 * t]), b = Int(perm[2 * t + 1])
      let rel = popF.withUnsafeBufferPointer { Pareto.relation($0, a, b, objectives: m) }
      let winner: Int
      if rel == 1 {
        winner = a
      } else if rel == -1 {
        winner = b
      } else if popCrowding[a] > popCrowding[b] {
        winner = a
      } else if popCrowding[b] > popCrowding[a] {
        winner = b
      } else {
        winner = below(2) == 0 ? a : b
      }
      parents.append(Int32(winner))
    }
  }

  /// SBX then polynomial mutation. Candidate `i < matings` is the first child of mating `i`,
  /// candidate `matings + i` its second child (pymoo's layout, which matters when an odd
  /// batch drops the last candidate).
  @usableFromInline
  mutating func makeOffspring(matings: Int) {
    let n = variableCount
    let cfg = configuration
    candidates.removeAll(keepingCapacity: true)
    candidates.append(contentsOf: repeatElement(0, count: 2 * matings * n))
    for i in 0..<matings {
      let a = Int(parents[2 * i]) * n, b = Int(parents[2 * i + 1]) * n
      let c1 = i * n, c2 = (matings + i) * n
      let cross = uniform() < cfg.crossoverProbability
      for v in 0..<n {
        var x1 = popX[a + v], x2 = popX[b + v]
        if cross { sbx(&x1, &x2, v) }
        candidates[c1 + v] = x1
        candidates[c2 + v] = x2
      }
    }
    for c in 0..<(2 * matings) where uniform() <= cfg.mutationProbability {
      for v in 0..<n where uniform() < mutationVariableProbability {
        candidates[c * n + v] = polynomialMutation(candidates[c * n + v], v)
      }
    }
  }

  /// Simulated binary crossover of one variable (Deb & Agrawal, "Simulated binary crossover
  /// for continuous search space", Complex Systems 9, 1995), bounded form as in pymoo.
  @usableFromInline
  mutating func sbx(_ p1: inout Double, _ p2: inout Double, _ v: Int) {
    let cfg = configuration
    guard uniform() < cfg.crossoverVariableProbability else { return }
    let lo = lowerBounds[v], hi = upperBounds[v]
    guard abs(p1 - p2) > 1e-14 else { return }
    let smaller = p1 < p2
    let y1 = smaller ? p1 : p2, y2 = smaller ? p2 : p1
    let delta = y2 - y1
    let r = uniform()
    let eta = cfg.crossoverEta
    @inline(__always) func betaq(_ beta: Double) -> Double {
      let alpha = 2.0 - 1.0 / Self.power(beta, eta + 1.0)
      if r <= 1.0 / alpha { return Double.pow(r * alpha, 1.0 / (eta + 1.0)) }
      return Double.pow(1.0 / (2.0 - r * alpha), 1.0 / (eta + 1.0))
    }
    let k1 = 0.5 * ((y1 + y2) - betaq(1.0 + 2.0 * (y1 - lo) / delta) * delta)
    let k2 = 0.5 * ((y1 + y2) + betaq(1.0 + 2.0 * (hi - y2) / delta) * delta)
    var c1 = smaller ? k1 : k2, c2 = smaller ? k2 : k1
    if (uniform() < cfg.exchangeProbability) != (p1 > p2) { swap(&c1, &c2) }
    p1 = min(max(c1, lo), hi)
    p2 = min(max(c2, lo), hi)
  }

  /// `x^e`; by repeated squaring when `e` is a small whole number (the default η + 1 = 16
  /// and 21), which is several times cheaper than `pow` and equal to a few ulps.
  @usableFromInline @inline(__always)
  static func power(_ x: Double, _ e: Double) -> Double {
    guard e == e.rounded(), e >= 1, e <= 64 else { return Double.pow(x, e) }
    var k = Int(e), base = x, result = 1.0
    while k > 0 {
      if k & 1 == 1 { result *= base }
      base *= base
      k >>= 1
    }
    return result
  }

  /// Polynomial mutation of one variable (Deb & Goyal 1996), pymoo's bounded form.
  @usableFromInline
  mutating func polynomialMutation(_ x: Double, _ v: Int) -> Double {
    let lo = lowerBounds[v], hi = upperBounds[v]
    let width = hi - lo
    let eta = configuration.mutationEta
    let power = 1.0 / (eta + 1.0)
    let r = uniform()
    let deltaq: Double
    if r <= 0.5 {
      let xy = 1.0 - (x - lo) / width
      let val = 2.0 * r + (1.0 - 2.0 * r) * Self.power(xy, eta + 1.0)
      deltaq = Double.pow(val, power) - 1.0
    } else {
      let xy = 1.0 - (hi - x) / width
      let val = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * Self.power(xy, eta + 1.0)
      deltaq = 1.0 - Double.pow(val, power)
    }
    let y = x + deltaq * width
    return y.isNaN ? x : min(max(y, lo), hi)
  }

  /// Rank-and-crowding survival of the merged buffers: keeps `keep` of `count` points.
  @usableFromInline
  mutating func survive(count: Int, keep: Int) {
    let m = objectiveCount, n = variableCount
    let fronts = mergedF.withUnsafeBufferPointer { sorter.rank($0, count: count, objectives: m, into: &ranks) }
    // Bucket indices by front, ascending within each front.
    frontStart.removeAll(keepingCapacity: true)
    frontStart.append(contentsOf: repeatElement(0, count: fronts + 1))
    for i in 0..<count { frontStart[Int(ranks[i]) + 1] += 1 }
    for k in 0..<fronts { frontStart[k + 1] += frontStart[k] }
    byFront.removeAll(keepingCapacity: true)
    byFront.append(contentsOf: repeatElement(0, count: count))
    perm.removeAll(keepingCapacity: true)
    perm.append(contentsOf: frontStart[0..<fronts])
    for i in 0..<count {
      let k = Int(ranks[i])
      byFront[Int(perm[k])] = Int32(i)
      perm[k] += 1
    }
    survivors.removeAll(keepingCapacity: true)
    survivorCrowding.removeAll(keepingCapacity: true)
    var k = 0
    while survivors.count < keep && k < fronts {
      let lo = Int(frontStart[k]), hi = Int(frontStart[k + 1])
      mergedF.withUnsafeBufferPointer { f in
        byFront.withUnsafeBufferPointer { b in
          crowding.compute(f, objectives: m, front: UnsafeBufferPointer(rebasing: b[lo..<hi]), into: &distances)
        }
      }
      let size = hi - lo
      if survivors.count + size <= keep {
        for j in 0..<size {
          survivors.append(byFront[lo + j])
          survivorCrowding.append(distances[j])
        }
      } else {
        // pymoo's randomized argsort: a random permutation, then by crowding, descending.
        perm.removeAll(keepingCapacity: true)
        for j in 0..<size { perm.append(Int32(j)) }
        for j in stride(from: size - 1, to: 0, by: -1) { perm.swapAt(j, below(j + 1)) }
        let d = distances
        perm.sort { d[Int($0)] > d[Int($1)] }
        for j in perm[0..<(keep - survivors.count)] {
          survivors.append(byFront[lo + Int(j)])
          survivorCrowding.append(distances[Int(j)])
        }
      }
      k += 1
    }
    popX.removeAll(keepingCapacity: true)
    popF.removeAll(keepingCapacity: true)
    popRank.removeAll(keepingCapacity: true)
    for s in survivors {
      let i = Int(s)
      popX.append(contentsOf: mergedX[(i * n)..<(i * n + n)])
      popF.append(contentsOf: mergedF[(i * m)..<(i * m + m)])
      popRank.append(ranks[i])
    }
    swap(&popCrowding, &survivorCrowding)
  }
}
