import ArgumentParser
import Foundation
import FrontierCore
import FrontierPlanning
import FrontierStateSearch

/// `--search` values: the planner's configurations by name.
struct PlanSearchName: ExpressibleByArgument, Sendable {
  var value: PlannerSearch
  init(_ value: PlannerSearch) { self.value = value }
  init?(argument: String) {
    guard let v = PlannerSearch(rawValue: argument) else { return nil }
    value = v
  }
  static var allValueStrings: [String] { PlannerSearch.allCases.map(\.rawValue) }
  var defaultValueDescription: String { value.rawValue }
}

/// Reads a text file or throws an `InputError` naming it.
func readInput(_ path: String, what: String) throws -> String {
  do {
    return try String(contentsOfFile: path, encoding: .utf8)
  } catch {
    throw InputError(file: path, "cannot read the \(what) file (\(error.localizedDescription))")
  }
}

extension InputError {
  init(_ e: PDDLError) {
    self.init(file: e.file, line: e.line, column: e.column, e.message)
  }
}

/// Parses a domain and problem, printing warnings to standard error.
func loadPlanningTask(domain: String, problem: String, strict: Bool) throws -> PlanningTask {
  let dText = try readInput(domain, what: "domain")
  let pText = try readInput(problem, what: "problem")
  do {
    let task = try PDDLParser(strictRequirements: strict).parseTask(
      domain: dText, domainFile: domain, problem: pText, problemFile: problem)
    for w in task.domain.warnings + task.problem.warnings { Console.error(w.description) }
    return task
  } catch {
    throw InputError(error)
  }
}


