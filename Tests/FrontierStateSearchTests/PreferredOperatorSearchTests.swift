import FrontierCore
import FrontierStateSearch
import Testing

/// A labelled grid: states are cells `y * width + x`; labels 0..3 move right, left, down,
/// up; `walls` are blocked. Unit costs except `expensiveRow`, where every move costs 5.
struct LabeledGrid: LabeledSearchProblem, Sendable {
  let width: Int
  let height: Int
  let walls: Set<Int>
  let start: Int
  let goal: Int
  var expensiveRow = -1

  func isGoal(_ s: Int) -> Bool { s == goal }
  func target(_ s: Int, _ label: Int32) -> Int? {
    let x = s % width, y = s / width
    let (nx, ny): (Int, Int)
    switch label {
    case 0: (nx, ny) = (x + 1, y)
    case 1: (nx, ny) = (x - 1, y)
    case 2: (nx, ny) = (x, y + 1)
    default: (nx, ny) = (x, y - 1)
    }
    guard (0..<width).contains(nx), (0..<height).contains(ny) else { return nil }
    let t = ny * width + nx
    return walls.contains(t) ? nil : t
  }
  func cost(_ s: Int) -> Int { s / width == expensiveRow ? 5 : 1 }
  func applicableLabels(_ s: Int, into labels: inout ContiguousArray<Int32>) {
    for l in Int32(0)..<4 where target(s, l) != nil { labels.append(l) }
  }
  func successor(of s: Int, through label: Int32) -> (state: Int, cost: Int) { (target(s, label)!, cost(s)) }
  func expand(_ s: Int, into successors: inout Successors<Int, Int>) {
    for l in Int32(0)..<4 { if let t = target(s, l) { successors.append(t, cost: cost(s)) } }
  }
}

/// Manhattan distance; preferred labels are the moves that reduce it. Counts evaluations.
final class ManhattanPreferring: PreferredOperatorHeuristic {
  let grid: LabeledGrid
  var preferred: Set<Int32> = []
  var evaluations = 0
  init(_ grid: LabeledGrid) { self.grid = grid }
  func distance(_ s: Int) -> Int {
    let gx = grid.goal % grid.width, gy = grid.goal / grid.width
    return abs(s % grid.width - gx) + abs(s / grid.width - gy)
  }
  func estimate(_ s: Int) -> Int {
    evaluations += 1
    return distance(s)
  }
  func estimateWithPreferred(_ s: Int) -> Int {
    let h = estimate(s)
    preferred = []
    for l in Int32(0)..<4 {
      if let t = grid.target(s, l), distance(t) < h { preferred.insert(l) }
    }
    return h
  }
  func isPreferred(_ label: Int32) -> Bool { preferred.contains(label) }
}

/// Every step of `path` is a move of the grid, it starts at the start and ends at the goal,
/// and `cost` is its cost.
func checkGridPath(_ g: LabeledGrid, _ path: [Int], _ cost: Int) {
  #expect(path.first == g.start && path.last == g.goal)
  var c = 0
  for (a, b) in zip(path, path.dropFirst()) {
    let l = (Int32(0)..<4).first { g.target(a, $0) == b }
    #expect(l != nil, "\(a) -> \(b) is not a move")
    c += g.cost(a)
  }
  #expect(c == cost)
}

@Suite struct PreferredOperatorSearchTests {
  /// A 12x12 grid with a wall across the middle, open at one end.
  static let walled: LabeledGrid = {
    var walls = Set<Int>()
    for x in 0..<11 { walls.insert(6 * 12 + x) }
    return LabeledGrid(width: 12, height: 12, walls: walls, start: 0, goal: 11 * 12 + 0)
  }()

  @Test(arguments: [true, false])
  func lazyGreedyFindsValidPaths(_ preferred: Bool) {
    let g = Self.walled
    let h = ManhattanPreferring(g)
    let r = lazyGreedySearch(g, heuristic: h, options: PreferredSearchOptions(usePreferred: preferred))
    guard case .solved(let path, let cost) = r.outcome else {
      Issue.record("not solved: \(r.outcome)")
      return
    }
    checkGridPath(g, path, cost)
    // Deferred evaluation: one evaluation per distinct state popped (the stored nodes).
    #expect(h.evaluations == r.statistics.stored)
    #expect(r.statistics.expanded <= r.statistics.stored)
  }

  @Test(arguments: [true, false])
  func eagerGreedyFindsValidPaths(_ preferred: Bool) {
    let g = Self.walled
    let h = ManhattanPreferring(g)
    let r = eagerGreedySearch(g, heuristic: h, options: PreferredSearchOptions(usePreferred: preferred, boost: 0))
    guard case .solved(let path, let cost) = r.outcome else {
      Issue.record("not solved: \(r.outcome)")
      return
    }
    checkGridPath(g, path, cost)
  }

