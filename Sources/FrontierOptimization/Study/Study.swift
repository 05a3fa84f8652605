import Foundation
import Synchronization

/// How a study keeps its workers honest: heartbeats, staleness, retries, and the clock.
public struct StudyOptions: Sendable {
  /// How often a running trial's heartbeat is refreshed by ``Study/optimize(trials:jobs:timeout:progress:_:)``.
  public var heartbeatInterval: Duration
  /// A running trial whose heartbeat is older than this is failed by the next `ask`
  /// (its worker is presumed dead). Must exceed `heartbeatInterval` comfortably.
  public var staleAfter: Duration
  /// How many times a trial failed for a stale heartbeat is re-enqueued as a `waiting`
  /// retry (0: never). Retries carry the system attributes `retry_of` (the failed trial's
  /// number) and `retry_count`.
  public var maxRetries: Int
  /// Wall-clock seconds since 1970 (shared across machines through the storage).
  public var now: @Sendable () -> Double

  public init(
    heartbeatInterval: Duration = .seconds(10), staleAfter: Duration = .seconds(60), maxRetries: Int = 0,
    now: @escaping @Sendable () -> Double = StudyOptions.wallClock
  ) {
    self.heartbeatInterval = heartbeatInterval
    self.staleAfter = staleAfter
    self.maxRetries = maxRetries
    self.now = now
  }

  /// Checks that heartbeats are positive and the staleness is longer than a heartbeat.
  /// - Throws: ``StudyError/invalidArgument(_:)``.
  public func validate() throws(StudyError) {
    guard heartbeatInterval > .zero else {
      throw .invalidArgument("the heartbeat interval must be positive, got \(heartbeatInterval)")
    }
    guard staleAfter > heartbeatInterval else {
      throw .invalidArgument("staleness (\(staleAfter)) must exceed the heartbeat interval (\(heartbeatInterval))")
    }
    guard maxRetries >= 0 else { throw .invalidArgument("max retries must not be negative, got \(maxRetries)") }
  }

  /// The system's wall clock in seconds since 1970.
  public static let wallClock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
}

/// Misuse of a study or a trial.
public enum StudyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A parameter was suggested again with another distribution.
  case distributionMismatch(parameter: String, stored: Distribution, requested: Distribution)
  /// A value fixed in advance (enqueued) is not in the distribution the objective asks for.
  case fixedValueOutside(parameter: String, value: ParameterValue, distribution: Distribution)
  /// A result with the wrong number of objective values (the trial is recorded failed).
  case wrongValueCount(expected: Int, got: Int)
  /// An argument out of its range (negative trial count, no jobs, ...).
  case invalidArgument(String)
  /// A single-objective operation on a multi-objective study.
  case multiObjective

  public var description: String {
    switch self {
    case .distributionMismatch(let p, let a, let b):
      return "parameter '\(p)' was suggested with \(a) and now with \(b)"
    case .fixedValueOutside(let p, let v, let d): return "fixed value \(v) of parameter '\(p)' is not in \(d)"
    case .wrongValueCount(let e, let g): return "the study has \(e) objective(s) but the trial returned \(g) value(s)"
    case .invalidArgument(let m): return m
    case .multiObjective: return "the study has several objectives; use bestTrials (the Pareto front)"
    }
  }
}

/// What an objective may return: a value, several values, or a full ``TrialOutcome``.
public protocol TrialResultConvertible: Sendable {
  var trialOutcome: TrialOutcome { get }
}

extension TrialOutcome: TrialResultConvertible {
  public var trialOutcome: TrialOutcome { self }
}

extension Double: TrialResultConvertible {
  public var trialOutcome: TrialOutcome { .complete([self]) }
}

extension Array: TrialResultConvertible where Element == Double {
  public var trialOutcome: TrialOutcome { .complete(self) }
}

/// Why ``Study/optimize(trials:jobs:timeout:progress:_:)`` returned.
public enum OptimizeStopReason: String, Sendable, Hashable {
  /// The requested number of trials ran.
  case trialLimit
  /// The timeout passed (trials already running were allowed to finish).
  case timeout
  /// The calling task was cancelled; trials interrupted were recorded failed ("interrupted").
  case cancelled
  /// The sampler proposed no more points (e.g. a grid is exhausted).
  case samplerExhausted
}

/// The outcome of one ``Study/optimize(trials:jobs:timeout:progress:_:)`` call.
public struct OptimizeSummary: Sendable, Hashable {
  /// Trials started and finished by this call.
  public var trialsRun: Int
  public var stopReason: OptimizeStopReason
  public init(trialsRun: Int, stopReason: OptimizeStopReason) {
    self.trialsRun = trialsRun
    self.stopReason = stopReason
  }
}

