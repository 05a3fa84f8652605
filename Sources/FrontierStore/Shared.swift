import FrontierOptimization

/// An argument bound to a statement, the same for both backends.
enum SQLArg: Sendable {
  case int(Int)
  case real(Double?)
  case text(String?)
}

/// The statements both backends run, written once with `?` placeholders (PostgreSQL's
/// `$1, $2, ...` are derived by ``numbered(_:)``).
enum SQL {
  static let studyByName = "SELECT id, directions FROM studies WHERE name = ?"
  static let studyName = "SELECT name FROM studies WHERE id = ?"
  static let studyAttributes = "SELECT key, value FROM study_attributes WHERE study_id = ?"
  static let allStudies = "SELECT id, name, directions FROM studies ORDER BY id"
  static let allStudyAttributes = "SELECT study_id, key, value FROM study_attributes"
  static let deleteStudy = "DELETE FROM studies WHERE id = ? RETURNING id"
  static let upsertStudyAttribute = """
    INSERT INTO study_attributes (study_id, key, value) VALUES (?, ?, ?)
    ON CONFLICT (study_id, key) DO UPDATE SET value = excluded.value
    """
  /// Takes the next number of a study: the row stays locked until the transaction ends, so
  /// numbers are gap-free and unique however many workers number at once.
  static let takeNumber = "UPDATE studies SET next_number = next_number + 1 WHERE id = ? RETURNING next_number - 1"
  static let oldestWaiting = "SELECT id, number FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1"
  static let startWaiting = "UPDATE trials SET state = 'running', started = ?, heartbeat = ? WHERE id = ?"
  static let insertTrial = """
    INSERT INTO trials (study_id, number, state, started, heartbeat) VALUES (?, ?, ?, ?, ?) RETURNING id
    """
  static let trialState = "SELECT id, state FROM trials WHERE study_id = ? AND number = ?"
  static let runningTrial = "SELECT id FROM trials WHERE study_id = ? AND number = ? AND state = 'running'"
  static let finish = """
    UPDATE trials SET state = ?, completed = ?, fail_reason = ?
    WHERE study_id = ? AND number = ? AND state = 'running' RETURNING id
    """
  static let beat = "UPDATE trials SET heartbeat = ? WHERE study_id = ? AND number = ? AND state = 'running' RETURNING id"
  static let upsertParam = """
    INSERT INTO trial_params (trial_id, name, value, distribution) VALUES (?, ?, ?, ?)
    ON CONFLICT (trial_id, name) DO UPDATE SET value = excluded.value, distribution = excluded.distribution
    """
  static let upsertIntermediate = """
    INSERT INTO trial_intermediate (trial_id, step, value) VALUES (?, ?, ?)
    ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value
    """
  static let upsertTrialAttribute = """
    INSERT INTO trial_attributes (trial_id, system, key, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (trial_id, system, key) DO UPDATE SET value = excluded.value
    """
  /// Fails every stale running trial in one statement: each is failed by exactly one caller.
  static let failStale = """
    UPDATE trials SET state = 'failed', completed = ?, fail_reason = ?
    WHERE study_id = ? AND state = 'running' AND heartbeat < ? RETURNING id
    """

  /// `?` placeholders as `$1, $2, ...` (PostgreSQL). The statements above hold no `?` in
  /// literals.
  static func numbered(_ sql: String) -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 16)
    var n = 0
    for ch in sql {
      if ch == "?" {
        n += 1
        out += "$\(n)"
      } else {
        out.append(ch)
      }
    }
    return out
  }

  /// A multi-row insert of `rows` (each `columns.count` arguments long).
  static func insert(into table: String, columns: [String], rows: [[SQLArg]]) -> (String, [SQLArg]) {
    let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
      + Array(repeating: tuple, count: rows.count).joined(separator: ", ")
    return (sql, rows.flatMap { $0 })
  }

  /// The inserts that record a new trial's parameters and system attributes.
  static func trialDetails(
    trialID: Int, parameters: Parameters, distributions: [String: Distribution],
    systemAttributes: [String: String]
  ) -> [(String, [SQLArg])] {
    var out: [(String, [SQLArg])] = []
    if !parameters.isEmpty {
      out.append(insert(into: "trial_params", columns: ["trial_id", "name", "value", "distribution"],
        rows: parameters.sorted { $0.key < $1.key }.map { name, value in
          [.int(trialID), .text(name), .text(StoreCodec.encode(value)),
           .text(StoreCodec.encode(distributions[name] ?? .fixed(value)))]
        }))
    }
    if !systemAttributes.isEmpty {
      out.append(insert(into: "trial_attributes", columns: ["trial_id", "system", "key", "value"],
        rows: systemAttributes.sorted { $0.key < $1.key }.map { [.int(trialID), .int(1), .text($0.key), .text($0.value)] }))
    }
    return out
  }

  /// The insert of a complete trial's objective values (NaN is stored as NULL).
  static func values(trialID: Int, _ values: [Double]) -> (String, [SQLArg])? {
    guard !values.isEmpty else { return nil }
    return insert(into: "trial_values", columns: ["trial_id", "objective", "value"],
      rows: values.enumerated().map { [.int(trialID), .int($0.offset), .real($0.element.isNaN ? nil : $0.element)] })
  }

  /// The five queries that load trials, restricted by `filter` on the trials table `t`:
  /// trials, parameters, values, intermediate values, attributes, each ordered.
  static func load(filter: String) -> [String] {
    [
      "SELECT t.id, t.number, t.state, t.started, t.completed, t.heartbeat, t.fail_reason FROM trials t WHERE \(filter) ORDER BY t.number",
      "SELECT x.trial_id, x.name, x.value, x.distribution FROM trial_params x JOIN trials t ON t.id = x.trial_id WHERE \(filter)",
      "SELECT x.trial_id, x.objective, x.value FROM trial_values x JOIN trials t ON t.id = x.trial_id WHERE \(filter) ORDER BY x.objective",
      "SELECT x.trial_id, x.step, x.value FROM trial_intermediate x JOIN trials t ON t.id = x.trial_id WHERE \(filter)",
      "SELECT x.trial_id, x.system, x.key, x.value FROM trial_attributes x JOIN trials t ON t.id = x.trial_id WHERE \(filter)",
    ]
  }

  /// The filter for ``load(filter:)`` selecting a study's trials, optionally in some states.
  static func studyFilter(studyID: Int, states: Set<TrialState>?) -> (String, [SQLArg]) {
    guard let states else { return ("t.study_id = ?", [.int(studyID)]) }
    let sorted = states.map(\.rawValue).sorted()
    let marks = Array(repeating: "?", count: sorted.count).joined(separator: ", ")
    return ("t.study_id = ? AND t.state IN (\(marks))", [.int(studyID)] + sorted.map { .text($0) })
  }

  /// The filter for ``load(filter:)`` selecting trials by row id.
  static func idFilter(_ ids: [Int]) -> (String, [SQLArg]) {
    let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
    return ("t.id IN (\(marks))", ids.map { .int($0) })
  }
}

