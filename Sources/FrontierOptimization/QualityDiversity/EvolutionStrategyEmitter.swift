/// An evolution strategy that can be driven by an external ranking (what CMA-ME needs):
/// sample a batch, then update from the batch ranked best first, recombining only the first
/// `parents`. ``CMAEvolutionStrategy`` conforms.
public protocol RankedEvolutionStrategy: Sendable {
  var dimension: Int { get }
  /// Samples `count` candidates (flat, row-major) into `out`.
  mutating func sample(count: Int, into out: UnsafeMutablePointer<Double>, using normal: inout NormalSource)
  /// Updates the distribution from the `count` candidates at `solutions`, ranked best first by
  /// `ranking`, recombining the first `parents` (0...count; with 0 the strategy only counts
  /// the evaluations).
  mutating func update(solutions: UnsafePointer<Double>, count: Int, ranking: [Int], parents: Int)
  /// Whether the distribution has degenerated (ill-conditioned or collapsed), so the emitter
  /// should restart.
  var hasConverged: Bool { get }
  /// Restarts at `mean` with the initial step size and an identity covariance.
  mutating func restart(mean: [Double])
}

/// How an ``EvolutionStrategyEmitter`` ranks its batch (pyribs' rankers).
public enum QDRanking: String, Sendable, Hashable, CaseIterable {
  /// By improvement value, descending ("imp"; CMA-MAE).
  case improvement = "imp"
  /// New cells first, then improvements, then the rest, each by value descending ("2imp";
  /// CMA-ME's two-stage improvement ranking).
  case twoStageImprovement = "2imp"
  /// By objective, descending ("obj"; the optimizing emitter).
  case objective = "obj"
}

/// How many ranked solutions become parents.
public enum QDSelection: String, Sendable, Hashable, CaseIterable {
  /// Only the solutions that entered the archive ("filter"; CMA-ME).
  case filter
  /// The better half of the batch ("mu"; CMA-MAE).
  case mu
}

/// When an ``EvolutionStrategyEmitter`` restarts (from a random elite).
public enum QDRestartRule: Sendable, Hashable {
  /// Only when the strategy converges or the ranking is flat ("basic").
  case basic
  /// Also when no solution of a batch entered the archive ("no_improvement").
  case noImprovement
  /// Also every `n` iterations.
  case every(Int)
}

/// CMA-ME / CMA-MAE's emitter (Fontaine et al., "Covariance matrix adaptation for the rapid
/// illumination of behavior space", GECCO 2020; Fontaine & Nikolaidis, "Covariance Matrix
/// Adaptation MAP-Annealing", GECCO 2023; pyribs' `EvolutionStrategyEmitter`): an evolution
/// strategy proposes each batch; the archive's status and value rank it; the strategy adapts
/// towards the solutions that improve the archive; it restarts from a random elite when it
/// converges, when the ranking is flat, or by the restart rule.
///
/// With an elitist archive this is CMA-ME (rank "2imp", select "filter", restart
/// "no_improvement"); with a CMA-MAE archive (learning rate α < 1) the improvement values are
/// relative to the annealed thresholds, and CMA-MAE uses rank "imp", select "mu", restart
/// "basic". Complexity per iteration: the strategy's sampling and update (O(batch n²) for
/// CMA-ES) plus O(batch log batch) ranking.
public struct EvolutionStrategyEmitter<ES: RankedEvolutionStrategy>: VectorEmitter {
  public var strategy: ES
  public let batchSize: Int
  public let x0: [Double]
  public let ranking: QDRanking
  public let selection: QDSelection
  public let restartRule: QDRestartRule
  public var normal: NormalSource
  public private(set) var iterations = 0
  public private(set) var restartCount = 0
  @usableFromInline var order: [Int]

  public init(
    strategy: ES, x0: [Double], batchSize: Int, ranking: QDRanking = .twoStageImprovement,
    selection: QDSelection = .filter, restartRule: QDRestartRule = .noImprovement, seed: UInt64
  ) throws {
    guard batchSize > 0 else { throw QDError("batch size must be positive (got \(batchSize))") }
    guard x0.count == strategy.dimension else {
      throw QDError("x0 has \(x0.count) values for dimension \(strategy.dimension)")
    }
    if case .every(let n) = restartRule, n <= 0 { throw QDError("restart period must be positive") }
    self.strategy = strategy
    self.batchSize = batchSize
    self.x0 = x0
    self.ranking = ranking
    self.selection = selection
    self.restartRule = restartRule
    normal = NormalSource(seed: seed)
    order = Array(0..<batchSize)
  }

  public var dimension: Int { strategy.dimension }
  public var restarts: Int? { restartCount }

  public mutating func ask<I: CellIndexer>(_ archive: Archive<I, VectorSolutions>, into out: UnsafeMutablePointer<Double>) {
    strategy.sample(count: batchSize, into: out, using: &normal)
  }

  public mutating func tell<I: CellIndexer>(
    _ archive: Archive<I, VectorSolutions>, solutions: UnsafePointer<Double>,
    objectives: UnsafePointer<Double>, result: AddResult, offset: Int
  ) {
    iterations += 1
    let n = batchSize
    var added = 0
    for r in offset..<(offset + n) where result.status[r] != .notAdded { added += 1 }
    for k in 0..<n { order[k] = k }
    let status = result.status, value = result.value
    switch ranking {
    case .improvement:
      order.sort { value[offset + $0] > value[offset + $1] || (value[offset + $0] == value[offset + $1] && $0 < $1) }
    case .twoStageImprovement:
      order.sort { a, b in
        let sa = status[offset + a].rawValue, sb = status[offset + b].rawValue
        if sa != sb { return sa > sb }
        let va = value[offset + a], vb = value[offset + b]
        return va > vb || (va == vb && a < b)
      }
    case .objective:
      order.sort { objectives[$0] > objectives[$1] || (objectives[$0] == objectives[$1] && $0 < $1) }
    }
    let parents = selection == .filter ? added : n / 2
    // Told even without parents (pyribs counts those evaluations towards the lazy gap).
    strategy.update(solutions: solutions, count: n, ranking: order, parents: parents)
    // pyribs' flat-fitness test: the best and worst ranking values (vectors for "2imp") equal.
    var flat = false
    if n >= 2 {
      let a = offset + order[0], b = offset + order[n - 1]
      switch ranking {
      case .improvement: flat = abs(value[a] - value[b]) < 1e-12
      case .objective: flat = abs(objectives[order[0]] - objectives[order[n - 1]]) < 1e-12
      case .twoStageImprovement:
        let ds = Double(status[a].rawValue) - Double(status[b].rawValue), dv = value[a] - value[b]
        flat = (ds * ds + dv * dv).squareRoot() < 1e-12
      }
    }
    var restart = strategy.hasConverged || flat
    switch restartRule {
    case .basic: break
    case .noImprovement: if added == 0 { restart = true }
    case .every(let p): if iterations % p == 0 { restart = true }
    }
    if restart {
      let mean = archive.isEmpty ? x0 : archive.storage.solution(inCell: archive.randomElite(using: &normal.rng))
      strategy.restart(mean: mean)
      restartCount += 1
    }
  }
}
