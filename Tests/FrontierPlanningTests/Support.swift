import Foundation
import FrontierPlanning

/// `../shared/data` next to the worktree, if present (tests read it in place).
let sharedData: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("shared/data")

let sharedDataAvailable = FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("pddl/llmp").path)
let sharedDataMissing = "shared benchmark data not found at \(sharedData.path): skipped"

func readShared(_ relative: String) throws -> String {
  try String(contentsOf: sharedData.appendingPathComponent(relative), encoding: .utf8)
}

/// Domain folders of the LLM+P benchmark.
let llmpDomains = ["barman", "blocksworld", "floortile", "grippers", "manipulation", "storage", "termes", "tyreworld"]

func loadTask(domain: String, problem: String) throws -> PlanningTask {
  try PDDLParser().parseTask(
    domain: readShared(domain), domainFile: domain, problem: readShared(problem), problemFile: problem)
}
