/// A grounded planning task laid out for speed: facts are `Int32` ids, every list of an
/// action (preconditions, negative preconditions, adds, deletes, conditional effects) is
/// a slice of one flat array addressed by per-action offsets (CSR layout).
///
/// Semantics (PDDL/Fast Downward): conditions are evaluated in the state before the
/// action; deletes are applied before adds, so an atom both added and deleted is true.
public struct GroundTask: Sendable {
  /// Fact names, e.g. `(on a b)`, indexed by fact id.
  public let factNames: [String]
  /// Action names as printed in plans, e.g. `(stack a b)`.
  public let actionNames: [String]
  /// Artificial actions (goal achievers) that a plan does not print.
  public let actionHidden: [Bool]
  /// Action costs (1 each when the problem has no `(:metric minimize (total-cost))`).
  public let actionCosts: ContiguousArray<Int>
  public let initialFacts: [Int32]
  /// Facts that must be true in a goal state.
  public let goal: [Int32]
  /// Facts that must be false in a goal state.
  public let goalNegative: [Int32]
  /// A positive goal fact is not even reachable in the delete relaxation: no plan exists.
  public let goalUnreachable: Bool
  /// Whether every action costs 1.
  public let unitCost: Bool
  public let statistics: GroundingStatistics

  @usableFromInline let preStart: ContiguousArray<Int32>
  @usableFromInline let pre: ContiguousArray<Int32>
  @usableFromInline let preNegStart: ContiguousArray<Int32>
  @usableFromInline let preNeg: ContiguousArray<Int32>
  @usableFromInline let addStart: ContiguousArray<Int32>
  @usableFromInline let add: ContiguousArray<Int32>
  @usableFromInline let delStart: ContiguousArray<Int32>
  @usableFromInline let del: ContiguousArray<Int32>
  /// Conditional effects of action `a`: `condStart[a]..<condStart[a+1]`.
  @usableFromInline let condStart: ContiguousArray<Int32>
  /// Per conditional effect: its condition (positive, negative), fact and kind.
  @usableFromInline let condPosStart: ContiguousArray<Int32>
  @usableFromInline let condPos: ContiguousArray<Int32>
  @usableFromInline let condNegStart: ContiguousArray<Int32>
  @usableFromInline let condNeg: ContiguousArray<Int32>
  @usableFromInline let condFact: ContiguousArray<Int32>
  @usableFromInline let condIsAdd: ContiguousArray<Bool>

  /// Number of facts.
  @inlinable public var factCount: Int { factNames.count }
  /// Number of ground actions.
  @inlinable public var actionCount: Int { actionCosts.count }
  /// 64-bit words per state.
  @inlinable public var wordCount: Int { max(1, (factCount + 63) / 64) }

  /// Positive preconditions of action `a`.
  public func preconditions(of a: Int) -> [Int32] { Array(pre[Int(preStart[a])..<Int(preStart[a + 1])]) }
  /// Negative preconditions of action `a` (facts that must be false).
  public func negativePreconditions(of a: Int) -> [Int32] { Array(preNeg[Int(preNegStart[a])..<Int(preNegStart[a + 1])]) }
  /// Unconditional add effects of action `a`.
  public func adds(of a: Int) -> [Int32] { Array(add[Int(addStart[a])..<Int(addStart[a + 1])]) }
  /// Unconditional delete effects of action `a`.
  public func deletes(of a: Int) -> [Int32] { Array(del[Int(delStart[a])..<Int(delStart[a + 1])]) }
  /// Conditional effects of action `a`: (positive condition, negative condition, fact, is add).
  public func conditionalEffects(of a: Int) -> [(positive: [Int32], negative: [Int32], fact: Int32, isAdd: Bool)] {
    (Int(condStart[a])..<Int(condStart[a + 1])).map { e in
      (Array(condPos[Int(condPosStart[e])..<Int(condPosStart[e + 1])]),
       Array(condNeg[Int(condNegStart[e])..<Int(condNegStart[e + 1])]), condFact[e], condIsAdd[e])
    }
  }