struct Plan: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find a plan for a PDDL domain and problem.",
    discussion: """
      Grounds the task by relaxed reachability, searches with the chosen configuration, checks \
      the plan on the original task with the built-in validator and prints it in the IPC format.

      Examples:
        frontier plan domain.pddl p01.pddl
        frontier plan domain.pddl p01.pddl --search astar-hmax --plan-file p01.plan --json
      """)

  @Argument(help: "PDDL domain file.")
  var domain: String

  @Argument(help: "PDDL problem file.")
  var problem: String

  @Option(help: """
    Search configuration: \(PlannerSearch.allCases.map(\.rawValue).joined(separator: ", ")). \
    Default lama (h_FF + landmarks, as Fast Downward's lama-first); satisficing is h_FF alone.
    """)
  var search = PlanSearchName(.lama)

  @Option(help: "Weight for wastar-ff and wastar-hadd (w ≥ 1).")
  var weight: Double = 2

  @Option(name: .customLong("time-limit"), help: "Stop the search after this many seconds.")
  var timeLimit: Double?

  @Option(
    name: .customLong("memory-limit"),
    help: """
      Stop the search (outcome stopped:memory-limit) before the process would exceed this many MB \
      (address space, as ulimit -v counts it), counting the search's next growth step.
      """)
  var memoryLimit: Int?

  @Option(name: .customLong("plan-file"), help: "Write the plan to this file (IPC format).")
  var planFile: String?

  @Flag(help: "Treat requirements used but not declared as errors.")
  var strictRequirements = false

  @Flag(help: "Print a one-line JSON summary instead of the plan.")
  var json = false

  func validate() throws {
    if weight < 1 { throw ValidationError("--weight must be at least 1, got \(weight)") }
    if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be positive, got \(t)") }
    if let m = memoryLimit, m < 1 { throw ValidationError("--memory-limit must be positive, got \(m)") }
  }

  func run() async throws {
    let clock = ContinuousClock()
    let t0 = clock.now
    let cpu0 = cpuSeconds()
    let task = try loadPlanningTask(domain: domain, problem: problem, strict: strictRequirements)
    let ground: GroundTask
    do {
      ground = try Grounder.ground(task)
    } catch {
      throw InputError(error)
    }
    let groundingSeconds = seconds(clock.now - t0)
    let groundingCPU = cpuSeconds() - cpu0
    // Planning expansions are costly (heuristic evaluations): check the clock often.
    var limits = SearchLimits(checkInterval: 128)
    if let t = timeLimit { limits.maxDuration = .milliseconds(Int64(t * 1000)) }
    if let m = memoryLimit {
      // The whole process: the task, the heuristics and the runtime count too, as they do
      // for an operating-system limit (`ulimit -v`) of the same size.
      limits.maxMemoryBytes = m * 1_048_576
      limits.countsProcessMemory = true
    }
    let config = PlannerConfiguration(search: search.value, weight: weight, options: SearchOptions(limits: limits))
    let cpuSearch0 = cpuSeconds()
    let result = Planner.solve(ground, configuration: config)
    let searchCPU = cpuSeconds() - cpuSearch0
    var text: String? = nil
    if let plan = result.plan {
      let planText = ground.ipcPlan(plan)
      let report = PlanValidator(task: task).validate(try PlanValidator.parsePlan(planText))
      guard report.isValid else {
        throw InputError(file: problem, "internal error: the plan found is invalid on the original task (\(report.message)); please report this")
      }
      text = planText
      if let f = planFile {
        do {
          try planText.write(toFile: f, atomically: true, encoding: .utf8)
        } catch {
          throw InputError(file: f, "cannot write the plan file (\(error.localizedDescription))")
        }
      }
    }
    let total = seconds(clock.now - t0)
    let totalCPU = cpuSeconds() - cpu0
    let outcome: String
    switch result.outcome {
    case .solved: outcome = "solved"
    case .unsolvable: outcome = "unsolvable"
    case .stopped(let r): outcome = "stopped:\(r)"
    }
    let s = result.statistics
    if json {
      var j = JSONLine()
      j.add("domain", domain)
      j.add("problem", problem)
      j.add("search", search.value.rawValue)
      j.add("solved", result.plan != nil)
      j.add("outcome", outcome)
      j.add("cost", result.cost)
      j.add("length", result.plan.map { p in p.filter { !ground.actionHidden[Int($0)] }.count })
      j.add("expanded", s.expanded)
      j.add("evaluated", s.stored)
      j.add("generated", s.generated)
      j.add("search_seconds", s.seconds)
      j.add("grounding_seconds", groundingSeconds)
      j.add("total_seconds", total)
      // The *_seconds above are wall-clock; these are the process's CPU time (user + system)
      // over the same spans, the fair measure on a shared machine.
      j.add("grounding_cpu_seconds", groundingCPU)
      j.add("search_cpu_seconds", searchCPU)
      j.add("total_cpu_seconds", totalCPU)
      j.add("h_init", result.initialHeuristic)
      j.add("facts", ground.factCount)
      j.add("actions", ground.actionCount)
      if let f = planFile, result.plan != nil { j.add("plan_file", f) } else { j.addNull("plan_file") }
      Console.line(j.text)
    } else {
      if let t = text { Console.line(t.hasSuffix("\n") ? String(t.dropLast()) : t) }
      Console.line(
        "; \(outcome): facts \(ground.factCount), actions \(ground.actionCount), grounding \(fmt(groundingSeconds))s, "
          + "expanded \(grouped(s.expanded)), generated \(grouped(s.generated)), search \(fmt(s.seconds))s, total \(fmt(total))s")
    }
  }
}

struct Validate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a plan against a PDDL domain and problem.",
    discussion: """
      Simulates the plan on the original (lifted) task: preconditions (with ADL), conditional \
      effects and the goal. Exits with status 1 if the plan is invalid.

      Example:
        frontier validate domain.pddl p01.pddl p01.plan
      """)

  @Argument(help: "PDDL domain file.")
  var domain: String

  @Argument(help: "PDDL problem file.")
  var problem: String

  @Argument(help: "Plan file (IPC format: one (action arg ...) per line).")
  var plan: String

  @Flag(help: "Print a one-line JSON result.")
  var json = false

  func run() async throws {
    let task = try loadPlanningTask(domain: domain, problem: problem, strict: false)
    let steps: [PlanStep]
    do {
      steps = try PlanValidator.parsePlan(try readInput(plan, what: "plan"), file: plan)
    } catch let e as PDDLError {
      throw InputError(e)
    }
    let report = PlanValidator(task: task).validate(steps)
    if json {
      var j = JSONLine()
      j.add("valid", report.isValid)
      j.add("cost", report.cost)
      j.add("length", steps.count)
      j.add("failed_step", report.failedStep.map { $0 + 1 })
      j.add("message", report.message)
      Console.line(j.text)
    } else if report.isValid {
      Console.line("\(plan): plan valid, \(steps.count) steps, cost \(report.cost)")
    } else {
      Console.error("\(plan): plan invalid: \(report.message)")
    }
    if !report.isValid { throw ExitCode(1) }
  }
}