  /// On an open grid, following preferred operators first (boosted) walks straight to the
  /// goal: lazy search evaluates only the states on one shortest path.
  @Test func preferredOperatorsCutEvaluationsOnOpenGrid() {
    let g = LabeledGrid(width: 10, height: 10, walls: [], start: 0, goal: 99)
    let with = ManhattanPreferring(g)
    let r1 = lazyGreedySearch(g, heuristic: with)
    guard case .solved(let path, let cost) = r1.outcome else {
      Issue.record("not solved")
      return
    }
    #expect(cost == 18 && path.count == 19)
    #expect(r1.statistics.stored == 19)
    let without = ManhattanPreferring(g)
    let r2 = lazyGreedySearch(g, heuristic: without, options: PreferredSearchOptions(usePreferred: false))
    #expect(r2.statistics.stored >= r1.statistics.stored)
  }

  @Test func unreachableGoalIsExhausted() {
    // The goal corner is walled in.
    let g = LabeledGrid(width: 5, height: 5, walls: [23, 19], start: 0, goal: 24)
    #expect(lazyGreedySearch(g, heuristic: ManhattanPreferring(g)).outcome == .exhausted)
    #expect(eagerGreedySearch(g, heuristic: ManhattanPreferring(g)).outcome == .exhausted)
  }

  @Test func startIsGoal() {
    let g = LabeledGrid(width: 3, height: 3, walls: [], start: 4, goal: 4)
    guard case .solved(let p, 0) = lazyGreedySearch(g, heuristic: ManhattanPreferring(g)).outcome else {
      Issue.record("expected the empty path")
      return
    }
    #expect(p == [4])
  }

  @Test func expansionLimitStops() {
    let g = Self.walled
    var o = PreferredSearchOptions(limits: SearchLimits(maxExpansions: 5, checkInterval: 1))
    #expect(lazyGreedySearch(g, heuristic: ManhattanPreferring(g), options: o).outcome == .stopped(.expansionLimit))
    o.boost = 0
    #expect(eagerGreedySearch(g, heuristic: ManhattanPreferring(g), options: o).outcome == .stopped(.expansionLimit))
  }

  /// A 200x200 grid whose goal corner is walled in: the searches store all 40,000 cells.
  static let sealed = LabeledGrid(width: 200, height: 200, walls: [200 * 199 + 198, 200 * 198 + 199], start: 0, goal: 200 * 200 - 1)

  /// A memory budget stops lazy and eager greedy search with `.memoryLimit` (a result, not
  /// a crash) before the structures held pass it; unlimited, they hold more.
  @Test(arguments: ["lazy", "eager"])
  func memoryLimitStopsGreedySearch(_ kind: String) {
    func run(_ limits: SearchLimits) -> SearchResult<Int, Int> {
      let g = Self.sealed
      let options = PreferredSearchOptions(limits: limits, usePreferred: false, boost: 0)
      return kind == "lazy"
        ? lazyGreedySearch(g, heuristic: ManhattanPreferring(g), options: options)
        : eagerGreedySearch(g, heuristic: ManhattanPreferring(g), options: options)
    }
    let limit = 1 << 20
    let free = run(.none)
    #expect(free.outcome == .exhausted)
    #expect(free.statistics.peakBytes > limit)
    let limited = run(SearchLimits(maxMemoryBytes: limit, checkInterval: 16))
    #expect(limited.outcome == .stopped(.memoryLimit))
    #expect(limited.statistics.peakBytes <= limit)
    #expect(limited.statistics.expanded > 0)
    let tiny = run(SearchLimits(maxMemoryBytes: 1, checkInterval: 4))
    #expect(tiny.outcome == .stopped(.memoryLimit))
    #expect(tiny.statistics.expanded <= 4)
    // Process accounting: a limit at the process's present size stops at the first check.
    let process = run(SearchLimits(
      maxMemoryBytes: ProcessMemory.currentBytes() ?? (1 << 30), countsProcessMemory: true, checkInterval: 8))
    #expect(process.outcome == .stopped(.memoryLimit))
    #expect(process.statistics.expanded <= 8)
  }

  /// Alternation: equal counters favour the regular list; each pop charges its list; a
  /// boost gives the preferred list that many extra turns.
  @Test func alternationAndBoost() {
    var open = AlternatingOpenLists<Int>(capacity: 8)
    for n in Int32(0)..<6 { open.push(key: Int(n), node: n, label: 0, isPreferred: n >= 3) }
    // regular: 0..5, preferred: 3, 4, 5
    #expect(open.pop()?.node == 0)  // regular (tie)
    #expect(open.pop()?.node == 3)  // preferred
    #expect(open.pop()?.node == 1)  // regular
    open.boost(2)
    #expect(open.pop()?.node == 4)  // preferred (boosted)
    #expect(open.pop()?.node == 5)  // preferred (boosted)
    #expect(open.pop()?.node == 2)  // preferred empty: regular
    // FIFO among equal keys.
    var fifo = AlternatingOpenLists<Int>(capacity: 4)
    for n in Int32(0)..<3 { fifo.push(key: 7, node: n, label: 0, isPreferred: false) }
    #expect([fifo.pop()?.node, fifo.pop()?.node, fifo.pop()?.node] == [0, 1, 2])
    #expect(fifo.pop() == nil)
  }
}