/// A progress report after each finished trial (for a progress line).
public struct StudyProgress: Sendable, Hashable {
  /// Trials finished by this `optimize` call so far.
  public var trialsFinished: Int
  /// The trial that just finished and its state.
  public var lastTrial: Int
  public var lastState: TrialState
  /// The best objective value in the study so far and its trial (single objective only).
  public var bestValue: Double?
  public var bestTrial: Int?
  /// Seconds since `optimize` started, and finished trials per second.
  public var elapsed: Double
  public var rate: Double
  public init(
    trialsFinished: Int, lastTrial: Int, lastState: TrialState, bestValue: Double?, bestTrial: Int?,
    elapsed: Double, rate: Double
  ) {
    self.trialsFinished = trialsFinished
    self.lastTrial = lastTrial
    self.lastState = lastState
    self.bestValue = bestValue
    self.bestTrial = bestTrial
    self.elapsed = elapsed
    self.rate = rate
  }
}

/// A study: a named, persisted series of trials of one search, driven by a sampler and a
/// pruner (Optuna's `Study`). Any number of `Study` objects, in one process or in many
/// processes sharing a database, may drive the same stored study: all coordination goes
/// through the ``StudyStorage``, with no coordinator.
///
/// Two ways to use it:
/// - ask/tell: ``ask(_:)`` trials (with an explicit space every active parameter is filled),
///   evaluate them however you like, ``tell(_:_:)`` the outcome.
/// - define-by-run: ``optimize(trials:jobs:timeout:progress:_:)`` with an objective that calls
///   `trial.suggest...`; it runs `jobs` trials concurrently, beats their heartbeats, records
///   thrown errors as failed trials and resumes cleanly after cancellation.
///
/// The sampler is a mutating value; the study keeps one, behind a `Mutex`, so concurrent
/// `ask` calls of one `Study` take turns. Each `ask` first fails trials whose heartbeat is
/// stale (see ``StudyOptions``), then reads the history from the storage.
public final class Study: Sendable {
  /// The study's name in its storage.
  public let name: String
  /// The storage's id of the study.
  public let id: Int
  /// One direction per objective.
  public let directions: [StudyDirection]
  /// Where the study's trials live (the only coordinator between workers).
  public let storage: any StudyStorage
  /// The explicit search space, or `nil` for a define-by-run study whose space is inferred.
  public let space: SearchSpace?
  /// Decides ``shouldPrune(number:)``.
  public let pruner: any Pruner
  /// Heartbeats, staleness, retries and the clock.
  public let options: StudyOptions
  /// The sampler's name ("tpe", "random", ...).
  public let samplerName: String
  let sampler: Mutex<any Sampler>
  /// The inferred space folded so far (define-by-run studies; see ``relativeSearchSpace(_:)``).
  let intersection = Mutex(IntersectionCache())

  /// Creates the study `name` in `storage`, or loads it when it exists and `loadIfExists`.
  /// - Throws: ``StudyStorageError/studyExists(_:)`` or
  ///   ``StudyStorageError/directionMismatch(study:stored:requested:)``, and storage errors.
  public convenience init(
    name: String, storage: any StudyStorage, sampler: any Sampler, pruner: any Pruner = NopPruner(),
    directions: [StudyDirection] = [.minimize], space: SearchSpace? = nil, loadIfExists: Bool = true,
    options: StudyOptions = StudyOptions()
  ) async throws {
    guard !directions.isEmpty else { throw StudyError.invalidArgument("a study needs at least one direction") }
    try options.validate()
    let info = try await storage.createStudy(
      name: name, directions: directions, userAttributes: ["sampler": sampler.name], loadIfExists: loadIfExists)
    self.init(info: info, storage: storage, sampler: sampler, pruner: pruner, space: space, options: options)
  }

  /// Loads the existing study `name` with its stored directions.
  /// - Throws: ``StudyStorageError/studyNotFound(_:)`` when there is none.
  public static func load(
    name: String, storage: any StudyStorage, sampler: any Sampler, pruner: any Pruner = NopPruner(),
    space: SearchSpace? = nil, options: StudyOptions = StudyOptions()
  ) async throws -> Study {
    try options.validate()
    guard let info = try await storage.study(named: name) else { throw StudyStorageError.studyNotFound(name) }
    return Study(info: info, storage: storage, sampler: sampler, pruner: pruner, space: space, options: options)
  }

  init(
    info: StudyInfo, storage: any StudyStorage, sampler: any Sampler, pruner: any Pruner,
    space: SearchSpace?, options: StudyOptions
  ) {
    name = info.name
    id = info.id
    directions = info.directions
    self.storage = storage
    self.space = space
    self.pruner = pruner
    self.options = options
    samplerName = sampler.name
    self.sampler = Mutex(sampler)
  }

  // MARK: reading

