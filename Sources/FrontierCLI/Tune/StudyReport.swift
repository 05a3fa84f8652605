import Foundation
import FrontierOptimization

/// Reports over a study's trials: CSV, JSON, the best trial(s), and parameter importance.
/// Pure functions of the records and the directions, so every storage reports alike.
struct StudyReport: Sendable {
  var name: String
  var directions: [StudyDirection]
  /// Trials in number order.
  var trials: [TrialRecord]
  /// Optional names of the objectives (`--metric`), used as column headers.
  var metricNames: [String] = []

  init(name: String, directions: [StudyDirection], trials: [TrialRecord], metricNames: [String] = []) {
    self.name = name
    self.directions = directions
    self.trials = trials.sorted { $0.number < $1.number }
    self.metricNames = metricNames.count == directions.count ? metricNames : []
  }

  /// Every parameter name that appears in any trial: first in order of first appearance in
  /// the trials' distributions (sorted within a trial), which keeps a file space's names together.
  var parameterNames: [String] {
    var seen = Set<String>()
    var names: [String] = []
    for t in trials {
      for n in Set(t.parameters.keys).union(t.distributions.keys).sorted() where seen.insert(n).inserted {
        names.append(n)
      }
    }
    return names
  }

  /// Column headers for the objective values: `value` for one objective, else the metric
  /// names or `values_0`, `values_1`, ...
  var valueColumns: [String] {
    if directions.count == 1 { return [metricNames.first ?? "value"] }
    return metricNames.isEmpty ? directions.indices.map { "values_\($0)" } : metricNames
  }

  static func duration(_ t: TrialRecord) -> Double? {
    guard let s = t.startedAt, let e = t.completedAt else { return nil }
    return e - s
  }

  // MARK: CSV

