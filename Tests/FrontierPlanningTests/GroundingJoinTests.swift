import Foundation
import Testing
import FrontierPlanning

/// The grounder's join (argument index, new-facts literal first in a semi-naive round) must
/// reach exactly the facts and actions of the plain nested-loop join it replaced.
@Suite struct GroundingJoinTests {
  /// A chain walked one step per round, a static relation with a repeated variable, a
  /// constant argument and a literal whose facts all arrive late: every binding must be
  /// found in the round its last fact appears.
  @Test func semiNaiveRoundsWithIndexedJoin() throws {
    let domain = """
      (define (domain chain) (:requirements :strips :typing)
        (:types node)
        (:constants hub - node)
        (:predicates (at ?x - node) (link ?x ?y - node) (loop ?x ?y - node) (lit ?x - node) (seen ?x ?y - node))
        (:action step :parameters (?x ?y - node)
          :precondition (and (at ?x) (link ?x ?y))
          :effect (and (at ?y) (not (at ?x))))
        (:action light :parameters (?x - node)
          :precondition (and (at ?x) (loop ?x ?x))
          :effect (lit ?x))
        (:action pair :parameters (?x ?y - node)
          :precondition (and (lit ?x) (lit ?y) (at ?y) (link ?x hub))
          :effect (seen ?x ?y)))
      """
    let problem = """
      (define (problem c) (:domain chain)
        (:objects n1 n2 n3 n4 n5 - node)
        (:init (at n1) (link n1 n2) (link n2 n3) (link n3 n4) (link n4 hub) (link n2 hub)
               (loop n2 n2) (loop n4 n4) (loop n3 n1))
        (:goal (seen n4 n2)))
      """
    let (_, g) = try groundText(domain, problem)
    // at: n1..n4, hub (5); lit: n2, n4; seen (?x ?y) with link ?x hub: x in {n2, n4}, lit ?y
    // and at ?y: y in {n2, n4} -> 4.
    #expect(g.factNames.filter { $0.hasPrefix("(at ") }.count == 5)
    #expect(Set(g.factNames.filter { $0.hasPrefix("(lit ") }) == ["(lit n2)", "(lit n4)"])
    #expect(Set(g.factNames.filter { $0.hasPrefix("(seen ") }) ==
      ["(seen n2 n2)", "(seen n2 n4)", "(seen n4 n2)", "(seen n4 n4)"])
    #expect(Set(g.actionNames.filter { $0.hasPrefix("(light") }) == ["(light n2)", "(light n4)"])
    #expect(g.actionNames.filter { $0.hasPrefix("(step") }.count == 5)
    #expect(g.actionNames.filter { $0.hasPrefix("(pair") }.count == 4)
    #expect(!g.goalUnreachable)
  }

  /// Sizes of the largest shared tasks, as the nested-loop grounder produced them
  /// (bench/planning/grounding-60s.csv, Frontier binary of 2026-11-27 04:31).
  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)),
        arguments: [
          ("ipc/sokoban", "instance-10", 467, 464),
          ("ipc/depots", "instance-22", 1622, 22924),
          ("ipc/driverlog", "instance-20", 1296, 15696),
          ("ipc/rovers", "instance-20", 480, 3976),
          ("ipc/satellite", "instance-20", 438, 4437),
          ("ipc/schedule-adl", "instance-148", 910, 1225),
          ("ipc/miconic-simple-adl", "instance-150", 120, 3600),
          ("ipc/tpp", "instance-20", 777, 6750),
        ])
  func largeTaskSizesUnchanged(_ domain: String, _ instance: String, _ facts: Int, _ actions: Int) throws {
    // Most domains have one domain.pddl; some (tpp) have one domain file per instance.
    let shared = "pddl/\(domain)/domain.pddl"
    let perInstance = "pddl/\(domain)/domains/\(instance.replacingOccurrences(of: "instance", with: "domain")).pddl"
    let domainFile = FileManager.default.fileExists(atPath: sharedData.appendingPathComponent(shared).path) ? shared : perInstance
    let task = try loadTask(domain: domainFile, problem: "pddl/\(domain)/instances/\(instance).pddl")
    let g = try Grounder.ground(task)
    #expect(g.factCount == facts)
    #expect(g.actionCount == actions)
  }
}