  /// Every trial (or those in `states`) in number order. O(n) storage read.
  public func trials(states: Set<TrialState>? = nil) async throws -> [TrialRecord] {
    try await storage.trials(studyID: id, states: states)
  }

  /// The study as samplers and pruners see it. O(n) storage read.
  public func history() async throws -> StudyHistory {
    StudyHistory(directions: directions, trials: try await trials())
  }

  /// The best complete trial (ties: the lower number), or `nil` when none is complete.
  /// - Throws: ``StudyError/multiObjective`` for a multi-objective study.
  public var bestTrial: TrialRecord? {
    get async throws {
      guard directions.count == 1 else { throw StudyError.multiObjective }
      return try await history().best
    }
  }

  /// The complete trials no other complete trial dominates (the Pareto front; for one
  /// objective, every trial with the best value). O(n^2 m) for n complete trials.
  public var bestTrials: [TrialRecord] {
    get async throws {
      let done = try await trials(states: [.complete]).filter {
        ($0.values?.count ?? 0) == directions.count && !($0.values?.contains(where: \.isNaN) ?? true)
      }
      let losses = done.map { t in zip(directions, t.values!).map { $0.loss($1) } }
      func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var strictly = false
        for (x, y) in zip(a, b) {
          if x > y { return false }
          if x < y { strictly = true }
        }
        return strictly
      }
      return done.indices.filter { i in !losses.indices.contains { j in dominates(losses[j], losses[i]) } }
        .map { done[$0] }
    }
  }

  /// The space the sampler proposes in for `history`: the explicit space, or else the
  /// parameters whose distribution is the same in every complete trial (Optuna's
  /// `IntersectionSearchSpace`), in name order.
  ///
  /// Complexity: amortized O(u p + p log p) for u trials since the oldest unfinished one, p
  /// parameters: trials below that cursor are finished and already folded in (Optuna caches
  /// the same way), so a long study does not re-read its whole history.
  public func relativeSearchSpace(_ history: StudyHistory) -> SearchSpace {
    if let space { return space }
    let common = intersection.withLock { cache in cache.fold(history.trials) }
    return Self.space(of: common)
  }

  /// The parameters (with their distributions) common to every complete trial, sorted by
  /// name; empty when no trial is complete. O(n p) for n trials of p parameters.
  public static func intersectionSearchSpace(_ history: StudyHistory) -> SearchSpace {
    var cache = IntersectionCache()
    return space(of: cache.fold(history.trials))
  }

  static func space(of common: [String: Distribution]?) -> SearchSpace {
    var result = SearchSpace()
    guard let common else { return result }
    for name in common.keys.sorted() {
      // Stored distributions are valid and names unique, so this cannot fail.
      try? result.append(ParameterSpec(name, common[name]!))
    }
    return result
  }

  // MARK: ask / tell

  /// Starts `count` trials: fails stale trials (re-enqueueing retries), reads the history,
  /// asks the sampler for `count` points of the relative space, and starts one trial per
  /// point (taking waiting trials first, as the storage does). With an explicit space every
  /// active parameter of each trial is filled and persisted. May return fewer trials when
  /// the sampler proposes fewer points.
  ///
  /// Complexity: one history read plus the sampler's `ask`, then O(count) storage writes.
  public func ask(_ count: Int = 1) async throws -> [Trial] {
    guard count >= 0 else { throw StudyError.invalidArgument("cannot ask for \(count) trials") }
    guard count > 0 else { return [] }
    try await recoverStaleTrials()
    let history = try await history()
    let relative = relativeSearchSpace(history)
    let proposals = sampler.withLock { $0.ask(count, in: relative, history: history) }
    var result: [Trial] = []
    result.reserveCapacity(proposals.count)
    for p in proposals {
      // With an explicit space the proposal is the trial's point; define-by-run trials
      // record a parameter only when the objective suggests it.
      var parameters: Parameters = [:]
      var distributions: [String: Distribution] = [:]
      if let space {
        for (name, value) in p.parameters {
          guard let spec = space[name], spec.distribution.contains(value) else { continue }
          parameters[name] = value
          distributions[name] = spec.distribution
        }
      }
      let record = try await storage.startTrial(
        studyID: id, parameters: parameters, distributions: distributions,
        systemAttributes: p.systemAttributes, now: options.now())
      var trial = Trial(
        study: self, record: record, relativeSpace: relative, proposal: p.parameters, history: history)
      if let space { try await trial.completeParameters(in: space) }
      result.append(trial)
    }
    return result
  }

  /// Fails running trials whose heartbeat is stale and re-enqueues each as a retry when
  /// ``StudyOptions/maxRetries`` allows. Called by every ``ask(_:)``; returns the failed trials.
  @discardableResult
  public func recoverStaleTrials() async throws -> [TrialRecord] {
    let failed = try await storage.failStaleTrials(
      studyID: id, staleAfter: Self.seconds(options.staleAfter), now: options.now())
    for t in failed {
      let retries = Int(t.systemAttributes["retry_count"] ?? "") ?? 0
      guard retries < options.maxRetries else { continue }
      _ = try await storage.enqueueTrial(
        studyID: id, parameters: t.parameters, distributions: t.distributions,
        systemAttributes: ["retry_of": String(t.number), "retry_count": String(retries + 1)])
    }
    return failed
  }

  /// Records how a trial ended. A complete outcome with the wrong number of values is
  /// recorded failed and throws ``StudyError/wrongValueCount(expected:got:)``; a NaN value is
  /// recorded failed ("objective value is NaN").
  /// - Throws: ``StudyStorageError/trialFinished(study:number:state:)`` when the trial is not
  ///   running any more (e.g. it was failed for a stale heartbeat).
  public func tell(_ trial: Trial, _ outcome: TrialOutcome) async throws {
    try await tell(number: trial.number, outcome)
  }

  /// ``tell(_:_:)`` by trial number.
  public func tell(number: Int, _ outcome: TrialOutcome) async throws {
    var recorded = outcome
    var mismatch: StudyError?
    if case .complete(let values) = outcome {
      if values.count != directions.count {
        mismatch = .wrongValueCount(expected: directions.count, got: values.count)
        recorded = .failed(mismatch!.description)
      } else if values.contains(where: \.isNaN) {
        recorded = .failed("objective value is NaN")
      }
    }
    try await storage.finishTrial(studyID: id, number: number, outcome: recorded, now: options.now())
    if let mismatch { throw mismatch }
  }

  /// Adds a waiting trial with fixed parameters, evaluated before any sampled one
  /// (Optuna's `enqueue_trial`). Parameters of the explicit space get its distributions;
  /// the others get theirs when the objective suggests them. Returns the trial's number.
  @discardableResult
  public func enqueue(_ parameters: Parameters, userAttributes: [String: String] = [:]) async throws -> Int {
    var distributions: [String: Distribution] = [:]
    if let space {
      for (name, v) in parameters {
        if let spec = space[name], spec.distribution.contains(v) { distributions[name] = spec.distribution }
      }
    }
    let number = try await storage.enqueueTrial(
      studyID: id, parameters: parameters, distributions: distributions, systemAttributes: ["enqueued": "true"])
    for (k, v) in userAttributes {
      try await storage.setTrialAttribute(studyID: id, number: number, key: k, value: v, system: false)
    }
    return number
  }

  /// Records an intermediate value of a running trial.
  public func report(number: Int, step: Int, value: Double) async throws {
    try await storage.reportIntermediate(studyID: id, number: number, step: step, value: value)
  }

  /// Whether the pruner says trial `number` should stop (reads the history: O(n)).
  public func shouldPrune(number: Int) async throws -> Bool {
    let history = try await history()
    guard let record = history.trials.first(where: { $0.number == number }) else {
      throw StudyStorageError.trialNotFound(study: name, number: number)
    }
    return pruner.shouldPrune(record, history: history)
  }

  /// Refreshes a running trial's heartbeat (ask/tell users evaluating for longer than
  /// ``StudyOptions/staleAfter`` call this every ``StudyOptions/heartbeatInterval``).
  public func heartbeat(number: Int) async throws {
    try await storage.heartbeat(studyID: id, number: number, now: options.now())
  }

  func sampleIndependent(_ spec: ParameterSpec, point: Parameters, history: StudyHistory) -> ParameterValue {
    sampler.withLock { $0.sampleIndependent(spec, point: point, history: history) }
  }

  static func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
  }
}

/// The intersection of the distributions of complete trials, folded incrementally: every
/// trial numbered below `cursor` is finished and already folded in.
struct IntersectionCache: Sendable {
  var cursor = 0
  /// `nil` until a complete trial is seen.
  var common: [String: Distribution]?

  /// Folds the trials from `cursor` on (in number order) and returns the intersection.
  mutating func fold(_ trials: [TrialRecord]) -> [String: Distribution]? {
    // Trials are in number order; with gap-free numbers the cursor is also the index.
    var start = 0
    if cursor < trials.count, trials[cursor].number == cursor {
      start = cursor
    } else {
      start = trials.firstIndex { $0.number >= cursor } ?? trials.count
    }
    var next: Int?
    for t in trials[start...] {
      guard t.state.isFinished else {
        if next == nil { next = t.number }
        continue
      }
      guard t.state == .complete else { continue }
      if let c = common {
        if !c.allSatisfy({ t.distributions[$0.key] == $0.value }) {
          common = c.filter { t.distributions[$0.key] == $0.value }
        }
      } else {
        common = t.distributions
      }
    }
    cursor = next ?? ((trials.last?.number ?? -1) + 1)
    return common
  }
}
