// Archives of elites for quality-diversity search (MAP-Elites: Mouret & Clune, "Illuminating
// search spaces by mapping elites", 2015; CMA-MAE thresholds: Fontaine & Nikolaidis,
// "Covariance Matrix Adaptation MAP-Annealing", GECCO 2023). Insertion semantics follow the
// documented behaviour of pyribs' `GridArchive.add` (batch insertion, status 0/1/2 and value).

/// A bad configuration or input for a quality-diversity archive, emitter or scheduler.
public struct QDError: Error, CustomStringConvertible, Sendable, Hashable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Maps a point of measure space to a cell of an archive.
///
/// ``GridLayout`` (a regular grid) and ``CentroidIndex`` (a CVT, nearest centroid) conform.
public protocol CellIndexer: Sendable {
  /// Number of cells.
  var cellCount: Int { get }
  /// Number of measures (dimensions of measure space).
  var measureCount: Int { get }
  /// The cell of the finite measures `m[0..<measureCount]`. Out-of-range measures map to the
  /// nearest border cell (never a crash).
  func cell(of m: UnsafePointer<Double>) -> Int
}

/// A regular grid over a box of measure space, indexed exactly as pyribs' `GridArchive`:
/// per dimension `g = Int((dims * (m - low) + epsilon) / (high - low))`, clipped to
/// `0..<dims`, then flattened row-major (the last dimension varies fastest).
///
/// Complexity: O(measureCount) per lookup.
public struct GridLayout: CellIndexer, Hashable {
  public let dims: [Int]
  public let lower: [Double]
  public let upper: [Double]
  /// Added before the division so that measures on a cell boundary land in the upper cell
  /// despite rounding (pyribs' default 1e-6).
  public let epsilon: Double
  @usableFromInline let dimsD: [Double]
  @usableFromInline let interval: [Double]
  @usableFromInline let strides: [Int]
  public let cellCount: Int

  /// Throws ``QDError`` when a dimension has zero cells, `low >= high`, a bound is not finite,
  /// or the counts of `dims` and `ranges` differ.
  public init(dims: [Int], ranges: [(Double, Double)], epsilon: Double = 1e-6) throws {
    guard !dims.isEmpty, dims.count == ranges.count else {
      throw QDError("grid needs one range per dimension (got \(dims.count) dims, \(ranges.count) ranges)")
    }
    for (i, d) in dims.enumerated() where d <= 0 {
      throw QDError("grid dimension \(i) has \(d) cells; each dimension needs at least one cell")
    }
    for (i, r) in ranges.enumerated() {
      guard r.0.isFinite, r.1.isFinite else { throw QDError("measure \(i): bounds must be finite") }
      guard r.0 < r.1 else { throw QDError("measure \(i): lower bound \(r.0) is not below upper bound \(r.1)") }
    }
    var total = 1
    for d in dims {
      let (p, o) = total.multipliedReportingOverflow(by: d)
      guard !o, p <= Int(Int32.max) else { throw QDError("grid has too many cells") }
      total = p
    }
    self.dims = dims
    self.lower = ranges.map(\.0)
    self.upper = ranges.map(\.1)
    self.epsilon = epsilon
    self.dimsD = dims.map(Double.init)
    self.interval = ranges.map { $0.1 - $0.0 }
    var s = [Int](repeating: 1, count: dims.count)
    for j in stride(from: dims.count - 2, through: 0, by: -1) { s[j] = s[j + 1] * dims[j + 1] }
    self.strides = s
    self.cellCount = total
  }

  public var measureCount: Int { dims.count }

  public static func == (a: GridLayout, b: GridLayout) -> Bool {
    a.dims == b.dims && a.lower == b.lower && a.upper == b.upper && a.epsilon == b.epsilon
  }
  public func hash(into h: inout Hasher) {
    h.combine(dims)
    h.combine(lower)
    h.combine(upper)
  }

  /// The grid coordinate along dimension `j` of measure value `m`.
  @inlinable @inline(__always)
  public func coordinate(_ j: Int, _ m: Double) -> Int {
    let v = (dimsD[j] * (m - lower[j]) + epsilon) / interval[j]
    // Truncation toward zero then clipping, as numpy's astype(int32) + clip (values in
    // (-1, 1) truncate to 0; clamping first avoids overflow on huge values).
    if !(v >= 1) { return 0 }
    if v >= dimsD[j] { return dims[j] - 1 }
    return Int(v)
  }

