import ArgumentParser
import Foundation
import FrontierOptimization

struct StudyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study",
    abstract: "List, show and export the studies in a study storage.",
    subcommands: [StudyList.self, StudyShow.self, StudyExport.self])
}

/// `--storage`, shared by the `study` subcommands.
struct StorageOption: ParsableArguments {
  @Option(help: "Study storage: sqlite:///file.db, a path ending in .db, postgresql://user@host/db.")
  var storage: String = defaultStorageURL

  /// Opens the storage, runs `body`, closes it.
  func with<R: Sendable>(_ body: (any StudyStorage) async throws -> R) async throws -> R {
    let store = try await openTuneStorage(storage, mustExist: true)
    do {
      let r = try await body(store)
      await closeTuneStorage(store)
      return r
    } catch {
      await closeTuneStorage(store)
      throw error
    }
  }
}

/// Loads a study's report from `storage`.
/// - Throws: `ValidationError` naming the study and the storage when there is no such study.
func loadReport(study name: String, storage: any StudyStorage, url: String) async throws -> (StudyReport, StudyInfo) {
  guard let info = try await storage.study(named: name) else {
    let names = try await storage.allStudies().map(\.name)
    throw ValidationError(
      "no study named '\(name)' in \(url)" + (names.isEmpty ? " (it holds no study)" : "; studies: \(names.joined(separator: ", "))"))
  }
  let trials = try await storage.trials(studyID: info.id, states: nil)
  let metrics = info.userAttributes["metrics"].map { $0.split(separator: ",").map(String.init) } ?? []
  return (StudyReport(name: info.name, directions: info.directions, trials: trials, metricNames: metrics), info)
}

struct StudyList: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the studies with their trial counts and best values.")
  @OptionGroup var options: StorageOption

  func run() async throws {
    let text = try await options.with { try await Self.listing($0) }
    Console.line(text)
  }

  /// One line per study: name, directions, trials by state, best value(s).
  static func listing(_ storage: any StudyStorage) async throws -> String {
    var lines: [String] = []
    for info in try await storage.allStudies() {
      let trials = try await storage.trials(studyID: info.id, states: nil)
      let r = StudyReport(name: info.name, directions: info.directions, trials: trials)
      var l = pad(info.name, 24, right: false) + " " + pad(info.directions.map(\.rawValue).joined(separator: ","), 10, right: false)
      l += " " + pad(String(trials.count), 6) + " trials"
      let counts = r.stateCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
      if !counts.isEmpty { l += " (\(counts))" }
      if info.directions.count == 1, let b = r.best.first, let v = b.value {
        l += "  best \(StudyReport.short(v)) (trial \(b.number))"
      } else if info.directions.count > 1 {
        l += "  Pareto set of \(r.best.count)"
      }
      lines.append(l)
    }
    return lines.isEmpty ? "no studies" : lines.joined(separator: "\n")
  }
}

struct StudyShow: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a study: trial counts, the best trial, parameter importance, the last trials.")
  @Argument(help: "Study name.")
  var name: String
  @Option(help: "How many of the last trials to list.")
  var last: Int = 10
  @OptionGroup var options: StorageOption

  func run() async throws {
    let text = try await options.with { storage in
      let (report, info) = try await loadReport(study: name, storage: storage, url: options.storage)
      return report.summary(userAttributes: info.userAttributes, lastTrials: last)
    }
    Console.line(String(text.dropLast()))
  }
}

/// What `study export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case csv, json, best, plot
}

struct StudyExport: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export a study's trials as CSV or JSON, its best trial(s), or plots.",
    discussion: """
      csv: one row per trial (number, state, values, params_<name>, duration_s, fail_reason).
      json: every field of every trial.
      best: the best trial's parameters and value; the Pareto set for several objectives.
      plot: self-contained SVG files (optimization history, parallel coordinates, parameter
      importance, intermediate values) and an index.html inlining them, in --output
      (default: <study>-plots). No scripts, nothing fetched from the network.
      """)
  @Argument(help: "Study name.")
  var name: String
  @Option(help: "csv, json, best or plot.")
  var format: ExportFormat = .csv
  @Option(help: "Output file (csv, json, best; default standard output) or directory (plot).")
  var output: String?
  @OptionGroup var options: StorageOption

  func run() async throws {
    let report = try await options.with { try await loadReport(study: name, storage: $0, url: options.storage).0 }
    for line in try Self.export(report, format: format, output: output) { Console.line(line) }
  }

  /// Writes the export; returns what to print (the text itself, or the files written).
  static func export(_ report: StudyReport, format: ExportFormat, output: String?) throws -> [String] {
    let text: String
    switch format {
    case .csv: text = report.csv
    case .json: text = report.json
    case .best: text = report.bestText
    case .plot:
      let dir = URL(fileURLWithPath: output ?? "\(report.name)-plots")
      do {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      } catch {
        throw InputError(file: dir.path, "cannot create the output directory: \(error.localizedDescription)")
      }
      var written: [String] = []
      for f in StudyPlots(report: report).files {
        let url = dir.appendingPathComponent(f.name)
        do { try Data(f.content.utf8).write(to: url) } catch {
          throw InputError(file: url.path, "cannot write: \(error.localizedDescription)")
        }
        written.append("wrote \(url.path)")
      }
      return written
    }
    guard let output else { return [String(text.dropLast())] }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
      throw InputError(file: output, "cannot write: \(error.localizedDescription)")
    }
    return ["wrote \(output)"]
  }
}
