import Foundation
import Testing
import FrontierCore
import FrontierStateSearch
import FrontierPlanning

let lineDomain = """
(define (domain line) (:requirements :strips)
  (:predicates (at ?x) (conn ?x ?y) (visited ?x))
  (:action move :parameters (?x ?y)
    :precondition (and (at ?x) (conn ?x ?y))
    :effect (and (at ?y) (visited ?y) (not (at ?x)))))
"""

func lineProblem(goal: String) -> String {
  """
  (define (problem l) (:domain line) (:objects a b c d)
    (:init (at a) (conn a b) (conn b a) (conn b c) (conn c b))
    (:goal \(goal)))
  """
}

func groundText(_ domain: String, _ problem: String) throws -> (PlanningTask, GroundTask) {
  let task = try PDDLParser().parseTask(domain: domain, domainFile: "d.pddl", problem: problem, problemFile: "p.pddl")
  return (task, try Grounder.ground(task))
}

/// Solves, checks the plan with the lifted validator, and returns its cost.
func solveAndValidate(_ task: PlanningTask, _ g: GroundTask, _ search: PlannerSearch) throws -> Int? {
  let r = Planner.solve(g, configuration: PlannerConfiguration(search: search))
  guard let plan = r.plan else { return nil }
  let steps = try PlanValidator.parsePlan(g.ipcPlan(plan))
  let report = PlanValidator(task: task).validate(steps)
  #expect(report.isValid, "\(report.message)")
  #expect(report.cost == r.cost)
  return r.cost
}

@Suite struct GroundingTests {
  @Test func lineTaskSizesByHand() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(visited c)"))
    // at a/b/c and visited a/b/c; nothing about d is reachable; conn is static.
    #expect(g.factNames == ["(at a)", "(at b)", "(at c)", "(visited a)", "(visited b)", "(visited c)"])
    #expect(Set(g.actionNames) == ["(move a b)", "(move b a)", "(move b c)", "(move c b)"])
    #expect(g.statistics.staticFacts == 4)
    #expect(g.initialFacts == [0])
    #expect(g.goal == [5])
    let a = g.actionNames.firstIndex(of: "(move a b)")!
    #expect(g.preconditions(of: a) == [0])
    #expect(g.adds(of: a) == [1, 4])
    #expect(g.deletes(of: a) == [0])
  }

  @Test func adlTaskSizesByHand() throws {
    let (_, g) = try groundText(tinyDomain, tinyProblem)
    #expect(g.factCount == 6)
    // move hall->kitchen, kitchen->hall; paint split by the disjunction: robby there, or a
    // ball there (exists lifted into a hidden parameter) for each of the two rooms.
    #expect(g.actionCount == 6)
    #expect(g.actionNames.filter { $0 == "(paint hall)" }.count == 2)
    let move = g.actionNames.firstIndex(of: "(move hall kitchen)")!
    #expect(g.actionCosts[move] == 3)
    #expect(g.conditionalEffects(of: move).count == 2)
    #expect(!g.unitCost)
    #expect(g.goal.count == 3)
  }

  @Test func unreachableGoalIsUnsolvableWithoutSearch() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(at d)"))
    #expect(g.goalUnreachable)
    #expect(Planner.solve(g).outcome == .unsolvable)
  }

  @Test func exhaustedSearchIsUnsolvable() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(and (at a) (at c))"))
    #expect(!g.goalUnreachable)
    let r = Planner.solve(g, configuration: PlannerConfiguration(search: .astarBlind))
    #expect(r.outcome == .unsolvable)
    // Every reachable state (the robot's place and the places visited) was expanded.
    #expect(r.statistics.expanded == 9)
  }

  @Test func disjunctiveGoalUsesHiddenGoalActions() throws {
    let (task, g) = try groundText(lineDomain, lineProblem(goal: "(or (visited c) (at d))"))
    #expect(g.actionHidden.filter { $0 }.count == 1)
    #expect(try solveAndValidate(task, g, .astarBlind) == 2)
    let plan = Planner.solve(g, configuration: PlannerConfiguration(search: .astarBlind)).plan!
    #expect(g.ipcPlan(plan) == "(move a b)\n(move b c)\n; cost = 2 (unit cost)\n")
  }
}

@Suite struct PlanningTests {
  @Test func tinyADLOptimalWithActionCosts() throws {
    let (task, g) = try groundText(tinyDomain, tinyProblem)
    #expect(try solveAndValidate(task, g, .astarBlind) == 5)
    #expect(try solveAndValidate(task, g, .astarHmax) == 5)
    #expect(try solveAndValidate(task, g, .gbfsHadd) != nil)
    let h = Planner.initialHeuristics(g)
    // h_max: max(painted hall 1, at b1 kitchen 3, painted kitchen 3+1) = 4.
    // h_add: 1 + 3 + min(robby at kitchen 3, ball at kitchen 3) + 1 = 8.
    #expect(h.hmax == 4)
    #expect(h.hadd == 8)
    #expect(h.goalCount == 3)
    #expect(h.blind == 1)
  }