  @inlinable public func cell(of m: UnsafePointer<Double>) -> Int {
    var c = 0
    for j in 0..<dims.count { c += coordinate(j, m[j]) * strides[j] }
    return c
  }

  /// The cell of a measure vector given as an array.
  public func cell(of m: [Double]) -> Int {
    precondition(m.count == dims.count)
    return m.withUnsafeBufferPointer { cell(of: $0.baseAddress!) }
  }

  /// The grid coordinates of flat cell index `cell`.
  public func coordinates(ofCell cell: Int) -> [Int] {
    var r = cell
    return strides.map { s in
      let q = r / s
      r -= q * s
      return q
    }
  }
}

/// Where an archive keeps the solutions of its elites, one slot per cell.
///
/// Solutions are generic: ``VectorSolutions`` keeps numeric vectors in one flat buffer (the
/// hot path of the numeric benchmarks), ``ValueSolutions`` keeps any value (strings,
/// programs) in an array of optionals.
public protocol SolutionStorage: Sendable {
  /// How a batch of candidate solutions is handed to ``Archive/add(_:objectives:measures:into:)``.
  associatedtype Batch
  /// One stored solution, as returned by ``solution(inCell:)``.
  associatedtype Element
  /// Number of slots (must equal the archive's cell count).
  var slotCount: Int { get }
  /// Number of candidates in `batch`, or nil when the batch size is implied by the objectives.
  func count(of batch: Batch) -> Int?
  /// Copies candidate `row` of `batch` into slot `cell`.
  mutating func store(_ batch: Batch, row: Int, inCell cell: Int)
  /// The solution in `cell` (which must be occupied).
  func solution(inCell cell: Int) -> Element
}

/// Numeric solution vectors of a fixed dimension, stored flat (`slotCount * dimension`
/// doubles); a batch is a flat row-major buffer of candidates.
public struct VectorSolutions: SolutionStorage {
  public let dimension: Int
  public let slotCount: Int
  /// Flat storage: slot `c` occupies `values[c*dimension ..< (c+1)*dimension]`.
  public var values: [Double]

  public init(dimension: Int, cells: Int) {
    precondition(dimension > 0 && cells > 0)
    self.dimension = dimension
    self.slotCount = cells
    self.values = [Double](repeating: 0, count: dimension * cells)
  }

  public func count(of batch: UnsafeBufferPointer<Double>) -> Int? { batch.count / dimension }

  @inlinable public mutating func store(_ batch: UnsafeBufferPointer<Double>, row: Int, inCell cell: Int) {
    let d = dimension
    values.withUnsafeMutableBufferPointer { dst in
      (dst.baseAddress! + cell * d).update(from: batch.baseAddress! + row * d, count: d)
    }
  }

  public func solution(inCell cell: Int) -> [Double] {
    Array(values[cell * dimension..<(cell + 1) * dimension])
  }

  /// Calls `body` with a pointer to the `dimension` values of `cell` (no copy).
  @inlinable public func withSolution<R>(inCell cell: Int, _ body: (UnsafePointer<Double>) throws -> R) rethrows -> R {
    try values.withUnsafeBufferPointer { try body($0.baseAddress! + cell * dimension) }
  }
}

/// Solutions of any type (strings, programs, ...), one optional per cell; a batch is an array.
public struct ValueSolutions<Value: Sendable>: SolutionStorage {
  public var slots: [Value?]
  public init(cells: Int) { slots = [Value?](repeating: nil, count: cells) }
  public var slotCount: Int { slots.count }
  public func count(of batch: [Value]) -> Int? { batch.count }
  public mutating func store(_ batch: [Value], row: Int, inCell cell: Int) { slots[cell] = batch[row] }
  public func solution(inCell cell: Int) -> Value { slots[cell]! }
}

/// The outcome of offering one solution to an archive (pyribs' `AddStatus`).
public enum AddStatus: UInt8, Sendable, Hashable, CaseIterable {
  /// Not inserted (below the cell's threshold, or rejected as non-finite).
  case notAdded = 0
  /// Replaced the elite of an occupied cell.
  case improveExisting = 1
  /// Filled an empty cell.
  case new = 2
}

