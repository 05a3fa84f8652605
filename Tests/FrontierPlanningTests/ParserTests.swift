import Foundation
import Testing
import FrontierPlanning

let tinyDomain = """
; A tiny ADL domain, in mixed case on purpose.
(define (DOMAIN Tiny)
  (:requirements :adl :action-costs)
  (:types room - place ball - (either thing object) place thing)
  (:constants hall - room)
  (:predicates (at-robby ?r - room) (at ?b - ball ?r - room) (connected ?a ?b - room) (painted ?r))
  (:functions (total-cost) - number (dist ?a ?b - room) - number)
  (:action Move
    :parameters (?from ?to - room)
    :precondition (and (at-robby ?from) (connected ?from ?to) (not (= ?from ?to)))
    :effect (and (at-robby ?to) (not (at-robby ?from))
                 (forall (?b - ball) (when (at ?b ?from) (and (at ?b ?to) (not (at ?b ?from)))))
                 (increase (total-cost) (dist ?from ?to))))
  (:action paint
    :parameters (?r - room)
    :precondition (or (at-robby ?r) (exists (?b - ball) (at ?b ?r)))
    :effect (and (painted ?r) (increase (total-cost) 1))))
"""

let tinyProblem = """
(define (problem t1) (:domain tiny)
  (:objects kitchen - room b1 - ball)
  (:init (at-robby hall) (at b1 hall) (connected hall kitchen) (connected kitchen hall)
         (= (dist hall kitchen) 3) (= (dist kitchen hall) 3) (= (total-cost) 0))
  (:goal (and (at b1 kitchen) (forall (?r - room) (painted ?r))))
  (:metric minimize (total-cost)))
"""

func domainError(_ text: String, strict: Bool = false) -> PDDLError? {
  do {
    _ = try PDDLParser(strictRequirements: strict).parseDomain(text, file: "d.pddl")
    return nil
  } catch { return error }
}

func problemError(_ text: String, domain: String = tinyDomain) -> PDDLError? {
  do {
    let d = try PDDLParser().parseDomain(domain, file: "d.pddl")
    _ = try PDDLParser().parseProblem(text, file: "p.pddl", domain: d)
    return nil
  } catch { return error }
}

@Suite struct ParserTests {
  @Test func parsesTinyADLDomainInAnyCase() throws {
    let d = try PDDLParser(strictRequirements: true).parseDomain(tinyDomain, file: "d.pddl")
    #expect(d.name == "tiny")
    #expect(d.actions.map(\.name) == ["move", "paint"])
    #expect(d.constants == [TypedName("hall", types: ["room"])])
    #expect(d.isSubtype("room", of: "place"))
    #expect(d.isSubtype("ball", of: "thing"))
    #expect(!d.isSubtype("ball", of: "place"))
    #expect(d.requirements.contains("conditional-effects"))
    #expect(d.warnings.isEmpty)
    let p = try PDDLParser().parseProblem(tinyProblem, file: "p.pddl", domain: d)
    #expect(p.minimizesTotalCost)
    #expect(p.functionValues[GroundAtomName("dist", ["hall", "kitchen"])] == 3)
    #expect(p.initialAtoms.count == 4)
    let task = PlanningTask(domain: d, problem: p)
    #expect(task.objects == ["hall", "kitchen", "b1"])
    #expect(task.objects(ofAny: ["room"]) == ["hall", "kitchen"])
  }

  @Test func unbalancedParenthesisNamesLineAndColumn() {
    let e = domainError("(define (domain x)\n  (:predicates (p)\n")
    #expect(e?.kind == .syntax)
    #expect(e?.line == 3)
    #expect(e?.description.hasPrefix("d.pddl:3:1: error: expected ')' to close the list opened at 2:3") == true)
    let e2 = domainError("(define (domain x)))")
    #expect(e2?.kind == .syntax)
    #expect(e2?.column == 20)
  }

  @Test func missingDefineSaysWhatWasExpected() {
    let e = domainError("(domain x)")
    #expect(e?.message.contains("expected '(define (domain NAME) ...)'") == true)
    #expect(e?.line == 1 && e?.column == 1)
  }

  @Test func undeclaredPredicate() {
    let e = domainError("""
      (define (domain x) (:predicates (p ?a))
        (:action a :parameters (?v) :precondition (q ?v) :effect (p ?v)))
      """)
    #expect(e?.kind == .undeclaredPredicate)
    #expect(e?.message == "undeclared predicate 'q'")
    #expect(e?.line == 2 && e?.column == 46)
  }

  @Test func wrongArity() {
    let e = domainError("""
      (define (domain x) (:predicates (p ?a))
        (:action a :parameters (?v) :effect (p ?v ?v)))
      """)
    #expect(e?.kind == .arity)
    #expect(e?.message.contains("predicate 'p' takes 1 argument, found 2") == true)
    #expect(e?.line == 2 && e?.column == 39)
  }

  @Test func undeclaredType() {
    let e = domainError("(define (domain x) (:requirements :typing) (:predicates (p ?a - block)))")
    #expect(e?.kind == .undeclaredType)
    #expect(e?.message.contains("undeclared type 'block'") == true)
    #expect(e?.line == 1)
  }

  @Test func undeclaredVariable() {
    let e = domainError("(define (domain x) (:predicates (p ?a)) (:action a :parameters () :effect (p ?z)))")
    #expect(e?.kind == .undeclaredObject)
    #expect(e?.message == "undeclared variable '?z'")
  }

