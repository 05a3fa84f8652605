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
  mutating func ask()
  /// Asks a batch and evaluates it on `domain` into `objectives` and `measures` (resized to
  /// the batch); returns the batch's size. The default asks, then evaluates on the calling
  /// thread; ``Scheduler`` with `threads > 1` evaluates each emitter's slice on the thread
  /// that asked it, right after its ask.
  mutating func askAndEvaluate<D: QDDomain>(_ domain: D, objectives: inout [Double], measures: inout [Double]) -> Int
  mutating func tell(objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>)
}

extension QDScheduler {
  @inlinable
  public mutating func askAndEvaluate<D: QDDomain>(_ domain: D, objectives: inout [Double], measures: inout [Double]) -> Int {
    ask()
    let n = currentBatchCount
    resizeBatchBuffers(n, domain.measureCount, &objectives, &measures)
    solutions.withUnsafeBufferPointer { s in
      objectives.withUnsafeMutableBufferPointer { o in
        measures.withUnsafeMutableBufferPointer { m in
          domain.evaluate(s.baseAddress!, count: n, objectives: o.baseAddress!, measures: m.baseAddress!)
        }
      }
    }
    return n
  }
}

/// Sizes the objective and measure buffers for a batch of `n` (no allocation when unchanged).
@inlinable func resizeBatchBuffers(_ n: Int, _ md: Int, _ objectives: inout [Double], _ measures: inout [Double]) {
  if objectives.count != n {
    objectives = [Double](repeating: 0, count: n)
    measures = [Double](repeating: 0, count: n * md)
  }
}

extension Scheduler: QDScheduler {
  public var currentBatchCount: Int { batchSize }
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
    for itr in 1...max(iterations, 1) where iterations > 0 {
      let n = askAndEvaluate(domain, objectives: &objectives, measures: &measures)
      objectives.withUnsafeBufferPointer { o in
        measures.withUnsafeBufferPointer { m in tell(objectives: o, measures: m) }
      }
      evaluations += n
      if itr % max(logEvery, 1) == 0 || itr == iterations { log(itr, evaluations, result.stats) }
    }
    return evaluations
  }
}