  /// One header line, then one line per trial:
  /// `number,state,<values>,params_<name>...,duration_s,fail_reason`. Empty cells for
  /// missing values (an inactive parameter, an unfinished trial).
  var csv: String {
    let names = parameterNames
    var rows = [(["number", "state"] + valueColumns + names.map { "params_" + $0 } + ["duration_s", "fail_reason"])]
    for t in trials {
      var row = [String(t.number), t.state.rawValue]
      for i in directions.indices {
        if let v = t.values, i < v.count { row.append("\(v[i])") } else { row.append("") }
      }
      for n in names { row.append(t.parameters[n]?.description ?? "") }
      row.append(Self.duration(t).map { String(format: "%.3f", $0) } ?? "")
      row.append(t.failReason ?? "")
      rows.append(row)
    }
    return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  // MARK: JSON

  /// `{"study": name, "directions": [...], "trials": [ {...}, ... ]}` with one trial object per
  /// line holding every recorded field.
  var json: String {
    var head = JSONLine()
    head.add("study", name)
    head.addRaw("directions", "[" + directions.map { JSONLine.quote($0.rawValue) }.joined(separator: ",") + "]")
    var text = String(head.text.dropLast()) + ",\"trials\":["
    text += trials.map { "\n" + Self.trialJSON($0) }.joined(separator: ",")
    return text + "\n]}\n"
  }

  static func trialJSON(_ t: TrialRecord) -> String {
    var o = JSONLine()
    o.add("number", t.number)
    o.add("state", t.state.rawValue)
    if let v = t.values { o.addRaw("values", "[" + v.map(jsonNumber).joined(separator: ",") + "]") } else { o.addNull("values") }
    o.addRaw("params", paramsJSON(t.parameters))
    var d = JSONLine()
    for (k, dist) in t.distributions.sorted(by: { $0.key < $1.key }) { d.addRaw(k, distributionJSON(dist)) }
    o.addRaw("distributions", d.text)
    var iv = JSONLine()
    for (s, v) in t.intermediateValues.sorted(by: { $0.key < $1.key }) { iv.addRaw(String(s), jsonNumber(v)) }
    o.addRaw("intermediate_values", iv.text)
    o.addRaw("user_attrs", stringsJSON(t.userAttributes))
    o.addRaw("system_attrs", stringsJSON(t.systemAttributes))
    o.add("started_at", t.startedAt)
    o.add("completed_at", t.completedAt)
    o.add("duration_s", duration(t))
    if let r = t.failReason { o.add("fail_reason", r) } else { o.addNull("fail_reason") }
    return o.text
  }

  /// A number as JSON; infinities (legal objective values) as strings, which JSON lacks.
  static func jsonNumber(_ v: Double) -> String {
    if v.isFinite { return JSONLine.number(v) }
    return v.isNaN ? "null" : (v > 0 ? "\"inf\"" : "\"-inf\"")
  }

  static func paramsJSON(_ p: Parameters) -> String {
    var o = JSONLine()
    for (k, v) in p.sorted(by: { $0.key < $1.key }) { o.addRaw(k, valueJSON(v)) }
    return o.text
  }

  static func valueJSON(_ v: ParameterValue) -> String {
    switch v {
    case .float(let x): return jsonNumber(x)
    case .int(let i): return String(i)
    case .string(let s): return JSONLine.quote(s)
    case .bool(let b): return b ? "true" : "false"
    }
  }

  static func stringsJSON(_ m: [String: String]) -> String {
    var o = JSONLine()
    for (k, v) in m.sorted(by: { $0.key < $1.key }) { o.add(k, v) }
    return o.text
  }

  static func distributionJSON(_ d: Distribution) -> String {
    var o = JSONLine()
    switch d {
    case .float(let low, let high, let log, let step):
      o.add("type", "float")
      o.add("low", low)
      o.add("high", high)
      o.add("log", log)
      o.add("step", step)
    case .int(let low, let high, let log, let step):
      o.add("type", "int")
      o.add("low", low)
      o.add("high", high)
      o.add("log", log)
      o.add("step", step)
    case .categorical(let choices):
      o.add("type", "categorical")
      o.addRaw("choices", "[" + choices.map(valueJSON).joined(separator: ",") + "]")
    case .fixed(let v):
      o.add("type", "fixed")
      o.addRaw("value", valueJSON(v))
    }
    return o.text
  }

  // MARK: best

  /// The complete trials with a full set of non-NaN values.
  var scored: [TrialRecord] {
    trials.filter { t in
      t.state == .complete && (t.values?.count ?? 0) == directions.count && !(t.values?.contains(where: \.isNaN) ?? true)
    }
  }

  /// The best trial for one objective (ties: the lower number); for several objectives the
  /// Pareto set: complete trials that no other complete trial dominates (no worse in every
  /// objective, better in one). O(n^2 m).
  var best: [TrialRecord] {
    let done = scored
    if directions.count == 1 {
      return StudyHistory(directions: directions, trials: done).best.map { [$0] } ?? []
    }
    let losses = done.map { t in t.values!.enumerated().map { directions[$0.offset].loss($0.element) } }
    return done.indices.filter { i in
      !losses.indices.contains { j in
        j != i && zip(losses[j], losses[i]).allSatisfy { $0 <= $1 } && zip(losses[j], losses[i]).contains { $0 < $1 }
      }
    }.map { done[$0] }
  }

  /// The `best` format: the best trial's number, value(s) and parameters (every trial of the
  /// Pareto set for several objectives).
  var bestText: String {
    let set = best
    guard !set.isEmpty else { return "study '\(name)' has no complete trial yet\n" }
    var out = directions.count == 1 ? "" : "Pareto set of study '\(name)': \(set.count) trial\(set.count == 1 ? "" : "s")\n"
    for t in set {
      let values = zip(valueColumns, t.values ?? []).map { "\($0) \(Self.short($1))" }.joined(separator: ", ")
      out += "trial \(t.number): \(values)\n"
      for n in parameterNames { if let v = t.parameters[n] { out += "  \(n) = \(v)\n" } }
    }
    return out
  }

  /// A compact number for people: up to 6 significant digits.
  static func short(_ v: Double) -> String {
    guard v.isFinite else { return "\(v)" }
    return String(format: "%.6g", v)
  }

  // MARK: importance

  /// Parameter importance for objective `objective`, largest first, summing to 1 (when any
  /// parameter explains anything).
  ///
  /// Method (a data-only stand-in for fANOVA's main effects): replace each complete trial's
  /// objective value by its rank (so one outlier cannot dominate), then for each parameter
  /// group the trials that have it into bins — one per categorical choice, or up to
  /// `min(8, n/4)` equal-count bins of a numeric value — and take the correlation ratio
  /// η² = (variance of the bin means, weighted by bin size) / (variance of all ranks): the
  /// share of the objective's variance that the parameter alone explains. The η² are then
  /// normalised to sum to 1, as Optuna reports fANOVA importances. Needs at least 4 trials.
  func importance(objective: Int = 0) -> [(name: String, importance: Double)] {
    let done = scored
    guard done.count >= 4, objective < directions.count else { return [] }
    let ranks = Self.ranks(done.map { $0.values![objective] })
    var raw: [(String, Double)] = []
    for name in parameterNames {
      let isCategorical = done.contains { t in
        if case .categorical? = t.distributions[name] { return true }
        return t.parameters[name].map { $0.doubleValue == nil } ?? false
      }
      var pairs: [(key: Double, rank: Double)] = []
      var choices: [ParameterValue] = []
      for (i, t) in done.enumerated() {
        guard let v = t.parameters[name] else { continue }
        if isCategorical {
          if !choices.contains(v) { choices.append(v) }
          pairs.append((Double(choices.firstIndex(of: v)!), ranks[i]))
        } else if let x = v.doubleValue {
          pairs.append((x, ranks[i]))
        }
      }
      guard pairs.count >= 4 else {
        raw.append((name, 0))
        continue
      }
      var groups: [[Double]]
      if isCategorical {
        var byKey: [Double: [Double]] = [:]
        for p in pairs { byKey[p.key, default: []].append(p.rank) }
        groups = Array(byKey.values)
      } else {
        let sorted = pairs.sorted { $0.key < $1.key }
        let bins = Swift.max(2, Swift.min(8, sorted.count / 4))
        groups = []
        var start = 0
        for b in 0..<bins {
          var end = (b + 1) * sorted.count / bins
          // Equal keys stay in one bin.
          while end < sorted.count, end > 0, sorted[end].key == sorted[end - 1].key { end += 1 }
          if end > start { groups.append(sorted[start..<end].map(\.rank)) }
          start = Swift.max(start, end)
        }
      }
      raw.append((name, Self.correlationRatio(groups)))
    }
    let total = raw.reduce(0) { $0 + $1.1 }
    return raw.map { (name: $0.0, importance: total > 0 ? $0.1 / total : 0) }
      .sorted { $0.importance != $1.importance ? $0.importance > $1.importance : $0.name < $1.name }
  }

  /// Average ranks (ties share the mean rank).
  static func ranks(_ xs: [Double]) -> [Double] {
    let order = xs.indices.sorted { xs[$0] < xs[$1] }
    var r = [Double](repeating: 0, count: xs.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count, xs[order[j + 1]] == xs[order[i]] { j += 1 }
      for k in i...j { r[order[k]] = Double(i + j) / 2 }
      i = j + 1
    }
    return r
  }

  /// Between-group variance over total variance.
  static func correlationRatio(_ groups: [[Double]]) -> Double {
    let all = groups.flatMap { $0 }
    guard all.count > 1 else { return 0 }
    let mean = all.reduce(0, +) / Double(all.count)
    let total = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    guard total > 0 else { return 0 }
    let between = groups.reduce(0.0) { acc, g in
      let m = g.reduce(0, +) / Double(g.count)
      return acc + Double(g.count) * (m - mean) * (m - mean)
    }
    return between / total
  }

  // MARK: summary

  /// How many trials are in each state, in life-cycle order (states with none left out).
  var stateCounts: [(TrialState, Int)] {
    TrialState.allCases.compactMap { s in
      let n = trials.filter { $0.state == s }.count
      return n > 0 ? (s, n) : nil
    }
  }

  /// The `study show` text: directions, trial counts, best trial(s), importance, last trials.
  func summary(userAttributes: [String: String] = [:], lastTrials: Int = 10) -> String {
    var out = "study '\(name)': \(directions.map(\.rawValue).joined(separator: ", "))"
    if let s = userAttributes["sampler"] { out += ", sampler \(s)" }
    out += "\n"
    out += "trials: \(trials.count)"
    if !trials.isEmpty { out += " (" + stateCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + ")" }
    out += "\n"
    if !scored.isEmpty { out += "best " + bestText }
    let imp = importance()
    if !imp.isEmpty {
      out += "importance (rank η², see `study export --format plot`):\n"
      for (n, v) in imp { out += "  " + pad(n, 20, right: false) + " " + fmt(v, 3) + "\n" }
    }
    if !trials.isEmpty {
      out += "last trials:\n"
      for t in trials.suffix(lastTrials) {
        var line = "  " + pad(String(t.number), 5) + "  " + pad(t.state.rawValue, 8, right: false)
        if let v = t.values { line += "  " + v.map(Self.short).joined(separator: ", ") }
        let params = parameterNames.compactMap { n in t.parameters[n].map { "\(n)=\($0)" } }
        if !params.isEmpty { line += "  " + params.joined(separator: " ") }
        if let r = t.failReason { line += "  (" + (r.split(separator: "\n").first.map(String.init) ?? "") + ")" }
        out += line + "\n"
      }
    }
    return out
  }
}
