import Dispatch
import Synchronization
import RealModule

/// The search archive and, optionally, an elitist result archive kept beside it (pyribs'
/// `result_archive`, used with CMA-MAE whose search archive is not elitist).
public struct QDArchives<I: CellIndexer>: Sendable {
  public var archive: Archive<I, VectorSolutions>
  public var resultArchive: Archive<I, VectorSolutions>?
  /// The archive's verdict on the last batch.
  public var addResult = AddResult()
  @usableFromInline var resultAdd = AddResult()

  public init(archive: Archive<I, VectorSolutions>, resultArchive: Archive<I, VectorSolutions>? = nil) throws {
    if let r = resultArchive {
      guard r.cellCount == archive.cellCount, r.storage.dimension == archive.storage.dimension else {
        throw QDError("the result archive must have the same cells and solution dimension as the archive")
      }
    }
    self.archive = archive
    self.resultArchive = resultArchive
  }

  /// The archive results are reported from: the result archive when there is one.
  public var result: Archive<I, VectorSolutions> { resultArchive ?? archive }

  /// Asks `emitters[k]` for each `k` of `which`, their batches concatenated in `solutions`.
  @inlinable public func ask<E: VectorEmitter>(
    _ emitters: inout [E], _ which: some Sequence<Int>, into solutions: inout [Double], dimension d: Int
  ) {
    solutions.withUnsafeMutableBufferPointer { buf in
      var offset = 0
      for k in which {
        emitters[k].ask(archive, into: buf.baseAddress! + offset * d)
        offset += emitters[k].batchSize
      }
    }
  }

  /// Inserts the batch in `solutions` (asked from `emitters[k]`, `k` in `which`) and tells
  /// each of those emitters its slice.
  @inlinable public mutating func insertAndTell<E: VectorEmitter>(
    _ emitters: inout [E], _ which: some Sequence<Int>, solutions: [Double], objectives: UnsafeBufferPointer<Double>,
    measures: UnsafeBufferPointer<Double>, dimension d: Int
  ) {
    solutions.withUnsafeBufferPointer { s in
      insert(s, objectives: objectives, measures: measures)
      var offset = 0
      for k in which {
        emitters[k].tell(
          archive, solutions: s.baseAddress! + offset * d, objectives: objectives.baseAddress! + offset,
          result: addResult, offset: offset)
        offset += emitters[k].batchSize
      }
    }
  }

  /// Inserts an evaluated batch into the archive (and the result archive).
  @inlinable public mutating func insert(
    _ s: UnsafeBufferPointer<Double>, objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>
  ) {
    archive.add(s, objectives: objectives, measures: measures, into: &addResult)
    if resultArchive != nil { resultArchive!.add(s, objectives: objectives, measures: measures, into: &resultAdd) }
  }
}

/// pyribs' `Scheduler`: every iteration asks every emitter for its batch (concatenated in
/// ``solutions``), then, told the objectives and measures of the whole batch, inserts it
/// into the archive(s) and tells each emitter its slice.
///
/// Complexity per iteration: the emitters' ask/tell plus one archive insertion of the batch;
/// no allocation in steady state.
///
/// With `threads > 1` the emitters' asks, and their tells after the (serial) archive
/// insertion, run on that many threads, each thread claiming the next emitter from a shared
/// counter until none is left (an emitter refreshing its eigendecomposition costs far more
/// than one that does not, and a thread the OS deschedules on a shared machine is not waited
/// for with its whole range). Each emitter owns its random stream and only reads the archive
/// in its tell, and the batch is inserted in emitter order, so a run gives the same archive
/// for any thread count and any assignment of emitters to threads.
public struct Scheduler<I: CellIndexer, E: VectorEmitter>: Sendable {
  public var archives: QDArchives<I>
  public var emitters: [E]
  /// The last asked batch, flat (`batchSize * dimension`).
  @usableFromInline var _solutions: [Double]
  public var solutions: [Double] { _solutions }
  public let batchSize: Int
  public let dimension: Int
  /// Threads the emitters' ask and tell run on (1: the calling thread only).
  public let threads: Int
  /// Batch offset (in solutions) of each emitter, and one past the last.
  @usableFromInline let offsets: [Int]

  /// Throws when there are no emitters, an emitter's dimension differs from the archive's, or
  /// `threads < 1`.
  public init(
    archive: Archive<I, VectorSolutions>, emitters: [E], resultArchive: Archive<I, VectorSolutions>? = nil, threads: Int = 1
  ) throws {
    guard !emitters.isEmpty else { throw QDError("a scheduler needs at least one emitter") }
    guard threads >= 1 else { throw QDError("threads must be at least 1 (got \(threads))") }
    let d = archive.storage.dimension
    for (k, e) in emitters.enumerated() where e.dimension != d {
      throw QDError("emitter \(k) has dimension \(e.dimension), the archive \(d)")
    }
    archives = try QDArchives(archive: archive, resultArchive: resultArchive)
    self.emitters = emitters
    dimension = d
    batchSize = emitters.reduce(0) { $0 + $1.batchSize }
    _solutions = [Double](repeating: 0, count: batchSize * d)
    self.threads = Swift.min(threads, emitters.count)
    var o = [0]
    for e in emitters { o.append(o.last! + e.batchSize) }
    offsets = o
  }

