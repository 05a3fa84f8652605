/// The facts of the delete relaxation: the task's facts `0..<n`, then one *negated fact*
/// `¬p` for every fact `p` that occurs negated in a precondition, an effect condition or
/// the goal (as Fast Downward's translator turns such atoms into `NegatedAtom` values of
/// its finite-domain variables). `¬p` holds in a state exactly when `p` does not, and an
/// action that deletes `p` (and does not add it) adds `¬p`, under the delete's condition.
///
/// Without them a relaxation heuristic treats every negative precondition as free; with
/// them a relaxed plan must also pay for re-establishing it (IPC schedule-adl: a machine
/// used once is busy until `do-time-step`).
struct RelaxedFacts {
  /// Facts of the task (`n`).
  let taskFacts: Int
  /// The task fact each negated fact `n + i` negates.
  let negated: [Int32]
  /// Negated fact of task fact `p`, or -1.
  let negationOf: [Int32]
  /// Goal facts, negated goals included.
  let goal: [Int32]

  var count: Int { taskFacts + negated.count }

  init(_ task: GroundTask) {
    let n = task.factCount
    taskFacts = n
    var neg = [Int32](repeating: -1, count: n)
    var list: [Int32] = []
    func use(_ p: Int32) {
      if neg[Int(p)] < 0 {
        neg[Int(p)] = Int32(n + list.count)
        list.append(p)
      }
    }
    for a in 0..<task.actionCount {
      for p in task.negativePreconditions(of: a) { use(p) }
      for c in task.conditionalEffects(of: a) { for p in c.negative { use(p) } }
    }
    for p in task.goalNegative { use(p) }
    negated = list
    negationOf = neg
    goal = task.goal + task.goalNegative.map { neg[Int($0)] }
  }

  /// Positive and negated preconditions of action `a`, sorted, without duplicates.
  func preconditions(_ task: GroundTask, _ a: Int) -> [Int32] {
    Array(Set(task.preconditions(of: a) + task.negativePreconditions(of: a).map { negationOf[Int($0)] })).sorted()
  }

  /// Unconditional adds of action `a`: its add effects and the negations of its deletes
  /// (those in use and not re-added).
  func adds(_ task: GroundTask, _ a: Int) -> [Int32] {
    let add = task.adds(of: a)
    var out = add
    for p in task.deletes(of: a) where negationOf[Int(p)] >= 0 && !add.contains(p) {
      out.append(negationOf[Int(p)])
    }
    return out
  }

  /// Conditional adds of action `a`: (condition as relaxed facts, fact added).
  func conditionalAdds(_ task: GroundTask, _ a: Int) -> [(condition: [Int32], fact: Int32)] {
    var out: [(condition: [Int32], fact: Int32)] = []
    let add = Set(task.adds(of: a))
    for c in task.conditionalEffects(of: a) {
      let fact: Int32
      if c.isAdd {
        fact = c.fact
      } else {
        guard negationOf[Int(c.fact)] >= 0, !add.contains(c.fact) else { continue }
        fact = negationOf[Int(c.fact)]
      }
      out.append((c.positive + c.negative.map { negationOf[Int($0)] }, fact))
    }
    return out
  }
}

extension PlanningState {
  /// Whether relaxed fact `f` holds: a task fact is in the state, a negated fact's task fact
  /// is not (`negated` from ``RelaxedFacts``, `n` its task fact count).
  @inlinable @inline(__always)
  func holds(_ f: Int32, taskFacts n: Int, negated: ContiguousArray<Int32>) -> Bool {
    Int(f) < n ? contains(f) : !contains(negated[Int(f) - n])
  }
}