/// Per-candidate results of one batch insertion; reused across batches (no allocation once
/// its capacity is reached).
public struct AddResult: Sendable {
  /// Status of each candidate, computed against the archive as it was before the batch.
  public var status: [AddStatus] = []
  /// Improvement value of each candidate: with elitist settings the objective minus the
  /// incumbent's (new cells: the objective itself), with CMA-MAE settings the objective minus
  /// the cell threshold (new cells: minus `thresholdMin`). `-inf` for rejected candidates.
  public var value: [Double] = []
  /// The cell of each candidate (-1 when rejected).
  public var cell: [Int32] = []
  /// Candidates rejected in this batch because an objective or measure was NaN or infinite.
  public var rejected = 0
  public init() {}

  /// How many candidates of the last batch had each status.
  public var statusCounts: [Int] {
    var c = [0, 0, 0]
    for s in status { c[Int(s.rawValue)] += 1 }
    return c
  }
}

/// Summary statistics of an archive (pyribs' `ArchiveStats`).
public struct ArchiveStats: Sendable, Hashable {
  public var numElites: Int
  /// `numElites / cells`.
  public var coverage: Double
  /// Sum over elites of `objective - qdScoreOffset`.
  public var qdScore: Double
  /// `qdScore / cells`.
  public var normQDScore: Double
  /// Largest objective ever inserted (pyribs' best elite), nil when empty.
  public var objMax: Double?
  /// Mean objective of the current elites, nil when empty.
  public var objMean: Double?
}

/// An archive of elites: one elite per cell of measure space, with a threshold per cell.
///
/// With the default `learningRate` 1 and `thresholdMin` -inf it is the elitist MAP-Elites
/// archive; with `learningRate` α < 1 and a finite `thresholdMin` it is the CMA-MAE archive,
/// whose thresholds anneal towards the objectives with the batch rule of Fontaine &
/// Nikolaidis (2023, appendix): for a cell receiving `k` insertable candidates with mean
/// objective `f̄`, `t ← (1-α)^k t + (1 - (1-α)^k) f̄`.
///
/// Batch semantics (pyribs): each candidate's status and value are computed against the
/// archive before the batch; within a batch the best candidate per cell wins (the first on a
/// tie). Measures outside the bounds go to the border cell; candidates with a NaN or infinite
/// objective or measure are never inserted and are counted in ``rejectedCount``.
///
/// Complexity: `add` is O(batch × (measureCount + lookup) + inserted × solution size), with
/// no allocation once the result buffers have grown to the batch size.
public struct Archive<Indexer: CellIndexer, Storage: SolutionStorage>: Sendable {
  public let indexer: Indexer
  public var storage: Storage
  public let learningRate: Double
  public let thresholdMin: Double
  public let qdScoreOffset: Double

  /// Whether each cell holds an elite.
  @usableFromInline var _occupied: [Bool]
  public var occupied: [Bool] { _occupied }
  /// Objective of each cell's elite (0 when empty).
  @usableFromInline var _objective: [Double]
  public var objective: [Double] { _objective }
  /// Threshold of each cell (`thresholdMin` when empty).
  @usableFromInline var _threshold: [Double]
  public var threshold: [Double] { _threshold }
  /// Measures of each cell's elite, flat (`cells * measureCount`).
  @usableFromInline var _measures: [Double]
  public var measures: [Double] { _measures }
  /// Occupied cells in the order they were first filled.
  @usableFromInline var _occupiedCells: [Int32]
  public var occupiedCells: [Int32] { _occupiedCells }
  /// Candidates ever rejected for a non-finite objective or measure.
  @usableFromInline var _rejectedCount = 0
  public var rejectedCount: Int { _rejectedCount }

  @usableFromInline var _objectiveSum = 0.0
  public var objectiveSum: Double { _objectiveSum }
  @usableFromInline var _objMax: Double?
  public var objMax: Double? { _objMax }

  // Per-batch scratch, indexed by cell; reset after every batch.
  @usableFromInline var batchBest: [Int32]
  @usableFromInline var batchCount: [Int32]
  @usableFromInline var batchSum: [Double]
  @usableFromInline var batchBase: [Double]
  @usableFromInline var touched: [Int32] = []