  /// Runs `body(k)` once for every emitter index `k < count` on ``threads`` threads, each
  /// taking the next unclaimed index (an atomic counter) until all are taken.
  @usableFromInline static func forEachEmitter(count: Int, threads t: Int, _ body: (Int) -> Void) {
    if t <= 1 {
      for k in 0..<count { body(k) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let b = UncheckedSendable(body)
      let next = Atomic<Int>(0)
      DispatchQueue.concurrentPerform(iterations: t) { _ in
        while true {
          let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
          if k >= count { break }
          b.value(k)
        }
      }
    }
  }

  public var archive: Archive<I, VectorSolutions> { archives.archive }
  /// The archive results are reported from (the result archive if any).
  public var result: Archive<I, VectorSolutions> { archives.result }

  /// Fills ``solutions`` with a new batch from every emitter.
  @inlinable public mutating func ask() {
    if threads <= 1 {
      var sols: [Double] = []
      swap(&sols, &_solutions)
      defer { swap(&sols, &_solutions) }
      archives.ask(&emitters, emitters.indices, into: &sols, dimension: dimension)
      return
    }
    askOnThreads { _, _ in }
  }

  /// With `threads > 1`: every emitter asks into its slice of ``solutions`` on the threads,
  /// and the thread that asked emitter `k` then runs `after(k, slice)`.
  @inlinable mutating func askOnThreads(_ after: (Int, UnsafeMutablePointer<Double>) -> Void) {
    let archive = archives.archive, d = dimension, offsets = self.offsets, t = threads
    var em: [E] = [], sols: [Double] = []
    swap(&em, &emitters)
    swap(&sols, &_solutions)
    defer {
      swap(&em, &emitters)
      swap(&sols, &_solutions)
    }
    let count = em.count
    em.withUnsafeMutableBufferPointer { ep in
      sols.withUnsafeMutableBufferPointer { sp in
        let e = UncheckedSendable(ep.baseAddress!), s = UncheckedSendable(sp.baseAddress!)
        Self.forEachEmitter(count: count, threads: t) { k in
          let x = s.value + offsets[k] * d
          e.value[k].ask(archive, into: x)
          after(k, x)
        }
      }
    }
  }

  /// Asks every emitter and evaluates its slice of the batch on `domain`; with
  /// `threads > 1` each emitter's slice is evaluated by the thread that asked it, right after
  /// the ask (one parallel section per iteration for both). Returns ``batchSize``.
  @inlinable
  public mutating func askAndEvaluate<D: QDDomain>(_ domain: D, objectives: inout [Double], measures: inout [Double]) -> Int {
    let n = batchSize, md = domain.measureCount
    resizeBatchBuffers(n, md, &objectives, &measures)
    if threads <= 1 {
      ask()
      _solutions.withUnsafeBufferPointer { s in
        objectives.withUnsafeMutableBufferPointer { o in
          measures.withUnsafeMutableBufferPointer { m in
            domain.evaluate(s.baseAddress!, count: n, objectives: o.baseAddress!, measures: m.baseAddress!)
          }
        }
      }
      return n
    }
    let offsets = self.offsets
    objectives.withUnsafeMutableBufferPointer { op in
      measures.withUnsafeMutableBufferPointer { mp in
        let o = UncheckedSendable(op.baseAddress!), m = UncheckedSendable(mp.baseAddress!)
        askOnThreads { k, x in
          let lo = offsets[k]
          domain.evaluate(x, count: offsets[k + 1] - lo, objectives: o.value + lo, measures: m.value + lo * md)
        }
      }
    }
    return n
  }

  /// Inserts the evaluated batch (one objective and `measureCount` measures per solution of
  /// ``solutions``) and tells each emitter its slice.
  @inlinable public mutating func tell(objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>) {
    precondition(objectives.count == batchSize, "tell needs one objective per asked solution")
    if threads <= 1 {
      var sols: [Double] = []
      swap(&sols, &_solutions)
      defer { swap(&sols, &_solutions) }
      archives.insertAndTell(&emitters, emitters.indices, solutions: sols, objectives: objectives, measures: measures, dimension: dimension)
      return
    }
    _solutions.withUnsafeBufferPointer { archives.insert($0, objectives: objectives, measures: measures) }
    let archive = archives.archive, result = archives.addResult, d = dimension, offsets = self.offsets, t = threads
    var em: [E] = []
    swap(&em, &emitters)
    defer { swap(&em, &emitters) }
    let count = em.count
    em.withUnsafeMutableBufferPointer { ep in
      _solutions.withUnsafeBufferPointer { sp in
        let e = UncheckedSendable(ep.baseAddress!), s = UncheckedSendable(sp.baseAddress!)
        let o = UncheckedSendable(objectives.baseAddress!)
        Self.forEachEmitter(count: count, threads: t) { k in
          e.value[k].tell(archive, solutions: s.value + offsets[k] * d, objectives: o.value + offsets[k], result: result, offset: offsets[k])
        }
      }
    }
  }
}

/// pyribs' `BanditScheduler` (Cully, "Multi-emitter MAP-Elites", GECCO 2021): keeps a pool
/// of emitters and each iteration runs `activeCount` of them, reselecting an emitter when it
/// restarts (emitters without restarts are reselected every iteration) by UCB1,
/// `successes/selections + ζ sqrt(log(total successes) / selections)`, emitters never
/// selected first; a success is a solution that entered the archive.
public struct BanditScheduler<I: CellIndexer, E: VectorEmitter>: Sendable {
  public var archives: QDArchives<I>
  public var pool: [E]
  public let activeCount: Int
  public let zeta: Double
  public private(set) var active: [Bool]
  public private(set) var successes: [Double]
  public private(set) var selections: [Double]
  @usableFromInline var lastRestarts: [Int]
  /// Pool indices of the emitters asked in the last ``ask()``, in batch order.
  public private(set) var asked: [Int] = []
  @usableFromInline var _solutions: [Double] = []
  public var solutions: [Double] { _solutions }
  public let dimension: Int

