import FrontierCore
import RealModule

/// CMA-ES as a study sampler, after Optuna's `CmaEsSampler`.
///
/// **Space.** The unconditional float and int parameters are searched jointly by a
/// ``CMAEvolutionStrategy`` in the unit cube (log-transformed where `log`, ints on
/// half-step-widened ranges; see `UnitCubeEncoding`), with box bounds `[0, 1]` (resample, then
/// clip). Default σ0 = 1/6 of the range, initial mean at the centre, population
/// `4 + ⌊3 ln n⌋` (Optuna's defaults). Categorical and conditional parameters are sampled
/// independently and uniformly at random, as Optuna does (they are outside its intersection
/// search space). A space with no continuous dimension (only categoricals or fixed values) is
/// sampled entirely at random; that is the documented fallback, not an error.
///
/// **History-based, many workers.** Every proposal records `cma:restart`, `cma:generation`,
/// `cma:popsize`, `cma:sigma0`, `cma:mean0` and `cma:regime` in its system attributes. Each
/// ask rebuilds the strategy of the latest restart by replaying its generations: a generation
/// is told (and the next one begins) once `popsize` of its trials are complete (the lowest
/// numbers first; extra ones are ignored, failed and pruned ones never count). So several
/// workers sharing a study through a database advance the same strategy with no coordinator,
/// and a restart started by one worker is followed by all (its parameters are in the trials).
///
/// **Restarts.** When a stop test fires (``CMAStopReason``): `.none` keeps going; `.ipop`
/// (Auger & Hansen, CEC 2005) restarts at a uniformly random mean with the population
/// multiplied by `populationGrowth`; `.bipop` (Hansen, GECCO 2009 BBOB workshop) alternates
/// that large regime with small-population runs `λ = ⌊λ_def (λ_large / (2 λ_def))^{U²}⌋`,
/// `σ0 · 10^{−2U}` whenever the small regime has used fewer evaluations than the large one.
///
/// Single objective (the first direction of the study). Cost per ask: `O(t)` to scan the
/// history plus the replay, `O(G (λ n² + n³))` for `G` generations of the latest restart.
public struct CMAESSampler: Sampler {
  public enum RestartStrategy: String, Sendable, Hashable, CaseIterable {
    case none, ipop, bipop
  }

  public var name: String { "cmaes" }
  public let seed: UInt64
  /// σ0 in the unit cube; `nil` = 1/6 (Optuna's default).
  public var sigma0: Double?
  /// λ of the first run; `nil` = `4 + ⌊3 ln n⌋`.
  public var populationSize: Int?
  public var restartStrategy: RestartStrategy
  /// Population factor between IPOP/BIPOP large restarts (2).
  public var populationGrowth: Int
  var rng: Xoshiro256StarStar

  public init(
    seed: UInt64 = 0, sigma0: Double? = nil, populationSize: Int? = nil,
    restartStrategy: RestartStrategy = .none, populationGrowth: Int = 2
  ) {
    self.seed = seed
    self.sigma0 = sigma0
    self.populationSize = populationSize
    self.restartStrategy = restartStrategy
    self.populationGrowth = Swift.max(2, populationGrowth)
    rng = Xoshiro256StarStar(seed: seed)
  }

  /// Parameters of one restart, as recorded in its trials.
  struct RunSettings: Equatable {
    var restart: Int
    var populationSize: Int
    var sigma0: Double
    var mean0: [Double]
    var large: Bool

    func attributes(generation: Int) -> [String: String] {
      [
        "cma:restart": String(restart), "cma:generation": String(generation),
        "cma:popsize": String(populationSize), "cma:sigma0": "\(sigma0)",
        "cma:mean0": mean0.map { "\($0)" }.joined(separator: ","), "cma:regime": large ? "large" : "small",
      ]
    }

    init(restart: Int, populationSize: Int, sigma0: Double, mean0: [Double], large: Bool) {
      self.restart = restart
      self.populationSize = populationSize
      self.sigma0 = sigma0
      self.mean0 = mean0
      self.large = large
    }