  /// - Parameters:
  ///   - learningRate: CMA-MAE archive learning rate α in [0, 1]; 1 is elitist.
  ///   - thresholdMin: initial threshold of every cell; must be finite when α ≠ 1.
  ///   - qdScoreOffset: subtracted from every objective in the QD score.
  public init(
    indexer: Indexer, storage: Storage, learningRate: Double = 1, thresholdMin: Double = -.infinity,
    qdScoreOffset: Double = 0
  ) throws {
    guard indexer.cellCount > 0 else { throw QDError("the archive has zero cells") }
    guard storage.slotCount == indexer.cellCount else {
      throw QDError("solution storage has \(storage.slotCount) slots for \(indexer.cellCount) cells")
    }
    guard learningRate >= 0 && learningRate <= 1 else {
      throw QDError("learning rate \(learningRate) is outside [0, 1]")
    }
    guard !(learningRate != 1 && !thresholdMin.isFinite) else {
      throw QDError("a learning rate below 1 (CMA-MAE) needs a finite threshold_min")
    }
    guard !thresholdMin.isNaN, qdScoreOffset.isFinite else { throw QDError("threshold_min and qd_score_offset must be numbers") }
    let n = indexer.cellCount
    self.indexer = indexer
    self.storage = storage
    self.learningRate = learningRate
    self.thresholdMin = thresholdMin
    self.qdScoreOffset = qdScoreOffset
    _occupied = [Bool](repeating: false, count: n)
    _objective = [Double](repeating: 0, count: n)
    _threshold = [Double](repeating: thresholdMin, count: n)
    _measures = [Double](repeating: 0, count: n * indexer.measureCount)
    _occupiedCells = []
    batchBest = [Int32](repeating: -1, count: n)
    batchCount = [Int32](repeating: 0, count: n)
    batchSum = [Double](repeating: 0, count: n)
    batchBase = [Double](repeating: 0, count: n)
  }

  @inlinable public var cellCount: Int { indexer.cellCount }
  @inlinable public var measureCount: Int { indexer.measureCount }
  @inlinable public var numElites: Int { _occupiedCells.count }
  @inlinable public var isEmpty: Bool { _occupiedCells.isEmpty }

  /// QD metrics of the current elites. O(1).
  public var stats: ArchiveStats {
    let n = numElites
    let qd = objectiveSum - Double(n) * qdScoreOffset
    return ArchiveStats(
      numElites: n, coverage: Double(n) / Double(cellCount), qdScore: qd,
      normQDScore: qd / Double(cellCount), objMax: objMax,
      objMean: n == 0 ? nil : objectiveSum / Double(n))
  }

  /// Offers a batch of candidates. `objectives` has one value per candidate and `measures`
  /// `measureCount` values per candidate (flat, row-major). Per-candidate status and value
  /// are written to `result`.
  @inlinable
  public mutating func add(
    _ batch: Storage.Batch, objectives: UnsafeBufferPointer<Double>, measures m: UnsafeBufferPointer<Double>,
    into result: inout AddResult
  ) {
    let n = objectives.count
    let md = measureCount
    precondition(m.count == n * md, "measures must hold \(md) values per candidate")
    if let c = storage.count(of: batch) { precondition(c == n, "batch has \(c) solutions for \(n) objectives") }
    result.status.removeAll(keepingCapacity: true)
    result.value.removeAll(keepingCapacity: true)
    result.cell.removeAll(keepingCapacity: true)
    result.rejected = 0
    let tMin = thresholdMin
    let newBase = tMin == -.infinity ? 0.0 : tMin
    let mp = m.baseAddress!
    for i in 0..<n {
      let obj = objectives[i]
      var finite = obj.isFinite
      for j in 0..<md where !mp[i * md + j].isFinite { finite = false }
      guard finite else {
        result.status.append(.notAdded)
        result.value.append(-.infinity)
        result.cell.append(-1)
        result.rejected += 1
        continue
      }
      let c = indexer.cell(of: mp + i * md)
      result.cell.append(Int32(truncatingIfNeeded: c))
      let occ = _occupied[c]
      let curT = occ ? _threshold[c] : tMin
      if obj > curT {
        let base = occ ? curT : newBase
        result.status.append(occ ? .improveExisting : .new)
        result.value.append(obj - base)
        if batchCount[c] == 0 {
          touched.append(Int32(truncatingIfNeeded: c))
          batchBest[c] = Int32(truncatingIfNeeded: i)
          batchCount[c] = 1
          batchSum[c] = obj
          batchBase[c] = occ ? curT : tMin
        } else {
          batchCount[c] += 1
          batchSum[c] += obj
          if obj > objectives[Int(batchBest[c])] { batchBest[c] = Int32(truncatingIfNeeded: i) }
        }
      } else {
        result.status.append(.notAdded)
        result.value.append(obj - curT)
      }
    }
    _rejectedCount += result.rejected
    let elitist = tMin == -.infinity
    let keep = 1 - learningRate
    var batchMax = -Double.infinity
    for t in touched {
      let c = Int(t)
      let i = Int(batchBest[c])
      let obj = objectives[i]
      if elitist {
        _threshold[c] = obj
      } else {
        let k = Double(batchCount[c])
        let ratio = Self.power(keep, k)
        _threshold[c] = ratio * batchBase[c] + (batchSum[c] / k) * (1 - ratio)
      }
      if _occupied[c] {
        _objectiveSum += obj - _objective[c]
      } else {
        _objectiveSum += obj
        _occupied[c] = true
        _occupiedCells.append(t)
      }
      _objective[c] = obj
      for j in 0..<md { _measures[c * md + j] = mp[i * md + j] }
      storage.store(batch, row: i, inCell: c)
      if obj > batchMax { batchMax = obj }
      batchCount[c] = 0
      batchBest[c] = -1
    }
    if !touched.isEmpty, _objMax.map({ batchMax > $0 }) ?? true { _objMax = batchMax }
    touched.removeAll(keepingCapacity: true)
  }

