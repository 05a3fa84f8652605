import Synchronization

/// A ``StudyStorage`` that keeps every study in this process's memory: fast, shared by all
/// tasks of the process, gone when the process ends.
///
/// It is also the *reference semantics* of the storage contract, which the SQLite and
/// PostgreSQL backends in FrontierStore are tested against:
///
/// - Trial numbers are `0, 1, 2, ...` per study, assigned under the lock, so they are
///   gap-free and unique however many tasks start trials at once.
/// - ``startTrial(studyID:parameters:distributions:systemAttributes:now:)`` takes the
///   `waiting` trial with the lowest number first. Its stored parameters, distributions and
///   system attributes are kept, and the arguments are ignored; otherwise it appends a new
///   trial with the arguments. Either way the trial becomes `running` with `startedAt` and
///   `heartbeatAt` set to `now`.
/// - ``finishTrial(studyID:number:outcome:now:)``, ``reportIntermediate(studyID:number:step:value:)``,
///   ``setTrialParameter(studyID:number:name:value:distribution:)`` and
///   ``heartbeat(studyID:number:now:)`` need a `running` trial and throw
///   ``StudyStorageError/trialFinished(study:number:state:)`` otherwise (a worker whose trial
///   was failed for a stale heartbeat learns it that way). Finishing sets `completedAt`;
///   `.complete(values)` stores the values, `.failed(reason)` the reason.
/// - ``failStaleTrials(studyID:staleAfter:now:)`` fails each `running` trial whose
///   `heartbeatAt < now - staleAfter` with reason ``staleHeartbeatReason``, under the lock,
///   so a stale trial is returned to exactly one caller.
/// - ``setTrialAttribute(studyID:number:key:value:system:)`` works in any state (runners
///   annotate finished trials too).
///
/// Complexity: starting a trial is O(w) in the number of waiting trials (amortized O(1)
/// with none); reading trials is O(n). All methods hold one `Mutex` (the only shared
/// table), never across an `await`.
public final class InMemoryStudyStorage: StudyStorage, Sendable {
  /// The `failReason` of trials failed by ``failStaleTrials(studyID:staleAfter:now:)``.
  public static let staleHeartbeatReason = "stale heartbeat"

  struct StoredStudy {
    var info: StudyInfo
    var trials: [TrialRecord] = []
    /// Numbers of waiting trials, ascending (oldest first).
    var waiting: [Int] = []
  }

  struct State {
    var studies: [Int: StoredStudy] = [:]
    var idByName: [String: Int] = [:]
    var nextID = 1
  }

  let state = Mutex(State())

  public init() {}

  public func createStudy(
    name: String, directions: [StudyDirection], userAttributes: [String: String], loadIfExists: Bool
  ) async throws -> StudyInfo {
    try state.withLock { (s: inout State) throws(StudyStorageError) -> StudyInfo in
      if let id = s.idByName[name], let existing = s.studies[id] {
        guard loadIfExists else { throw .studyExists(name) }
        guard existing.info.directions == directions else {
          throw .directionMismatch(study: name, stored: existing.info.directions, requested: directions)
        }
        return existing.info
      }
      let info = StudyInfo(id: s.nextID, name: name, directions: directions, userAttributes: userAttributes)
      s.nextID += 1
      s.idByName[name] = info.id
      s.studies[info.id] = StoredStudy(info: info)
      return info
    }
  }

  public func study(named name: String) async throws -> StudyInfo? {
    state.withLock { s in s.idByName[name].flatMap { s.studies[$0]?.info } }
  }

  public func allStudies() async throws -> [StudyInfo] {
    state.withLock { s in s.studies.values.map(\.info).sorted { $0.id < $1.id } }
  }

  public func deleteStudy(id: Int) async throws {
    try state.withLock { (s: inout State) throws(StudyStorageError) in
      guard let study = s.studies.removeValue(forKey: id) else { throw .studyNotFound("#\(id)") }
      s.idByName[study.info.name] = nil
    }
  }

  public func setStudyAttribute(id: Int, key: String, value: String) async throws {
    try withStudy(id) { study throws(StudyStorageError) in study.info.userAttributes[key] = value }
  }

