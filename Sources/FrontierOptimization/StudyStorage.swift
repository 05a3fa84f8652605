/// A study's identity and settings as stored.
public struct StudyInfo: Sendable, Hashable {
  public var id: Int
  public var name: String
  public var directions: [StudyDirection]
  /// Study-level attributes (sampler name, space, retry policy, ...).
  public var userAttributes: [String: String]
  public init(id: Int, name: String, directions: [StudyDirection], userAttributes: [String: String] = [:]) {
    self.id = id
    self.name = name
    self.directions = directions
    self.userAttributes = userAttributes
  }
}

/// Errors any storage may throw. Backends add their own detail to `message`.
public enum StudyStorageError: Error, Sendable, Hashable, CustomStringConvertible {
  case studyNotFound(String)
  case studyExists(String)
  case trialNotFound(study: String, number: Int)
  /// The trial is already finished (or not running), so it cannot change: e.g. a worker
  /// telling a result after its trial was failed for a stale heartbeat.
  case trialFinished(study: String, number: Int, state: TrialState)
  /// The directions of an existing study differ from the requested ones.
  case directionMismatch(study: String, stored: [StudyDirection], requested: [StudyDirection])
  /// The storage cannot be reached or opened: names the URL or path and what to do.
  case unavailable(url: String, reason: String)

  public var description: String {
    switch self {
    case .studyNotFound(let n): return "no study named '\(n)'"
    case .studyExists(let n): return "a study named '\(n)' already exists"
    case .trialNotFound(let s, let n): return "study '\(s)' has no trial \(n)"
    case .trialFinished(let s, let n, let st): return "trial \(n) of study '\(s)' is already \(st.rawValue)"
    case .directionMismatch(let s, let a, let b):
      return "study '\(s)' was created with directions \(a.map(\.rawValue)), not \(b.map(\.rawValue))"
    case .unavailable(let url, let reason): return "cannot open storage \(url): \(reason)"
    }
  }
}

/// Where studies and trials live: in memory, SQLite (GRDB) or PostgreSQL (FrontierStore).
///
/// Every method is one transaction. Trial numbers are assigned by the storage, gap-free and
/// unique per study, even with many worker processes on many machines sharing one database
/// and no coordinator (Optuna's RDB storage contract).
public protocol StudyStorage: Sendable {
  /// Creates the study, or returns the existing one when `loadIfExists` (checking directions).
  func createStudy(
    name: String, directions: [StudyDirection], userAttributes: [String: String], loadIfExists: Bool
  ) async throws -> StudyInfo
  /// The study named `name`, or `nil`.
  func study(named name: String) async throws -> StudyInfo?
  func allStudies() async throws -> [StudyInfo]
  func deleteStudy(id: Int) async throws
  func setStudyAttribute(id: Int, key: String, value: String) async throws

  /// Starts a trial: takes the oldest `waiting` trial if there is one (its parameters are
  /// returned, `parameters` ignored), otherwise creates a new one with the next number and
  /// `parameters`. Either way the trial is `running` with `startedAt` and `heartbeatAt` set.
  func startTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String], now: Double
  ) async throws -> TrialRecord
  /// Records one more parameter of a running trial (define-by-run `suggest` calls).
  func setTrialParameter(
    studyID: Int, number: Int, name: String, value: ParameterValue, distribution: Distribution
  ) async throws
  /// Adds a `waiting` trial with fixed parameters (user-enqueued points, retries).
  func enqueueTrial(
    studyID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String]
  ) async throws -> Int
  /// Records how a running trial ended. Throws ``StudyStorageError/trialFinished`` if it is
  /// not running any more.
  func finishTrial(studyID: Int, number: Int, outcome: TrialOutcome, now: Double) async throws
  func reportIntermediate(studyID: Int, number: Int, step: Int, value: Double) async throws
  func setTrialAttribute(studyID: Int, number: Int, key: String, value: String, system: Bool) async throws
  /// Refreshes a running trial's heartbeat.
  func heartbeat(studyID: Int, number: Int, now: Double) async throws
  /// Marks `running` trials whose heartbeat is older than `now - staleAfter` as failed
  /// ("stale heartbeat"); returns their numbers. Safe to call from many workers at once:
  /// each stale trial is failed exactly once.
  func failStaleTrials(studyID: Int, staleAfter: Double, now: Double) async throws -> [TrialRecord]
  /// All trials of the study in number order (optionally only some states).
  func trials(studyID: Int, states: Set<TrialState>?) async throws -> [TrialRecord]
}