  @usableFromInline static func power(_ x: Double, _ k: Double) -> Double { powImpl(x, k) }

  /// Offers a batch given as arrays (convenience over the buffer form).
  public mutating func add(
    _ batch: Storage.Batch, objectives: [Double], measures: [Double], into result: inout AddResult
  ) {
    objectives.withUnsafeBufferPointer { o in
      measures.withUnsafeBufferPointer { m in add(batch, objectives: o, measures: m, into: &result) }
    }
  }

  /// The solution of an occupied cell.
  public func solution(inCell cell: Int) -> Storage.Element { storage.solution(inCell: cell) }

  /// The measures of an occupied cell.
  public func measures(ofCell cell: Int) -> [Double] {
    Array(_measures[cell * measureCount..<(cell + 1) * measureCount])
  }

  /// A uniformly random occupied cell (the archive must not be empty). O(1).
  @inlinable public func randomElite(using rng: inout some RandomNumberGenerator) -> Int {
    Int(_occupiedCells[Int.random(in: 0..<_occupiedCells.count, using: &rng)])
  }

  /// Restores cell contents (used by ``load(_:)``); keeps the statistics consistent.
  mutating func restore(cell c: Int, objective obj: Double, threshold t: Double, measures ms: [Double]) {
    if !_occupied[c] {
      _occupied[c] = true
      _occupiedCells.append(Int32(c))
      _objectiveSum += obj
    } else {
      _objectiveSum += obj - _objective[c]
    }
    _objective[c] = obj
    _threshold[c] = t
    for j in 0..<measureCount { _measures[c * measureCount + j] = ms[j] }
    if _objMax.map({ obj > $0 }) ?? true { _objMax = obj }
  }

  mutating func restoreObjMax(_ v: Double?) { _objMax = v }
  mutating func restoreRejected(_ n: Int) { _rejectedCount = n }
}

/// A grid archive (pyribs' `GridArchive`).
public typealias GridArchive<Storage: SolutionStorage> = Archive<GridLayout, Storage>
/// A centroidal Voronoi tessellation archive (pyribs' `CVTArchive`, Vassiliades et al. 2018).
public typealias CVTArchive<Storage: SolutionStorage> = Archive<CentroidIndex, Storage>

extension Archive where Storage == VectorSolutions {
  /// An archive of numeric solutions of `solutionDimension` values.
  public init(
    indexer: Indexer, solutionDimension: Int, learningRate: Double = 1, thresholdMin: Double = -.infinity,
    qdScoreOffset: Double = 0
  ) throws {
    guard solutionDimension > 0 else { throw QDError("solution dimension must be positive") }
    guard indexer.cellCount > 0 else { throw QDError("the archive has zero cells") }
    try self.init(
      indexer: indexer, storage: VectorSolutions(dimension: solutionDimension, cells: indexer.cellCount),
      learningRate: learningRate, thresholdMin: thresholdMin, qdScoreOffset: qdScoreOffset)
  }

  /// Offers a batch of numeric solutions given as flat arrays.
  public mutating func add(
    solutions: [Double], objectives: [Double], measures: [Double], into result: inout AddResult
  ) {
    solutions.withUnsafeBufferPointer { s in add(s, objectives: objectives, measures: measures, into: &result) }
  }
}