  init(builder b: GroundTaskBuilder, initial: [Int32], goal: [Int32], goalNegative: [Int32],
       goalUnreachable: Bool, unitCost: Bool, statistics: GroundingStatistics) {
    factNames = b.factNames
    actionNames = b.actionNames
    actionHidden = b.actionHidden
    actionCosts = b.costs
    initialFacts = initial
    self.goal = goal
    self.goalNegative = goalNegative
    self.goalUnreachable = goalUnreachable
    self.unitCost = unitCost
    self.statistics = statistics
    preStart = b.preStart; pre = b.pre
    preNegStart = b.preNegStart; preNeg = b.preNeg
    addStart = b.addStart; add = b.add
    delStart = b.delStart; del = b.del
    condStart = b.condStart
    condPosStart = b.condPosStart; condPos = b.condPos
    condNegStart = b.condNegStart; condNeg = b.condNeg
    condFact = b.condFact; condIsAdd = b.condIsAdd
  }

  /// Renders a plan (action ids) in the IPC format: `(action arg ...)` lines, then
  /// `; cost = N (unit cost|general cost)`. Hidden actions are skipped.
  public func ipcPlan(_ plan: [Int32]) -> String {
    var out = ""
    var cost = 0
    for a in plan {
      cost += actionCosts[Int(a)]
      if actionHidden[Int(a)] { continue }
      out += actionNames[Int(a)] + "\n"
    }
    out += "; cost = \(cost) (\(unitCost ? "unit cost" : "general cost"))\n"
    return out
  }

  /// The cost of a plan.
  public func cost(of plan: [Int32]) -> Int { plan.reduce(0) { $0 + actionCosts[Int($1)] } }
}

/// Accumulates actions in CSR form.
struct GroundTaskBuilder {
  struct ConditionalEffect {
    var positive: [Int32]
    var negative: [Int32]
    var fact: Int32
    var isAdd: Bool
  }
  var factNames: [String]
  var actionNames: [String] = []
  var actionHidden: [Bool] = []
  var costs: ContiguousArray<Int> = []
  var preStart: ContiguousArray<Int32> = [0], pre: ContiguousArray<Int32> = []
  var preNegStart: ContiguousArray<Int32> = [0], preNeg: ContiguousArray<Int32> = []
  var addStart: ContiguousArray<Int32> = [0], add: ContiguousArray<Int32> = []
  var delStart: ContiguousArray<Int32> = [0], del: ContiguousArray<Int32> = []
  var condStart: ContiguousArray<Int32> = [0]
  var condPosStart: ContiguousArray<Int32> = [0], condPos: ContiguousArray<Int32> = []
  var condNegStart: ContiguousArray<Int32> = [0], condNeg: ContiguousArray<Int32> = []
  var condFact: ContiguousArray<Int32> = [], condIsAdd: ContiguousArray<Bool> = []

  init(factNames: [String]) { self.factNames = factNames }

  var actionCount: Int { costs.count }

  static func unique(_ x: [Int32]) -> [Int32] { Array(Set(x)).sorted() }

  mutating func addAction(name: String, arguments: [String], hidden: Bool, cost: Int, pre p: [Int32],
                          preNeg n: [Int32], add a: [Int32], del d: [Int32], conditional: [ConditionalEffect]) {
    actionNames.append("(" + ([name] + arguments).joined(separator: " ") + ")")
    actionHidden.append(hidden)
    costs.append(cost)
    pre += Self.unique(p); preStart.append(Int32(pre.count))
    preNeg += Self.unique(n); preNegStart.append(Int32(preNeg.count))
    let adds = Self.unique(a)
    add += adds; addStart.append(Int32(add.count))
    // A fact both added and deleted stays true: drop the delete.
    del += Self.unique(d).filter { !adds.contains($0) }; delStart.append(Int32(del.count))
    for c in conditional {
      condPos += Self.unique(c.positive); condPosStart.append(Int32(condPos.count))
      condNeg += Self.unique(c.negative); condNegStart.append(Int32(condNeg.count))
      condFact.append(c.fact)
      condIsAdd.append(c.isAdd)
    }
    condStart.append(Int32(condFact.count))
  }

  func finish(initial: [Int32], goal: [Int32], goalNegative: [Int32], goalUnreachable: Bool,
              unitCost: Bool, statistics: GroundingStatistics) -> GroundTask {
    GroundTask(
      builder: self, initial: Self.unique(initial), goal: Self.unique(goal),
      goalNegative: Self.unique(goalNegative), goalUnreachable: goalUnreachable, unitCost: unitCost,
      statistics: statistics)
  }
}