  @Test func undeclaredObjectInProblem() {
    let e = problemError("""
      (define (problem t) (:domain tiny) (:objects kitchen - room)
        (:init (at-robby cellar)) (:goal (at-robby hall)))
      """)
    #expect(e?.kind == .undeclaredObject)
    #expect(e?.message == "undeclared object 'cellar'")
    #expect(e?.description.hasPrefix("p.pddl:2:20:") == true)
  }

  @Test func undeclaredObjectInGoalAndWrongDomain() {
    let e = problemError("(define (problem t) (:domain tiny) (:goal (at-robby cellar)))")
    #expect(e?.kind == .undeclaredObject)
    #expect(e?.message == "undeclared object or constant 'cellar'")
    let e2 = problemError("(define (problem t) (:domain other) (:goal (and)))")
    #expect(e2?.kind == .semantic)
    #expect(e2?.message.contains("domain 'other'") == true)
  }

  @Test func requirementUsedButNotDeclared() throws {
    let text = "(define (domain x) (:requirements :strips) (:predicates (p) (q)) (:action a :parameters () :precondition (not (p)) :effect (q)))"
    let e = domainError(text, strict: true)
    #expect(e?.kind == .undeclaredRequirement)
    #expect(e?.message.contains(":negative-preconditions") == true)
    #expect(e?.column == 106)
    // Lenient by default: a warning naming the requirement and the place.
    let d = try PDDLParser().parseDomain(text, file: "d.pddl")
    #expect(d.warnings.count == 1)
    #expect(d.warnings.first?.description.hasPrefix("d.pddl:1:106: warning: requirement :negative-preconditions") == true)
  }

  @Test func unsupportedRequirementsAndNumericFluents() {
    let e = domainError("(define (domain x) (:requirements :strips :durative-actions))")
    #expect(e?.kind == .unsupported)
    #expect(e?.message.contains(":durative-actions") == true)
    #expect(e?.column == 43)
    let e2 = domainError("(define (domain x) (:requirements :numeric-fluents))")
    #expect(e2?.kind == .unsupported)
    let e3 = domainError("""
      (define (domain x) (:predicates (p)) (:functions (fuel))
        (:action a :parameters () :precondition (> (fuel) 0) :effect (p)))
      """)
    #expect(e3?.kind == .unsupported)
    #expect(e3?.message.contains("numeric") == true)
    let e4 = domainError("""
      (define (domain x) (:predicates (p)) (:functions (fuel))
        (:action a :parameters () :effect (decrease (fuel) 1)))
      """)
    #expect(e4?.kind == .unsupported)
    let e5 = domainError("(define (domain x) (:durative-action a))")
    #expect(e5?.kind == .unsupported)
    #expect(e5?.message.contains("durative") == true)
  }

  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)))
  func tyreworldConstantsAreAcceptedWithAWarning() throws {
    let file = "pddl/llmp/tyreworld/domain.pddl"
    let d = try PDDLParser().parseDomain(readShared(file), file: file)
    #expect(Set(d.undeclaredConstants) == ["wrench", "jack", "pump"])
    let w = try #require(d.warnings.first { $0.message.contains("never declared") })
    #expect(w.file == file)
    #expect(w.location?.line == 50)
    #expect(w.description.contains("wrench, jack, pump") || w.description.contains("wrench, pump, jack"))
    // Strict requirements do not change this: undeclared constants stay a warning.
    let task = try loadTask(domain: file, problem: "pddl/llmp/tyreworld/p01.pddl")
    #expect(task.objectTypes["wrench"] == ["tool"])
  }

  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)))
  func everySharedDomainAndItsFirstProblemParse() throws {
    var pairs: [(String, String)] = llmpDomains.map { ("pddl/llmp/\($0)/domain.pddl", "pddl/llmp/\($0)/p01.pddl") }
    pairs.append(("blocksworld-planbench/domain.pddl", "blocksworld-planbench/instances/instance-1.pddl"))
    for d in try FileManager.default.contentsOfDirectory(atPath: sharedData.appendingPathComponent("pddl/ipc").path).sorted() {
      let dom = FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("pddl/ipc/\(d)/domain.pddl").path)
        ? "pddl/ipc/\(d)/domain.pddl" : "pddl/ipc/\(d)/domains/domain-1.pddl"
      pairs.append((dom, "pddl/ipc/\(d)/instances/instance-1.pddl"))
    }
    for (dom, prob) in pairs {
      #expect(throws: Never.self, "\(prob)") { _ = try loadTask(domain: dom, problem: prob) }
    }
  }

  @Test(.enabled(if: sharedDataAvailable, Comment(rawValue: sharedDataMissing)))
  func allLLMPProblemsParse() throws {
    for d in llmpDomains {
      let dir = sharedData.appendingPathComponent("pddl/llmp/\(d)").path
      let domFile = "pddl/llmp/\(d)/domain.pddl"
      let domain = try PDDLParser().parseDomain(readShared(domFile), file: domFile)
      for f in try FileManager.default.contentsOfDirectory(atPath: dir) where f.hasPrefix("p") && f.hasSuffix(".pddl") {
        let file = "pddl/llmp/\(d)/\(f)"
        if file == "pddl/llmp/floortile/p_example.pddl" {
          // The benchmark's example really uses an undeclared object.
          let e = #expect(throws: PDDLError.self) { _ = try PDDLParser().parseProblem(readShared(file), file: file, domain: domain) }
          #expect(e?.description == "\(file):14:14: error: undeclared object 'robot2'")
          continue
        }
        #expect(throws: Never.self, "\(file)") { _ = try PDDLParser().parseProblem(readShared(file), file: file, domain: domain) }
      }
    }
  }
}
