/// A running trial of a ``Study``, handed to an objective (define-by-run) or returned by
/// ``Study/ask(_:)`` (ask/tell).
///
/// Define-by-run (Optuna's idea): the objective calls `suggest...` for each parameter it
/// needs, and the study's search space is inferred from those calls. A suggested value comes
/// from the sampler's *relative* proposal for the study's known space (the explicit space, or
/// else the intersection of the distributions of all complete trials, Optuna's
/// `IntersectionSearchSpace`) when the proposal has that parameter with the same
/// distribution, and otherwise from ``Sampler/sampleIndependent(_:point:history:)``. Every
/// suggested value is persisted at once with ``StudyStorage/setTrialParameter(studyID:number:name:value:distribution:)``,
/// so a worker killed mid-trial loses nothing already chosen.
///
/// Suggesting a name again with the same distribution returns the same value; with a
/// different distribution it throws ``StudyError/distributionMismatch(parameter:stored:requested:)``.
/// A value fixed in advance (an enqueued trial, or a retry) is returned when it lies in the
/// requested distribution.
///
/// `Trial` is a value: an objective receives it `inout`, and the copy the study holds is
/// not updated by the objective's calls (the storage is the record).
public struct Trial: Sendable {
  /// The study this trial belongs to.
  public let study: Study
  /// The trial as known to this worker: its parameters and distributions so far, the
  /// intermediate values and user attributes this worker set.
  public private(set) var record: TrialRecord
  /// The space the sampler proposed `proposal` in.
  let relativeSpace: SearchSpace
  /// The sampler's relative proposal (possibly for fewer parameters than the objective uses).
  let proposal: Parameters
  /// The study when the trial was asked (what `sampleIndependent` decides from).
  let history: StudyHistory

  init(study: Study, record: TrialRecord, relativeSpace: SearchSpace, proposal: Parameters, history: StudyHistory) {
    self.study = study
    self.record = record
    self.relativeSpace = relativeSpace
    self.proposal = proposal
    self.history = history
  }

  /// The trial's number in its study (0, 1, 2, ...).
  public var number: Int { record.number }
  /// The parameters chosen so far.
  public var parameters: Parameters { record.parameters }
  /// The sampler's bookkeeping and the runner's attributes (e.g. `retry_of`).
  public var systemAttributes: [String: String] { record.systemAttributes }

  /// Suggests a value for `name` from `distribution` (the general form of the `suggest...`
  /// methods). O(1) plus one storage write the first time a name is suggested, and the
  /// sampler's `sampleIndependent` cost when the value is not in the relative proposal.
  /// - Throws: ``SearchSpaceError`` for an invalid distribution, ``StudyError`` for a
  ///   conflicting re-suggestion or a fixed value outside the distribution, and storage errors.
  public mutating func suggest(_ name: String, _ distribution: Distribution) async throws -> ParameterValue {
    try distribution.validate(name: name)
    if let stored = record.distributions[name], let value = record.parameters[name] {
      guard stored == distribution else {
        throw StudyError.distributionMismatch(parameter: name, stored: stored, requested: distribution)
      }
      return value
    }
    let value: ParameterValue
    if let fixed = record.parameters[name] {
      guard distribution.contains(fixed) else {
        throw StudyError.fixedValueOutside(parameter: name, value: fixed, distribution: distribution)
      }
      value = fixed
    } else if let v = proposal[name], relativeSpace[name]?.distribution == distribution, distribution.contains(v) {
      value = v
    } else {
      value = study.sampleIndependent(ParameterSpec(name, distribution), point: record.parameters, history: history)
    }
    try await study.storage.setTrialParameter(
      studyID: study.id, number: record.number, name: name, value: value, distribution: distribution)
    record.parameters[name] = value
    record.distributions[name] = distribution
    return value
  }

  /// Suggests a real in `[low, high]`, log-uniform when `log`, on the grid `low + k * step`
  /// when `step` is given (Optuna's `suggest_float`).
  public mutating func suggestFloat(
    _ name: String, _ low: Double, _ high: Double, log: Bool = false, step: Double? = nil
  ) async throws -> Double {
    let v = try await suggest(name, .float(low: low, high: high, log: log, step: step))
    guard case .float(let x) = v else { throw StudyError.fixedValueOutside(parameter: name, value: v, distribution: .float(low: low, high: high, log: log, step: step)) }
    return x
  }

  /// Suggests an integer in `[low, high]` (inclusive), log-uniform when `log`, spaced by
  /// `step` (Optuna's `suggest_int`).
  public mutating func suggestInt(
    _ name: String, _ low: Int, _ high: Int, log: Bool = false, step: Int = 1
  ) async throws -> Int {
    let v = try await suggest(name, .int(low: low, high: high, log: log, step: step))
    guard case .int(let i) = v else { throw StudyError.fixedValueOutside(parameter: name, value: v, distribution: .int(low: low, high: high, log: log, step: step)) }
    return i
  }

  /// Suggests one of `choices` (strings, numbers or booleans).
  public mutating func suggestCategorical(_ name: String, _ choices: [ParameterValue]) async throws -> ParameterValue {
    try await suggest(name, .categorical(choices))
  }

  /// Suggests one of the string `choices`.
  public mutating func suggestCategorical(_ name: String, _ choices: [String]) async throws -> String {
    let v = try await suggest(name, .categorical(choices.map { .string($0) }))
    return v.description
  }

  /// Records a user attribute (kept with the trial in the storage).
  public mutating func setUserAttribute(_ key: String, _ value: String) async throws {
    try await study.storage.setTrialAttribute(
      studyID: study.id, number: record.number, key: key, value: value, system: false)
    record.userAttributes[key] = value
  }

  /// Reports an intermediate value at `step` (a point of the learning curve) for pruners.
  public mutating func report(step: Int, value: Double) async throws {
    try await study.report(number: record.number, step: step, value: value)
    record.intermediateValues[step] = value
  }

  /// Whether the study's pruner says this trial should stop now. Throw ``TrialPruned``
  /// from the objective to stop it.
  public func shouldPrune() async throws -> Bool {
    try await study.shouldPrune(number: record.number)
  }

  /// Fills every active parameter of `space` that is still missing, front to back, from the
  /// proposal or else `sampleIndependent`, persisting each (ask/tell with an explicit space).
  mutating func completeParameters(in space: SearchSpace) async throws {
    for p in space.parameters
    where record.distributions[p.name] == nil && space.isActive(p, in: record.parameters) {
      // A fixed (enqueued) value outside the space stays as given.
      if let v = record.parameters[p.name], !p.distribution.contains(v) { continue }
      _ = try await suggest(p.name, p.distribution)
    }
  }
}

/// Thrown by an objective to say its trial was pruned (Optuna's `TrialPruned`); the study
/// records the trial as `pruned`.
public struct TrialPruned: Error, Sendable, Hashable {
  public init() {}
}
