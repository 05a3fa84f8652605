import Foundation
import FrontierOptimization
import Testing
@testable import FrontierCLI

private let xDist = Distribution.float(low: 0, high: 10)
private let optDist = Distribution.categorical([.string("adam"), .string("sgd")])

private func trial(
  _ n: Int, _ state: TrialState, x: Double, opt: String, values: [Double]? = nil,
  intermediate: [Int: Double] = [:], fail: String? = nil
) -> TrialRecord {
  TrialRecord(
    number: n, state: state, parameters: ["x": .float(x), "opt": .string(opt)],
    distributions: ["x": xDist, "opt": optDist], values: values, intermediateValues: intermediate,
    startedAt: 100, completedAt: state.isFinished ? 101.5 : nil, failReason: fail)
}

private let sample: [TrialRecord] = [
  trial(0, .complete, x: 3, opt: "adam", values: [3], intermediate: [1: 5, 2: 4]),
  trial(1, .complete, x: 1, opt: "sgd", values: [1], intermediate: [1: 2, 2: 1.5, 3: 1]),
  trial(2, .failed, x: 7, opt: "adam", fail: "exit status 1\nbad, \"quoted\""),
  trial(3, .pruned, x: 9, opt: "sgd", intermediate: [1: 8]),
  trial(4, .running, x: 5, opt: "adam"),
]

private func count(_ needle: String, in haystack: String) -> Int {
  haystack.components(separatedBy: needle).count - 1
}

@Suite("Study reports: CSV, JSON, best, importance, plots")
struct StudyReportTests {
  let report = StudyReport(name: "demo", directions: [.minimize], trials: sample)

