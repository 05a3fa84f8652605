import Foundation
import Testing
import FrontierCore
import FrontierPlanning

/// Random walks in the ground task, replayed on the lifted task by the validator: every
/// step must be executable there, costs must agree, and after each walk the ground state
/// must equal the lifted state on every ground fact. This checks normalisation, grounding,
/// conditional effects and the successor generator against the PDDL semantics.
func checkRandomWalks(_ task: PlanningTask, seeds: ClosedRange<UInt64> = 1...6, length: Int = 25) throws {
  let g = try Grounder.ground(task)
  let p = PlanningProblem<WidePlanningState>(g)
  let validator = PlanValidator(task: task)
  for seed in seeds {
    var rng = SplitMix64(seed: seed)
    var s = p.start
    var plan: [Int32] = []
    for _ in 0..<length {
      let applicable = p.applicableActions(s)
      guard let a = applicable.randomElement(using: &rng) else { break }
      s = p.apply(Int(a), to: s)
      plan.append(a)
    }
    let steps = plan.filter { !g.actionHidden[Int($0)] }.map { a -> PlanStep in
      let parts = g.actionNames[Int(a)].dropFirst().dropLast().split(separator: " ").map(String.init)
      return PlanStep(action: parts[0], arguments: Array(parts.dropFirst()))
    }
    let (report, lifted) = validator.simulate(steps)
    #expect(report.failedStep == nil, "seed \(seed): \(report.message)")
    #expect(report.cost == g.cost(of: plan), "seed \(seed)")
    #expect(report.isValid == p.isGoal(s), "seed \(seed)")
    let liftedNames = Set(lifted.map(\.description))
    for f in 0..<g.factCount where !g.factNames[f].hasPrefix("(goal-reached") {
      #expect(s.contains(Int32(f)) == liftedNames.contains(g.factNames[f]), "seed \(seed): \(g.factNames[f])")
    }
  }
}

@Suite struct RandomWalkTests {
  @Test func tinyADL() throws {
    try checkRandomWalks(PDDLParser().parseTask(domain: tinyDomain, problem: tinyProblem))
  }

  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          ("pddl/ipc/miconic-simple-adl/domain.pddl", "pddl/ipc/miconic-simple-adl/instances/instance-3.pddl"),
          ("pddl/ipc/schedule-adl/domain.pddl", "pddl/ipc/schedule-adl/instances/instance-1.pddl"),
          ("pddl/llmp/termes/domain.pddl", "pddl/llmp/termes/p01.pddl"),
          ("pddl/llmp/floortile/domain.pddl", "pddl/llmp/floortile/p01.pddl"),
          ("pddl/llmp/tyreworld/domain.pddl", "pddl/llmp/tyreworld/p01.pddl"),
          ("pddl/llmp/manipulation/domain.pddl", "pddl/llmp/manipulation/p01.pddl"),
        ])
  func sharedTasks(_ domain: String, _ problem: String) throws {
    try checkRandomWalks(loadTask(domain: domain, problem: problem), seeds: 1...3)
  }
}
