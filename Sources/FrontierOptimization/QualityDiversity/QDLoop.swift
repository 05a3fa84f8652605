import Dispatch

/// The evaluation loop of a quality-diversity run: ask → evaluate the batch in flat buffers →
/// tell, `iterations` times, calling `log` with the result archive's statistics every `logEvery` iterations (and after the last).
/// Allocates its two buffers once; nothing per solution.
public protocol QDScheduler {
  associatedtype Indexer: CellIndexer
  /// Total solutions per iteration (for the bandit: of the emitters active now).
  var currentBatchCount: Int { get }
  var dimension: Int { get }
  var solutions: [Double] { get }
  var result: Archive<Indexer, VectorSolutions> { get }
  /// Threads ``run(on:iterations:logEvery:log:)`` evaluates each batch on (the batch is cut
  /// into that many contiguous slices; 1 evaluates it on the calling thread).
  var evaluationThreads: Int { get }
  mutating func ask()
  mutating func tell(objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>)
}

extension QDScheduler {
  public var evaluationThreads: Int { 1 }
}

extension Scheduler: QDScheduler {
  public var currentBatchCount: Int { batchSize }
  /// The emitters' threads also evaluate the batch.
  public var evaluationThreads: Int { threads }
}

extension BanditScheduler: QDScheduler {
  public var currentBatchCount: Int { solutions.count / dimension }
}

extension QDScheduler {
  /// Runs `iterations` iterations on `domain`; returns the number of evaluations.
  @inlinable @discardableResult
  public mutating func run<D: QDDomain>(
    on domain: D, iterations: Int, logEvery: Int = 100, log: (_ iteration: Int, _ evaluations: Int, _ stats: ArchiveStats) -> Void = { _, _, _ in }
  ) -> Int {
    var objectives: [Double] = []
    var measures: [Double] = []
    var evaluations = 0
    let md = domain.measureCount
    for itr in 1...max(iterations, 1) where iterations > 0 {
      ask()
      let n = currentBatchCount
      if objectives.count != n {
        objectives = [Double](repeating: 0, count: n)
        measures = [Double](repeating: 0, count: n * md)
      }
      let t = min(evaluationThreads, n), d = dimension
      solutions.withUnsafeBufferPointer { s in
        objectives.withUnsafeMutableBufferPointer { o in
          measures.withUnsafeMutableBufferPointer { m in
            if t <= 1 {
              domain.evaluate(s.baseAddress!, count: n, objectives: o.baseAddress!, measures: m.baseAddress!)
              return
            }
            // Slice i of t: solutions [n i / t, n (i + 1) / t); each slice writes only its own rows.
            let sp = UncheckedSendable(s.baseAddress!), op = UncheckedSendable(o.baseAddress!)
            let mp = UncheckedSendable(m.baseAddress!)
            concurrentSlices(t) { i in
              let lo = n * i / t, hi = n * (i + 1) / t
              domain.evaluate(
                sp.value + lo * d, count: hi - lo, objectives: op.value + lo, measures: mp.value + lo * md)
            }
          }
        }
      }
      objectives.withUnsafeBufferPointer { o in
        measures.withUnsafeBufferPointer { m in tell(objectives: o, measures: m) }
      }
      evaluations += n
      if itr % max(logEvery, 1) == 0 || itr == iterations { log(itr, evaluations, result.stats) }
    }
    return evaluations
  }
}

/// Runs `body(i)` for `i < count` concurrently (`DispatchQueue.concurrentPerform`); not
/// inlinable, so inlinable generic loops can call it.
@usableFromInline func concurrentSlices(_ count: Int, _ body: (Int) -> Void) {
  withoutActuallyEscaping(body) { body in
    let b = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: count) { b.value($0) }
  }
}