  public init(
    archive: Archive<I, VectorSolutions>, pool: [E], activeCount: Int, zeta: Double = 0.05,
    resultArchive: Archive<I, VectorSolutions>? = nil
  ) throws {
    guard activeCount >= 1, activeCount <= pool.count else {
      throw QDError("the bandit needs 1...\(pool.count) active emitters (got \(activeCount))")
    }
    let d = archive.storage.dimension
    for (k, e) in pool.enumerated() where e.dimension != d {
      throw QDError("emitter \(k) has dimension \(e.dimension), the archive \(d)")
    }
    archives = try QDArchives(archive: archive, resultArchive: resultArchive)
    self.pool = pool
    self.activeCount = activeCount
    self.zeta = zeta
    dimension = d
    active = [Bool](repeating: false, count: pool.count)
    successes = [Double](repeating: 0, count: pool.count)
    selections = [Double](repeating: 0, count: pool.count)
    lastRestarts = pool.map { $0.restarts ?? -1 }
  }

  public var result: Archive<I, VectorSolutions> { archives.result }

  /// Chooses the active emitters and fills ``solutions`` with their batches.
  public mutating func ask() {
    var reselect = [Bool](repeating: false, count: pool.count)
    for k in pool.indices {
      let r = pool[k].restarts ?? -1
      reselect[k] = r < 0 || r > lastRestarts[k]
      lastRestarts[k] = r
    }
    var needed = activeCount - active.count(where: { $0 })
    var i = 0
    while needed > 0 {
      reselect[i] = false
      if !active[i] {
        active[i] = true
        needed -= 1
      }
      i += 1
    }
    for k in pool.indices where reselect[k] { active[k] = false }
    if reselect.contains(true) {
      let total = successes.reduce(0, +)
      var ucb = [Double](repeating: .infinity, count: pool.count)
      for k in pool.indices where selections[k] != 0 {
        ucb[k] = successes[k] / selections[k] + zeta * (Double.log(total) / selections[k]).squareRoot()
      }
      // Highest UCB first; among equals the later index first (numpy's reversed argsort).
      let order = pool.indices.sorted { ucb[$0] > ucb[$1] || (ucb[$0] == ucb[$1] && $0 > $1) }
      var current = active.count(where: { $0 })
      for k in order where current < activeCount && !active[k] {
        active[k] = true
        current += 1
      }
    }
    asked = pool.indices.filter { active[$0] }
    let total = asked.reduce(0) { $0 + pool[$1].batchSize }
    if _solutions.count != total * dimension { _solutions = [Double](repeating: 0, count: total * dimension) }
    var sols: [Double] = []
    swap(&sols, &_solutions)
    defer { swap(&sols, &_solutions) }
    archives.ask(&pool, asked, into: &sols, dimension: dimension)
  }

  /// Inserts the evaluated batch and tells each asked emitter its slice; updates the UCB
  /// counts.
  public mutating func tell(objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>) {
    precondition(objectives.count * dimension == solutions.count, "tell needs one objective per asked solution")
    var sols: [Double] = []
    swap(&sols, &_solutions)
    defer { swap(&sols, &_solutions) }
    archives.insertAndTell(&pool, asked, solutions: sols, objectives: objectives, measures: measures, dimension: dimension)
    var offset = 0
    for k in asked {
      let n = pool[k].batchSize
      selections[k] += Double(n)
      for r in offset..<(offset + n) where archives.addResult.status[r] != .notAdded { successes[k] += 1 }
      offset += n
    }
  }
}


/// Carries a value the caller guarantees is used without data races (disjoint emitters and
/// buffer slices per thread in ``Scheduler``) into a concurrent closure.
@usableFromInline struct UncheckedSendable<T>: @unchecked Sendable {
  @usableFromInline let value: T
  @usableFromInline init(_ value: T) { self.value = value }
}
