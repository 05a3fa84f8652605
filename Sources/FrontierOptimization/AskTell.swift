/// Whether an objective is minimised or maximised.
public enum StudyDirection: String, Sendable, Hashable, CaseIterable {
  case minimize, maximize

  /// `value` turned into a loss (smaller is better): itself when minimising, negated otherwise.
  @inlinable public func loss(_ value: Double) -> Double { self == .minimize ? value : -value }
}

/// The life cycle of a trial, as recorded in a study (Optuna's states).
public enum TrialState: String, Sendable, Hashable, CaseIterable {
  /// Enqueued (by a user, or as a retry of a trial whose worker died), not yet taken.
  case waiting
  /// Taken by a worker that is evaluating it (and beating its heartbeat).
  case running
  /// Evaluated: has one value per objective.
  case complete
  /// Stopped early by a pruner; its intermediate values are kept.
  case pruned
  /// The evaluation failed (error, crash, timeout, garbage output, or a stale heartbeat).
  case failed

  /// Whether the trial will not change any more.
  @inlinable public var isFinished: Bool { self == .complete || self == .pruned || self == .failed }
}

/// How an evaluation ended: what a worker *tells* the optimizer.
public enum TrialOutcome: Sendable, Hashable {
  /// One value per objective (a single value for single-objective studies).
  case complete([Double])
  /// Stopped by a pruner after reporting intermediate values.
  case pruned
  /// Failed, with a human-readable reason (for example the tail of a command's stderr).
  case failed(String)

  /// Convenience for a single-objective result.
  @inlinable public static func value(_ v: Double) -> TrialOutcome { .complete([v]) }
}

/// Everything recorded about one trial. Times are seconds since 1970 (UTC).
public struct TrialRecord: Sendable, Hashable {
  /// 0, 1, 2, ... in the order trials were created in the study; gap-free and unique.
  public var number: Int
  public var state: TrialState
  public var parameters: Parameters
  /// The distribution each parameter was drawn from (define-by-run studies infer their
  /// search space from these).
  public var distributions: [String: Distribution]
  /// One value per objective when `state == .complete`.
  public var values: [Double]?
  /// Step to value, reported during the evaluation (learning curves), used by pruners.
  public var intermediateValues: [Int: Double]
  public var userAttributes: [String: String]
  /// Attributes written by samplers (e.g. a CMA-ES generation) and by the runner.
  public var systemAttributes: [String: String]
  public var startedAt: Double?
  public var completedAt: Double?
  public var heartbeatAt: Double?
  /// Why a failed trial failed.
  public var failReason: String?

  public init(
    number: Int, state: TrialState, parameters: Parameters = [:],
    distributions: [String: Distribution] = [:], values: [Double]? = nil,
    intermediateValues: [Int: Double] = [:], userAttributes: [String: String] = [:],
    systemAttributes: [String: String] = [:], startedAt: Double? = nil,
    completedAt: Double? = nil, heartbeatAt: Double? = nil, failReason: String? = nil
  ) {
    self.number = number
    self.state = state
    self.parameters = parameters
    self.distributions = distributions
    self.values = values
    self.intermediateValues = intermediateValues
    self.userAttributes = userAttributes
    self.systemAttributes = systemAttributes
    self.startedAt = startedAt
    self.completedAt = completedAt
    self.heartbeatAt = heartbeatAt
    self.failReason = failReason
  }

  /// The single objective value of a complete trial.
  @inlinable public var value: Double? { values?.first }

  /// The last reported intermediate value (largest step), if any.
  public var lastIntermediateValue: (step: Int, value: Double)? {
    intermediateValues.max { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

/// A read-only snapshot of a study that samplers and pruners decide from.
///
/// Samplers are history-based (Optuna's design): everything they need is in the trials, so
/// several worker processes sharing a study through a database each run their own sampler
/// over the same history and need no coordinator.
public struct StudyHistory: Sendable {
  public var directions: [StudyDirection]
  /// All trials in number order, including running ones (for the constant liar) and
  /// failed ones.
  public var trials: [TrialRecord]

  public init(directions: [StudyDirection] = [.minimize], trials: [TrialRecord] = []) {
    self.directions = directions
    self.trials = trials
  }

  @inlinable public var direction: StudyDirection { directions[0] }
  @inlinable public var isMultiObjective: Bool { directions.count > 1 }

  /// Complete trials in number order.
  public var completed: [TrialRecord] { trials.filter { $0.state == .complete } }
  /// Trials being evaluated right now (by this or another worker).
  public var running: [TrialRecord] { trials.filter { $0.state == .running } }

  /// The best complete trial of a single-objective study (ties: the lower number).
  public var best: TrialRecord? {
    var best: TrialRecord?
    for t in trials where t.state == .complete {
      guard let v = t.value, !v.isNaN else { continue }
      if let b = best, let bv = b.value, direction.loss(bv) <= direction.loss(v) { continue }
      best = t
    }
    return best
  }
}

/// Proposes points of a search space: the *ask* half of ask/tell. The *tell* half is the
/// study recording the outcome, which the sampler sees in the next `history`.
///
/// Samplers are value types that own their random generator, so a sampler built with a seed
/// proposes the same points for the same history (reproducible). Every sampler in Frontier
/// (random, grid, quasi-random, TPE, CMA-ES, GP, regularized evolution) conforms; the
/// evolution and quality-diversity optimizers conform through adapters, so the store, the CLI
/// and the reports treat every algorithm alike.
public protocol Sampler: Sendable {
  /// A short name for records and reports ("tpe", "cmaes", ...).
  var name: String { get }

  /// Proposes `count` points of `space` (batch ask). `history` holds every trial so far,
  /// including running ones; points proposed in this call are not in it yet, so a sampler
  /// that wants diverse batches accounts for them itself (e.g. constant liar).
  ///
  /// Each returned point satisfies `space.contains(_:)`. It may carry sampler bookkeeping
  /// in `systemAttributes`, which the study stores with the trial.
  mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal]

  /// Samples one parameter that is not part of the space passed to ``ask(_:in:history:)``
  /// (define-by-run: a `suggest` call for a parameter the study has not seen in every
  /// trial). `point` holds the values already chosen for this trial.
  mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue
}

/// A proposed point and the sampler's bookkeeping for it.
public struct Proposal: Sendable, Hashable {
  public var parameters: Parameters
  public var systemAttributes: [String: String]
  public init(_ parameters: Parameters, systemAttributes: [String: String] = [:]) {
    self.parameters = parameters
    self.systemAttributes = systemAttributes
  }
}

/// Decides from intermediate values whether a running trial should stop (median stopping,
/// successive halving, Hyperband).
public protocol Pruner: Sendable {
  /// Whether `trial` (running, with its intermediate values so far) should be pruned,
  /// given the rest of the study.
  func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool
}

/// A pruner that never prunes.
public struct NopPruner: Pruner {
  public init() {}
  public func shouldPrune(_ trial: TrialRecord, history: StudyHistory) -> Bool { false }
}
