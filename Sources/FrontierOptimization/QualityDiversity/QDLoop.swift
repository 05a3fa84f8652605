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
  mutating func tell(objectives: UnsafeBufferPointer<Double>, measures: UnsafeBufferPointer<Double>)
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
    let md = domain.measureCount
    for itr in 1...max(iterations, 1) where iterations > 0 {
      ask()
      let n = currentBatchCount
      if objectives.count != n {
        objectives = [Double](repeating: 0, count: n)
        measures = [Double](repeating: 0, count: n * md)
      }
      solutions.withUnsafeBufferPointer { s in
        objectives.withUnsafeMutableBufferPointer { o in
          measures.withUnsafeMutableBufferPointer { m in
            domain.evaluate(s.baseAddress!, count: n, objectives: o.baseAddress!, measures: m.baseAddress!)
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
