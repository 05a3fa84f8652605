import Foundation
import Testing
import FrontierCore
import FrontierStateSearch
import FrontierPlanning

@Test(.enabled(if: ProcessInfo.processInfo.environment["FRONTIER_EXPLORE"] != nil))
func explore() throws {
  for d in llmpDomains {
    let files = try FileManager.default.contentsOfDirectory(atPath: sharedData.appendingPathComponent("pddl/llmp/\(d)").path)
      .filter { $0.hasPrefix("p") && $0.hasSuffix(".pddl") }.sorted().prefix(3)
    for f in files {
      let t0 = Date()
      do {
        let task = try loadTask(domain: "pddl/llmp/\(d)/domain.pddl", problem: "pddl/llmp/\(d)/\(f)")
        let g = try Grounder.ground(task)
        let t1 = Date()
        let h = Planner.initialHeuristics(g)
        var o = SearchOptions()
        o.limits.maxExpansions = 2000
        let r = Planner.solve(g, configuration: PlannerConfiguration(search: .gbfsHadd, options: o))
        var valid = "-"
        if let p = r.plan {
          let steps = try PlanValidator.parsePlan(g.ipcPlan(p))
          let rep = PlanValidator(task: task).validate(steps)
          valid = rep.isValid ? "valid \(rep.cost)" : rep.message
        }
        print("\(d)/\(f): facts \(g.factCount) actions \(g.actionCount) ground \(String(format: "%.3f", t1.timeIntervalSince(t0)))s h \(h) -> \(r.outcome) cost \(r.cost ?? -1) exp \(r.statistics.expanded) \(valid) warn \(task.domain.warnings.count + task.problem.warnings.count)")
      } catch {
        print("\(d)/\(f): ERROR \(error)")
      }
    }
  }
}
