import FrontierCore

/// Regularized (aging) evolution (Real, Aggarwal, Huang & Le, "Regularized Evolution for
/// Image Classifier Architecture Search", AAAI 2019), as a history-based sampler.
///
/// The population is the last `populationSize` complete trials in trial order, so the
/// oldest dies as each new one completes (aging). Until the population is full, points are
/// random. Then each ask samples `tournamentSize` members without replacement, takes the
/// best, and mutates one of its active, non-constant parameters: a different choice for a
/// categorical, a Gaussian step of 0.15 × range in sampling (log) space for numbers,
/// snapped to the distribution and forced to differ for discrete ones. Parameters that a
/// mutation makes active are drawn at random; inactive ones are dropped (conditionals are
/// respected through `SearchSpace.makePoint`). The parent's trial number is recorded in
/// `systemAttributes["evolution_parent"]`.
///
/// Defaults (population 20, tournament 5) suit budgets of a few hundred trials; Real et
/// al. used 100 and 25 for 20 000. Complexity per ask: O(n + S + d) for n trials.
public struct RegularizedEvolutionSampler: Sampler {
  public var name: String { "evolution" }
  public let populationSize: Int
  public let tournamentSize: Int
  var rng: Xoshiro256StarStar

  /// Sizes below 1 become 1; a tournament larger than the population is the population.
  public init(seed: UInt64 = 0, populationSize: Int = 20, tournamentSize: Int = 5) {
    self.populationSize = Swift.max(1, populationSize)
    self.tournamentSize = Swift.min(Swift.max(1, tournamentSize), Swift.max(1, populationSize))
    rng = Xoshiro256StarStar(seed: seed)
  }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    guard count > 0 else { return [] }
    var population: [(loss: Double, trial: Int)] = []
    var i = history.trials.count - 1
    while i >= 0 && population.count < populationSize {
      let t = history.trials[i]
      if t.state == .complete, let v = t.value, !v.isNaN { population.append((history.direction.loss(v), i)) }
      i -= 1
    }
    var out: [Proposal] = []
    for _ in 0..<count {
      guard population.count >= populationSize else {
        out.append(Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }))
        continue
      }
      var idx = Array(population.indices)
      var winner = -1
      for k in 0..<tournamentSize {
        let j = k + rng.index(below: idx.count - k)
        idx.swapAt(k, j)
        let cand = population[idx[k]]
        if winner < 0 || cand.loss < population[winner].loss
          || (cand.loss == population[winner].loss && cand.trial > population[winner].trial)
        {
          winner = idx[k]
        }
      }
      let parent = history.trials[population[winner].trial]
      out.append(Proposal(mutate(parent.parameters, in: space), systemAttributes: ["evolution_parent": "\(parent.number)"]))
    }
    return out
  }

  mutating func mutate(_ parent: Parameters, in space: SearchSpace) -> Parameters {
    let mutable = space.parameters.filter {
      space.isActive($0, in: parent) && ($0.distribution.cardinality ?? 2) > 1
    }
    let target = mutable.isEmpty ? nil : mutable[rng.index(below: mutable.count)].name
    return space.makePoint { spec in
      if spec.name == target, let old = parent[spec.name] { return mutated(old, spec.distribution) }
      if let v = parent[spec.name], spec.distribution.contains(v) { return v }
      return spec.distribution.sample(unit: rng.unitDouble())
    }
  }

  mutating func mutated(_ old: ParameterValue, _ d: Distribution) -> ParameterValue {
    if case .categorical(let choices) = d {
      guard let i = choices.firstIndex(of: old), choices.count > 1 else { return d.sample(unit: rng.unitDouble()) }
      let j = rng.index(below: choices.count - 1)
      return choices[j >= i ? j + 1 : j]
    }
    guard let dim = TPEDimension(d), let x = dim.coordinate(of: old) else { return d.sample(unit: rng.unitDouble()) }
    let width = dim.high - dim.low
    var v = dim.value(at: Swift.min(Swift.max(x + 0.15 * width * rng.standardNormal(), dim.low), dim.high))
    if v == old, case .discrete(let step) = dim.kind {
      let up = x + step <= dim.high + 1e-9
      let down = x - step >= dim.low - 1e-9
      let goUp = up && (!down || rng.next() & 1 == 0)
      v = dim.value(at: goUp ? x + step : x - step)
    }
    return v
  }

  /// A parameter outside the space is drawn at random.
  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }
}