  public func startTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String], now: Double
  ) async throws -> TrialRecord {
    try withStudy(studyID) { study throws(StudyStorageError) -> TrialRecord in
      let number: Int
      if !study.waiting.isEmpty {
        number = study.waiting.removeFirst()
      } else {
        number = study.trials.count
        study.trials.append(
          TrialRecord(
            number: number, state: .waiting, parameters: parameters, distributions: distributions,
            systemAttributes: systemAttributes))
      }
      study.trials[number].state = .running
      study.trials[number].startedAt = now
      study.trials[number].heartbeatAt = now
      return study.trials[number]
    }
  }

  public func setTrialParameter(
    studyID: Int, number: Int, name: String, value: ParameterValue, distribution: Distribution
  ) async throws {
    try withRunningTrial(studyID, number) { t in
      t.parameters[name] = value
      t.distributions[name] = distribution
    }
  }

  public func enqueueTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String]
  ) async throws -> Int {
    try withStudy(studyID) { study throws(StudyStorageError) -> Int in
      let number = study.trials.count
      study.trials.append(
        TrialRecord(
          number: number, state: .waiting, parameters: parameters, distributions: distributions,
          systemAttributes: systemAttributes))
      study.waiting.append(number)
      return number
    }
  }

  public func finishTrial(studyID: Int, number: Int, outcome: TrialOutcome, now: Double) async throws {
    try withRunningTrial(studyID, number) { t in
      switch outcome {
      case .complete(let values):
        t.state = .complete
        t.values = values
      case .pruned:
        t.state = .pruned
      case .failed(let reason):
        t.state = .failed
        t.failReason = reason
      }
      t.completedAt = now
    }
  }

  public func reportIntermediate(studyID: Int, number: Int, step: Int, value: Double) async throws {
    try withRunningTrial(studyID, number) { t in t.intermediateValues[step] = value }
  }

  public func setTrialAttribute(
    studyID: Int, number: Int, key: String, value: String, system: Bool
  ) async throws {
    try withStudy(studyID) { study throws(StudyStorageError) in
      guard study.trials.indices.contains(number) else {
        throw .trialNotFound(study: study.info.name, number: number)
      }
      if system {
        study.trials[number].systemAttributes[key] = value
      } else {
        study.trials[number].userAttributes[key] = value
      }
    }
  }

  public func heartbeat(studyID: Int, number: Int, now: Double) async throws {
    try withRunningTrial(studyID, number) { t in t.heartbeatAt = now }
  }

  public func failStaleTrials(studyID: Int, staleAfter: Double, now: Double) async throws -> [TrialRecord] {
    try withStudy(studyID) { study throws(StudyStorageError) -> [TrialRecord] in
      var failed: [TrialRecord] = []
      let limit = now - staleAfter
      for i in study.trials.indices where study.trials[i].state == .running {
        guard let beat = study.trials[i].heartbeatAt, beat < limit else { continue }
        study.trials[i].state = .failed
        study.trials[i].failReason = Self.staleHeartbeatReason
        study.trials[i].completedAt = now
        failed.append(study.trials[i])
      }
      return failed
    }
  }

  public func trials(studyID: Int, states: Set<TrialState>?) async throws -> [TrialRecord] {
    try withStudy(studyID) { study throws(StudyStorageError) -> [TrialRecord] in
      guard let states else { return study.trials }
      return study.trials.filter { states.contains($0.state) }
    }
  }

  // MARK: helpers

  private func withStudy<R>(
    _ id: Int, _ body: (inout StoredStudy) throws(StudyStorageError) -> R
  ) throws(StudyStorageError) -> R {
    try state.withLock { (s: inout State) throws(StudyStorageError) -> R in
      guard s.studies[id] != nil else { throw .studyNotFound("#\(id)") }
      return try body(&s.studies[id]!)
    }
  }

  private func withRunningTrial(
    _ id: Int, _ number: Int, _ body: (inout TrialRecord) -> Void
  ) throws(StudyStorageError) {
    try withStudy(id) { study throws(StudyStorageError) in
      guard study.trials.indices.contains(number) else {
        throw .trialNotFound(study: study.info.name, number: number)
      }
      let st = study.trials[number].state
      guard st == .running else { throw .trialFinished(study: study.info.name, number: number, state: st) }
      body(&study.trials[number])
    }
  }
}