  @Test("CSV has a header and one row per trial, quoting where needed")
  func csv() {
    let lines = report.csv.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "number,state,value,params_opt,params_x,duration_s,fail_reason")
    #expect(lines[1] == "0,complete,3.0,adam,3.0,1.500,")
    #expect(lines[3].hasPrefix("2,failed,,adam,7.0,1.500,\"exit status 1"))
    #expect(report.csv.contains("bad, \"\"quoted\"\"\""))
    #expect(lines[lines.count - 2] == "4,running,,adam,5.0,,")  // the quoted reason spans two lines
  }

  @Test("JSON holds every field of every trial")
  func json() throws {
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
    #expect(obj["study"] as? String == "demo")
    #expect(obj["directions"] as? [String] == ["minimize"])
    let trials = try #require(obj["trials"] as? [[String: Any]])
    #expect(trials.count == 5)
    #expect(trials[1]["values"] as? [Double] == [1])
    #expect((trials[1]["params"] as? [String: Any])?["opt"] as? String == "sgd")
    #expect((trials[1]["intermediate_values"] as? [String: Double])?["3"] == 1)
    let dist = try #require((trials[0]["distributions"] as? [String: Any])?["x"] as? [String: Any])
    #expect(dist["type"] as? String == "float" && dist["high"] as? Double == 10)
    #expect(trials[2]["fail_reason"] as? String == "exit status 1\nbad, \"quoted\"")
    #expect(trials[4]["completed_at"] is NSNull)
  }

  @Test("Best: the best trial for one objective")
  func bestSingle() {
    #expect(report.best.map(\.number) == [1])
    #expect(report.bestText == "trial 1: value 1\n  opt = sgd\n  x = 1.0\n")
    let maxi = StudyReport(name: "m", directions: [.maximize], trials: sample)
    #expect(maxi.best.map(\.number) == [0])
    #expect(StudyReport(name: "e", directions: [.minimize], trials: []).bestText.contains("no complete trial"))
  }

  @Test("Best: the Pareto set for several objectives")
  func pareto() {
    let trials = [
      trial(0, .complete, x: 0, opt: "adam", values: [1, 5]),
      trial(1, .complete, x: 1, opt: "adam", values: [2, 2]),
      trial(2, .complete, x: 2, opt: "adam", values: [3, 3]),  // dominated by 1
      trial(3, .complete, x: 3, opt: "adam", values: [5, 1]),
      trial(4, .failed, x: 4, opt: "adam"),
    ]
    let r = StudyReport(name: "mo", directions: [.minimize, .minimize], trials: trials, metricNames: ["loss", "ms"])
    #expect(r.best.map(\.number) == [0, 1, 3])
    #expect(r.bestText.hasPrefix("Pareto set of study 'mo': 3 trials\ntrial 0: loss 1, ms 5\n"))
    #expect(r.csv.hasPrefix("number,state,loss,ms,params_opt,params_x"))
  }

  @Test("Importance: the parameter that decides the objective gets nearly all of it")
  func importance() {
    var trials: [TrialRecord] = []
    for i in 0..<40 {
      let x = Double(i % 10)
      let opt = i % 2 == 0 ? "adam" : "sgd"
      trials.append(trial(i, .complete, x: x, opt: opt, values: [x * x + (opt == "adam" ? 0.1 : 0)]))
    }
    let imp = StudyReport(name: "i", directions: [.minimize], trials: trials).importance()
    #expect(imp.map(\.name) == ["x", "opt"])
    #expect(imp[0].importance > 0.95)
    #expect(abs(imp.map(\.importance).reduce(0, +) - 1) < 1e-9)
    #expect(report.importance().isEmpty)  // only 2 complete trials
  }

  @Test("Ranks average ties")
  func ranks() {
    #expect(StudyReport.ranks([3, 1, 3, 2]) == [2.5, 0, 2.5, 1])
  }

  @Test("Intermediate plot: one polyline per trial with intermediate values, by state")
  func intermediatePlot() {
    let svg = StudyPlots(report: report).intermediateValues()
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(count("<polyline", in: svg) == 3)
    #expect(count("class=\"trial-complete\"", in: svg) == 2 && count("class=\"trial-pruned\"", in: svg) == 1)
  }

  @Test("History plot: a point per complete trial and one best-so-far line")
  func historyPlot() {
    let svg = StudyPlots(report: report).history()
    #expect(count("<circle", in: svg) == 2)
    #expect(count("<polyline", in: svg) == 1 && svg.contains("<g class=\"best\">"))
  }

  @Test("Parallel coordinates: one polyline per complete trial, an axis per parameter and the objective")
  func parallelPlot() {
    let svg = StudyPlots(report: report).parallelCoordinates()
    #expect(count("<polyline", in: svg) == 2)
    #expect(svg.contains(">opt</text>") && svg.contains(">x</text>") && svg.contains(">value</text>"))
  }

  @Test("The plot files are self-contained: no scripts, no links out")
  func files() {
    let files = StudyPlots(report: report).files
    #expect(files.map(\.name) == [
      "history.svg", "parallel-coordinates.svg", "importance.svg", "intermediate-values.svg", "index.html",
    ])
    let html = files.last!.content
    #expect(count("<svg", in: html) == 4)
    for f in files {
      #expect(!f.content.contains("<script") && !f.content.contains("href="), "\(f.name)")
    }
    let multi = StudyPlots(report: StudyReport(name: "m", directions: [.minimize, .maximize], trials: []))
    #expect(multi.files.map(\.name).contains("history-1.svg"))
  }

  @Test("Scales: log for values spanning decades, readable ticks")
  func scales() {
    let lin = PlotScale(covering: [0, 10], pixels: (0, 100))
    #expect(!lin.log && lin.ticks.contains(0) && lin.ticks.contains(10))
    let log = PlotScale(covering: [0.001, 100], pixels: (0, 100))
    #expect(log.log && log.ticks.contains(1) && log.ticks.contains(0.01))
    #expect(log(0.001) < log(1) && log(1) < log(100))
  }

  @Test("Summary names the counts, the best trial and the last trials")
  func summary() {
    let text = report.summary(userAttributes: ["sampler": "tpe"])
    #expect(text.hasPrefix("study 'demo': minimize, sampler tpe\ntrials: 5 (1 running, 2 complete, 1 pruned, 1 failed)\n"))
    #expect(text.contains("best trial 1: value 1"))
    #expect(text.contains("failed") && text.contains("(exit status 1)"))
  }
}