    init?(_ a: [String: String], dimension: Int) {
      guard let r = a["cma:restart"].flatMap({ Int($0) }), let l = a["cma:popsize"].flatMap({ Int($0) }),
        let s = a["cma:sigma0"].flatMap({ Double($0) }), let m = a["cma:mean0"]
      else { return nil }
      let mean = m.split(separator: ",").compactMap { Double(String($0)) }
      guard mean.count == dimension, l >= 2, s > 0 else { return nil }
      self.init(restart: r, populationSize: l, sigma0: s, mean0: mean, large: a["cma:regime"] != "small")
    }
  }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    let enc = UnitCubeEncoding(space: space, includeConditional: false)
    guard enc.count > 0 else {
      return (0..<count).map { _ in Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }) }
    }
    var (es, settings, generation) = rebuild(enc: enc, history: history)
    var out: [Proposal] = []
    var x = [Double](repeating: 0, count: enc.count)
    for _ in 0..<count {
      es.sampleOne(into: &x, using: &rng)
      var decoded: [String: ParameterValue] = [:]
      for k in 0..<enc.count { decoded[enc.dimensions[k].name] = enc.decode(x[k], k) }
      let point = space.makePoint { p in decoded[p.name] ?? p.distribution.sample(unit: rng.unitDouble()) }
      out.append(Proposal(point, systemAttributes: settings.attributes(generation: generation)))
    }
    return out
  }

  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }

  func defaultPopulation(_ n: Int) -> Int { populationSize ?? (4 + Int(3 * Double.log(Double(n)))) }

  /// The strategy of the latest restart, replayed from the history, with its settings and
  /// the generation new proposals belong to.
  func rebuild(enc: UnitCubeEncoding, history: StudyHistory) -> (CMAEvolutionStrategy, RunSettings, Int) {
    let n = enc.count
    let direction = history.directions.first ?? .minimize
    // Trials tagged by this sampler over the same dimensions, grouped by restart.
    var latest: RunSettings?
    var evaluationsByRestart: [Int: (count: Int, large: Bool)] = [:]
    var tagged: [(trial: TrialRecord, restart: Int, generation: Int)] = []
    for t in history.trials {
      guard let s = RunSettings(t.systemAttributes, dimension: n),
        let g = t.systemAttributes["cma:generation"].flatMap({ Int($0) })
      else { continue }
      tagged.append((t, s.restart, g))
      if t.state == .complete { evaluationsByRestart[s.restart, default: (0, s.large)].count += 1 }
      if latest == nil || s.restart > latest!.restart { latest = s }
    }
    var settings = latest ?? RunSettings(
      restart: 0, populationSize: defaultPopulation(n), sigma0: sigma0 ?? 1.0 / 6,
      mean0: [Double](repeating: 0.5, count: n), large: true)
    var es = makeStrategy(settings)
    var generation = 0
    while true {
      var xs: [[Double]] = [], fs: [Double] = []
      for (t, r, g) in tagged where r == settings.restart && g == generation && t.state == .complete {
        guard let v = t.value, !v.isNaN, let x = encodeTrial(t, enc) else { continue }
        xs.append(x)
        fs.append(direction.loss(v))
        if xs.count == settings.populationSize { break }
      }
      guard xs.count == settings.populationSize else { break }
      do { try es.tell(solutions: xs, fitness: fs) } catch { break }
      generation += 1
      if es.stopReason != nil && restartStrategy != .none {
        settings = nextRun(after: settings, n: n, evaluations: evaluationsByRestart)
        es = makeStrategy(settings)
        generation = 0
        // A restart that already has trials would have been `latest`; nothing to replay.
        break
      }
    }
    return (es, settings, generation)
  }

  func makeStrategy(_ s: RunSettings) -> CMAEvolutionStrategy {
    let n = s.mean0.count
    let opts = CMAEvolutionStrategy.Options(
      populationSize: s.populationSize, lowerBounds: [Double](repeating: 0, count: n),
      upperBounds: [Double](repeating: 1, count: n))
    // Valid by construction: n ≥ 1, σ0 > 0, λ ≥ 2, bounds [0, 1].
    return try! CMAEvolutionStrategy(mean: s.mean0, sigma: s.sigma0, options: opts)
  }

  func encodeTrial(_ t: TrialRecord, _ enc: UnitCubeEncoding) -> [Double]? {
    var x = [Double](repeating: 0, count: enc.count)
    for k in 0..<enc.count {
      guard let v = t.parameters[enc.dimensions[k].name], let u = enc.encode(v, k) else { return nil }
      x[k] = u
    }
    return x
  }

  /// Settings of the restart after `s` (IPOP or BIPOP), drawn from a generator seeded by the
  /// sampler's seed and the restart number, so they do not depend on the call sequence.
  func nextRun(after s: RunSettings, n: Int, evaluations: [Int: (count: Int, large: Bool)]) -> RunSettings {
    var r = Xoshiro256StarStar(seed: seed ^ (UInt64(s.restart + 1) &* 0x9E37_79B9_7F4A_7C15))
    let mean = (0..<n).map { _ in Double.random(in: 0...1, using: &r) }
    let lambdaDefault = defaultPopulation(n)
    let sigmaDefault = sigma0 ?? 1.0 / 6
    let largeRuns = Swift.max(1, evaluations.values.filter(\.large).count)
    let lastLarge = lambdaDefault * Int(Double.pow(Double(populationGrowth), Double(largeRuns - 1)))
    if restartStrategy == .bipop {
      let largeBudget = evaluations.values.filter(\.large).reduce(0) { $0 + $1.count }
      let smallBudget = evaluations.values.filter { !$0.large }.reduce(0) { $0 + $1.count }
      if smallBudget < largeBudget {
        let u = Double.random(in: 0..<1, using: &r)
        let ratio = Swift.max(1, Double(lastLarge) / Double(2 * lambdaDefault))
        let lambda = Swift.max(2, Int(Double(lambdaDefault) * Double.pow(ratio, u * u)))
        let sigma = sigmaDefault * Double.pow(10, -2 * Double.random(in: 0..<1, using: &r))
        return RunSettings(restart: s.restart + 1, populationSize: lambda, sigma0: sigma, mean0: mean, large: false)
      }
      return RunSettings(
        restart: s.restart + 1, populationSize: lastLarge * populationGrowth, sigma0: sigmaDefault, mean0: mean, large: true)
    }
    return RunSettings(
      restart: s.restart + 1, populationSize: s.populationSize * populationGrowth, sigma0: sigmaDefault, mean0: mean, large: true)
  }
}
