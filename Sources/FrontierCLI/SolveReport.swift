import Foundation
import FrontierCore

/// One solved (or not) instance, as reported by `frontier solve`.
struct SolveRecord: Sendable {
  var id: String
  var outcome: String
  var cost: Double?
  var optimal: Double?
  var statistics: SearchStatistics
  var pathLength: Int?
  var extra: [(String, String)] = []

  var solved: Bool { outcome == "solved" }

  /// Matches the optimal value within the precision the benchmark files use
  /// (|cost − optimal| ≤ 1e-5·optimal + 1e-4).
  var matchesOptimal: Bool? {
    guard let o = optimal else { return nil }
    guard let c = cost else { return false }
    return abs(c - o) <= 1e-5 * o + 1e-4
  }

  var jsonLine: String {
    var j = JSONLine()
    if let n = Int(id) { j.add("id", n) } else { j.add("id", id) }
    j.add("solved", solved)
    j.add("outcome", outcome)
    j.add("cost", cost)
    if let o = optimal {
      j.add("optimal", o)
      j.add("optimal_match", matchesOptimal ?? false)
    }
    j.add("length", pathLength)
    j.add("expanded", statistics.expanded)
    j.add("generated", statistics.generated)
    j.add("duplicates", statistics.duplicates)
    j.add("reopened", statistics.reopened)
    j.add("peak_open", statistics.peakOpen)
    j.add("stored", statistics.stored)
    j.add("iterations", statistics.iterations)
    j.add("seconds", statistics.seconds)
    for (k, v) in extra { j.add(k, v) }
    return j.text
  }
}

/// Prints records as JSON lines or as a table with a summary, streaming one row per
/// instance so long runs show progress.
final class SolveReport {
  let json: Bool
  let title: String
  private(set) var records: [SolveRecord] = []
  private var headerPrinted = false

  init(json: Bool, title: String) {
    self.json = json
    self.title = title
  }

  func add(_ r: SolveRecord) {
    records.append(r)
    if json {
      Console.line(r.jsonLine)
      return
    }
    if !headerPrinted {
      Console.line(title)
      Console.line(
        pad("id", 16) + pad("outcome", 22) + pad("cost", 12) + pad("optimal", 12) + pad("expanded", 15)
          + pad("generated", 16) + pad("seconds", 10))
      headerPrinted = true
    }
    let cost = r.cost.map { JSONLine.number(($0 * 1e5).rounded() / 1e5) } ?? "-"
    let opt = r.optimal.map { JSONLine.number($0) } ?? "-"
    let mark = r.matchesOptimal == false && r.solved ? " !" : ""
    Console.line(
      pad(r.id, 16) + pad(r.outcome, 22) + pad(cost + mark, 12) + pad(opt, 12)
        + pad(grouped(r.statistics.expanded), 15) + pad(grouped(r.statistics.generated), 16)
        + pad(fmt(r.statistics.seconds), 10))
  }

  /// The summary line (tables only).
  func finish() {
    guard !json else { return }
    Console.line(summary)
  }

  var summary: String {
    let solved = records.filter(\.solved).count
    let withOptimal = records.filter { $0.optimal != nil && $0.solved }
    let optimal = withOptimal.filter { $0.matchesOptimal == true }.count
    var total = SearchStatistics()
    for r in records { total.accumulate(r.statistics) }
    let secs = total.seconds
    var s = "solved \(solved)/\(records.count)"
    if !withOptimal.isEmpty { s += ", \(optimal)/\(withOptimal.count) with the listed optimal cost" }
    let unsolvable = records.filter { $0.outcome == "unsolvable" }.count
    if unsolvable > 0 { s += ", \(unsolvable) unsolvable" }
    let costSum = records.compactMap(\.cost).reduce(0, +)
    s += "; cost sum \(JSONLine.number((costSum * 1e4).rounded() / 1e4))"
    s += "; expanded \(grouped(total.expanded)) (\(rate(total.expanded, secs)))"
    s += ", generated \(grouped(total.generated)) (\(rate(total.generated, secs)))"
    s += "; \(fmt(secs)) s"
    return s
  }
}
