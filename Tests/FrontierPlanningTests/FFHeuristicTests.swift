import Foundation
import Testing
import FrontierCore
import FrontierStateSearch
import FrontierPlanning

/// h_FF of the initial state against Fast Downward (`up-fast-downward` 1.0.0):
/// "Initial heuristic value" of `eager_greedy([ff()], bound=0)` (action costs) and of
/// `eager_greedy([eval_modify_costs(ff(), cost_type=one)], bound=0)` (unit costs, as
/// lama-first), stored here.
@Suite struct FFHeuristicTests {
  func initialFF(_ task: String) throws -> (cost: Int, unit: Int) {
    let g = try Grounder.ground(loadShared(task))
    let start = PlanningProblem<WidePlanningState>(g).start
    return (FFHeuristic<WidePlanningState>(g).estimate(start),
            FFHeuristic<WidePlanningState>(g, unitCosts: true).estimate(start))
  }

  /// IPC transport instance-4 (issue #3): 49 with unit costs before the relaxed
  /// exploration popped equally costly facts last in, first out (FD's bucket queue); the
  /// best supporters, and with them the relaxed plan and the preferred operators, differed,
  /// and lazy GBFS did not solve the task in 60 s (now ~1,200 expansions).
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)))
  func transport4MatchesFastDownward() throws {
    let h = try initialFF("ipc/transport/instance-4")
    #expect(h.unit == 47)
    #expect(h.cost == 739)
  }

  /// Tasks where both values equal FD's.
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          ("llmp/barman/p01", 14, 14), ("llmp/blocksworld/p02", 5, 5), ("llmp/blocksworld/p03", 5, 5),
          ("llmp/grippers/p02", 9, 9), ("llmp/grippers/p03", 6, 6), ("llmp/storage/p02", 3, 3),
          ("llmp/storage/p03", 3, 3), ("llmp/termes/p01", 11, 11), ("ipc/blocks/instance-1", 6, 6),
          ("ipc/depots/instance-1", 10, 10), ("ipc/depots/instance-2", 14, 14), ("ipc/depots/instance-6", 46, 46),
          ("ipc/driverlog/instance-3", 11, 11), ("ipc/gripper/instance-1", 9, 9), ("ipc/gripper/instance-2", 13, 13),
          ("ipc/logistics/instance-1", 19, 19), ("ipc/logistics/instance-3", 13, 13), ("ipc/miconic/instance-3", 3, 3),
          ("ipc/miconic-simple-adl/instance-3", 3, 3), ("ipc/rovers/instance-1", 9, 9), ("ipc/rovers/instance-2", 7, 7),
          ("ipc/satellite/instance-3", 11, 11), ("ipc/schedule-adl/instance-1", 2, 2),
          ("ipc/schedule-adl/instance-4", 3, 3), ("ipc/sokoban/instance-1", 9, 17), ("ipc/sokoban/instance-3", 2, 6),
          ("ipc/tpp/instance-3", 10, 10), ("ipc/transport/instance-3", 1838, 96), ("ipc/visitall/instance-1", 143, 143),
          ("ipc/zenotravel/instance-3", 5, 5),
        ])
  func sharedTasksMatchFastDownward(_ task: String, _ fdCost: Int, _ fdUnit: Int) throws {
    let h = try initialFF(task)
    #expect(h.cost == fdCost)
    #expect(h.unit == fdUnit)
  }

  /// Where facts tie in the exploration queue, the order they leave it depends on fact
  /// and operator numbering, which differs between Frontier's ground STRIPS task and FD's
  /// finite-domain one; both values are h_FF values of the same relaxation. (Checked by
  /// replaying FD's algorithm on FD's own translated task with random pop orders among
  /// equal costs: Frontier's value is among those it produces.) Pinned: (FD cost, FD unit,
  /// Frontier cost, Frontier unit).
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          ("llmp/floortile/p01", 37, 22, 36, 23), ("llmp/floortile/p02", 35, 21, 34, 22),
          ("llmp/termes/p02", 17, 17, 19, 19), ("ipc/driverlog/instance-1", 8, 8, 6, 6),
          ("ipc/satellite/instance-2", 12, 12, 15, 15), ("ipc/transport/instance-1", 416, 63, 416, 64),
          ("ipc/transport/instance-2", 711, 84, 711, 86),
        ])
  func tieBreakingDifferences(_ task: String, _ fdCost: Int, _ fdUnit: Int, _ cost: Int, _ unit: Int) throws {
    let h = try initialFF(task)
    #expect(h.cost == cost && h.unit == unit, "FD: \(fdCost), \(fdUnit)")
  }

  /// Negative preconditions are negated facts of the relaxation: here `b` needs `(not
  /// (locked))`, which only `unlock` re-establishes after `lock`.
  @Test func negativePreconditionsArePaidFor() throws {
    let domain = """
      (define (domain neg) (:requirements :strips :negative-preconditions)
        (:predicates (locked) (a) (b))
        (:action unlock :parameters () :precondition (locked) :effect (not (locked)))
        (:action do-a :parameters () :precondition (and) :effect (a))
        (:action do-b :parameters () :precondition (not (locked)) :effect (b)))
      """
    let problem = "(define (problem n) (:domain neg) (:init (locked)) (:goal (and (a) (b))))"
    let (task, g) = try groundText(domain, problem)
    let h = Planner.initialHeuristics(g)
    // unlock, do-b, do-a: h_max 2 (b), h_add 3, h_FF 3, LM-cut 3 = h*.
    #expect(h.hmax == 2 && h.hadd == 3 && h.hff == 3 && h.lmcut == 3)
    #expect(try solveAndValidate(task, g, .optimal) == 3)
  }
}