  @Test func validatorRejectsBadPlans() throws {
    let (task, _) = try groundText(tinyDomain, tinyProblem)
    let v = PlanValidator(task: task)
    let bad1 = v.validate(try PlanValidator.parsePlan("(move kitchen hall)"))
    #expect(!bad1.isValid && bad1.failedStep == 0)
    #expect(bad1.message.contains("(at-robby kitchen) is false"))
    let bad2 = v.validate(try PlanValidator.parsePlan("(paint hall)\n(fly hall)"))
    #expect(bad2.failedStep == 1 && bad2.message.contains("unknown action 'fly'"))
    let bad3 = v.validate(try PlanValidator.parsePlan("(paint hall)"))
    #expect(!bad3.isValid && bad3.failedStep == nil && bad3.message.contains("goal not satisfied"))
    let bad4 = v.validate(try PlanValidator.parsePlan("(paint b1)"))
    #expect(bad4.message.contains("not of type room"))
    let good = v.validate(try PlanValidator.parsePlan("; a comment\n(PAINT hall)\n(move hall kitchen)\n(paint kitchen)\n; cost = 5\n"))
    #expect(good.isValid && good.cost == 5)
  }

  /// Initial-state h_max and h_add on unit-cost tasks, computed with pyperplan 2.1
  /// (hMaxHeuristic / hAddHeuristic / hFFHeuristic on the root node); both are exactly defined, so
  /// Fast Downward's hmax()/hadd() give the same values on these tasks.
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          ("pddl/llmp/blocksworld/domain.pddl", "pddl/llmp/blocksworld/p02.pddl", 4, 8, 5),
          ("pddl/llmp/blocksworld/domain.pddl", "pddl/llmp/blocksworld/p03.pddl", 4, 7, 5),
          ("pddl/llmp/storage/domain.pddl", "pddl/llmp/storage/p02.pddl", 3, 5, 3),
          ("pddl/llmp/tyreworld/domain.pddl", "pddl/llmp/tyreworld/p01.pddl", 6, 46, 12),
          ("pddl/llmp/barman/domain.pddl", "pddl/llmp/barman/p01.pddl", 5, 102, 15),
          ("pddl/ipc/gripper/domain.pddl", "pddl/ipc/gripper/instances/instance-1.pddl", 2, 12, 9),
          ("pddl/ipc/miconic/domain.pddl", "pddl/ipc/miconic/instances/instance-1.pddl", 3, 3, 3),
          ("pddl/ipc/logistics/domain.pddl", "pddl/ipc/logistics/instances/instance-1.pddl", 6, 24, 19),
        ])
  func initialHeuristicsMatchPyperplan(_ domain: String, _ problem: String, _ hmax: Int, _ hadd: Int, _ hff: Int) throws {
    let g = try Grounder.ground(loadTask(domain: domain, problem: problem))
    let h = Planner.initialHeuristics(g)
    #expect(h.hmax == hmax)
    #expect(h.hadd == hadd)
    // h_FF depends on which best supporter wins ties. Ours: the first operator to reach a
    // fact at its final h_add cost (operators in action order, equally costly facts popped
    // last in, first out, as Fast Downward); pyperplan breaks ties differently on barman
    // p01 (FD: 14, as ours; see FFHeuristicTests).
    let tieBreakingDifferences = ["pddl/llmp/barman/p01.pddl": 14]
    #expect(h.hff == (tieBreakingDifferences[problem] ?? hff))
    #expect(h.hff >= h.hmax && h.hff <= h.hadd)
  }

  /// A* (blind and h_max) finds valid plans whose cost equals breadth-first search's.
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          "pddl/llmp/blocksworld/p02.pddl", "pddl/llmp/blocksworld/p03.pddl", "pddl/llmp/storage/p02.pddl",
          "pddl/llmp/storage/p03.pddl", "pddl/llmp/tyreworld/p01.pddl", "pddl/llmp/grippers/p03.pddl",
        ])
  func aStarIsOptimalAgainstBreadthFirst(_ problem: String) throws {
    let domain = (problem as NSString).deletingLastPathComponent + "/domain.pddl"
    let task = try loadTask(domain: domain, problem: problem)
    let g = try Grounder.ground(task)
    #expect(g.unitCost)
    let bfs = try solveAndValidate(task, g, .bfs)
    #expect(bfs != nil)
    #expect(try solveAndValidate(task, g, .astarHmax) == bfs)
    #expect(try solveAndValidate(task, g, .astarBlind) == bfs)
  }

  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)))
  func manipulationWithDistanceCostsIsOptimal() throws {
    let task = try loadTask(domain: "pddl/llmp/manipulation/domain.pddl", problem: "pddl/llmp/manipulation/p_example.pddl")
    let g = try Grounder.ground(task)
    #expect(!g.unitCost)
    let ucs = uniformCostSearch(PlanningProblem<SmallPlanningState>(g))
    #expect(try solveAndValidate(task, g, .astarHmax) == ucs.cost)
    // The undeclared :action-costs requirement is a warning, not an error.
    #expect(task.domain.warnings.contains { $0.message.contains(":action-costs") })
  }
}
