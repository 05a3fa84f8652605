import Foundation
import Testing
import FrontierCore
import FrontierStateSearch
import FrontierPlanning

@Suite struct SatisficingTests {
  /// Every satisficing configuration finds a plan that the lifted validator accepts, on a
  /// task of every shared LLM+P domain and on ADL IPC tasks (conditional effects).
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: ["llmp/blocksworld/p03", "llmp/storage/p03", "llmp/manipulation/p_example",
                    "ipc/miconic-simple-adl/instance-2", "ipc/gripper/instance-1"])
  func satisficingConfigurationsFindValidPlans(_ name: String) throws {
    let task = try loadShared(name)
    let g = try Grounder.ground(task)
    for search in [PlannerSearch.satisficing, .lazyGbfsFF, .gbfsFF, .wastarFF] {
      let cost = try solveAndValidate(task, g, search)
      #expect(cost != nil, "\(search.rawValue) found no plan for \(name)")
    }
  }

  /// The default configuration is the lazy, preferred-operator one.
  @Test func defaultIsSatisficing() {
    #expect(PlannerConfiguration().search == .satisficing)
    #expect(PlannerSearch.optimal.isOptimal && PlannerSearch.astarLMCut.isOptimal && !PlannerSearch.satisficing.isOptimal)
  }

  /// Preferred operators of h_FF are applicable actions of the relaxed plan, and
  /// `isPreferred` agrees with the list.
  @Test func preferredOperatorsAreApplicable() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(visited c)"))
    let p = PlanningProblem<SmallPlanningState>(g)
    let h = FFHeuristic<SmallPlanningState>(g)
    #expect(h.estimateWithPreferred(p.start) == 2)
    let preferred = h.lastPreferredOperators
    #expect(preferred.map { g.actionNames[Int($0)] } == ["(move a b)"])
    for a in 0..<Int32(g.actionCount) { #expect(h.isPreferred(a) == preferred.contains(a)) }
    #expect(Set(preferred).isSubset(of: p.applicableActions(p.start)))
  }

  /// A memory limit stops every planner configuration with `.stopped(.memoryLimit)`, also
  /// with process accounting (the limit bounds the whole process, as `--memory-limit`).
  @Test func memoryLimitStopsPlanning() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(visited c)"))
    for search in [PlannerSearch.satisficing, .lama, .gbfsFF, .lazyGbfsFF, .astarLMCut, .bfs] {
      let tiny = SearchLimits(maxMemoryBytes: 1, checkInterval: 1)
      let r = Planner.solve(g, configuration: PlannerConfiguration(search: search, options: SearchOptions(limits: tiny)))
      #expect(r.outcome == .stopped(.memoryLimit), "\(search.rawValue)")
      #expect(r.plan == nil)
      let process = SearchLimits(maxMemoryBytes: 1 << 20, countsProcessMemory: true, checkInterval: 1)
      let p = Planner.solve(g, configuration: PlannerConfiguration(search: search, options: SearchOptions(limits: process)))
      #expect(p.outcome == .stopped(.memoryLimit), "\(search.rawValue)")
      // A generous limit changes nothing.
      let roomy = SearchLimits(maxMemoryBytes: 1 << 40, countsProcessMemory: true, checkInterval: 1)
      let s = Planner.solve(g, configuration: PlannerConfiguration(search: search, options: SearchOptions(limits: roomy)))
      #expect(s.outcome == .solved, "\(search.rawValue)")
    }
  }

  /// The landmark heuristic's per-node sets count in the memory check, with their
  /// doubling once the node count nears the store's size.
  @Test func landmarkMemoryFootprint() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(visited c)"))
    let lm = LandmarkCountHeuristic<SmallPlanningState>(g)
    let few = lm.memoryFootprint(nodes: 10)
    #expect(few.held > 0 && few.growth == 0)
    let many = lm.memoryFootprint(nodes: 1_000)
    #expect(many.held == few.held && many.growth == 2 * few.held)
  }

  /// Unsolvable tasks are reported as such by the lazy and eager searches too.
  @Test func exhaustedLazySearchIsUnsolvable() throws {
    let (_, g) = try groundText(lineDomain, lineProblem(goal: "(and (at a) (at c))"))
    for search in [PlannerSearch.satisficing, .gbfsFF, .lazyGbfsFF] {
      #expect(Planner.solve(g, configuration: PlannerConfiguration(search: search)).outcome == .unsolvable)
    }
  }
}