/// Builds ``TrialRecord``s from the rows of the five ``SQL/load(filter:)`` queries.
struct TrialAssembler {
  private(set) var records: [TrialRecord] = []
  private var index: [Int: Int] = [:]
  private var distributionCache: [String: Distribution] = [:]

  mutating func trial(
    id: Int, number: Int, state: String, started: Double?, completed: Double?, heartbeat: Double?,
    failReason: String?
  ) throws(StoreCodecError) {
    guard let s = TrialState(rawValue: state) else {
      throw StoreCodecError(text: state, reason: "unknown trial state")
    }
    index[id] = records.count
    records.append(TrialRecord(
      number: number, state: s, startedAt: started, completedAt: completed, heartbeatAt: heartbeat,
      failReason: failReason))
  }

  mutating func parameter(trialID: Int, name: String, value: String, distribution: String) throws(StoreCodecError) {
    guard let i = index[trialID] else { return }
    records[i].parameters[name] = try StoreCodec.decodeValue(value)
    if let d = distributionCache[distribution] {
      records[i].distributions[name] = d
    } else {
      let d = try StoreCodec.decodeDistribution(distribution)
      distributionCache[distribution] = d
      records[i].distributions[name] = d
    }
  }

  /// Values arrive in objective order.
  mutating func value(trialID: Int, objective: Int, value: Double?) {
    guard let i = index[trialID] else { return }
    var values = records[i].values ?? []
    while values.count <= objective { values.append(.nan) }
    values[objective] = value ?? .nan
    records[i].values = values
  }

  mutating func intermediate(trialID: Int, step: Int, value: Double?) {
    guard let i = index[trialID] else { return }
    records[i].intermediateValues[step] = value ?? .nan
  }

  mutating func attribute(trialID: Int, system: Bool, key: String, value: String) {
    guard let i = index[trialID] else { return }
    if system {
      records[i].systemAttributes[key] = value
    } else {
      records[i].userAttributes[key] = value
    }
  }
}

extension TrialRecord {
  /// A trial just created and started by `startTrial`.
  static func started(
    number: Int, _ parameters: Parameters, _ distributions: [String: Distribution],
    _ systemAttributes: [String: String], now: Double
  ) -> TrialRecord {
    TrialRecord(
      number: number, state: .running, parameters: parameters, distributions: distributions,
      systemAttributes: systemAttributes, startedAt: now, heartbeatAt: now)
  }
}

extension TrialOutcome {
  /// The state, fail reason and values a finished trial is stored with.
  var stored: (state: TrialState, reason: String?, values: [Double]) {
    switch self {
    case .complete(let v): return (.complete, nil, v)
    case .pruned: return (.pruned, nil, [])
    case .failed(let r): return (.failed, r, [])
    }
  }
}

extension StudyStorageError {
  /// The error for a trial that exists but is not running, or does not exist.
  static func notRunning(study: String, number: Int, state: String?) -> StudyStorageError {
    guard let state else { return .trialNotFound(study: study, number: number) }
    return .trialFinished(study: study, number: number, state: TrialState(rawValue: state) ?? .failed)
  }

  /// Names a study known only by id (it does not exist any more, or never did).
  static func unknownStudy(id: Int) -> StudyStorageError { .studyNotFound("#\(id)") }
}

/// The `failReason` of a trial failed by ``StudyStorage/failStaleTrials(studyID:staleAfter:now:)``
/// (the same text as the in-memory storage's).
let staleHeartbeatReason = "stale heartbeat"

/// The check a study's directions must pass when an existing study is loaded.
func checkDirections(name: String, stored: String, requested: [StudyDirection]) throws -> [StudyDirection] {
  let dirs = try StoreCodec.decodeDirections(stored)
  guard dirs == requested else {
    throw StudyStorageError.directionMismatch(study: name, stored: dirs, requested: requested)
  }
  return dirs
}
