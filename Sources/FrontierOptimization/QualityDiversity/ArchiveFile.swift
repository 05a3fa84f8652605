/// A plain-text form of a numeric archive, for saving a run and loading it back (the
/// FrontierStore integration will record archives as study rows later; this format is the
/// interim file). One header line, then one line per elite:
///
///     frontier-qd-archive 1 cells=C measures=M dimension=D learning_rate=α threshold_min=t qd_score_offset=o obj_max=v rejected=r
///     cell objective threshold m_1 … m_M x_1 … x_D
///
/// Numbers use Swift's shortest round-trip form, so a loaded archive equals the saved one.
/// The cell layout (grid or centroids) is not in the file: load into an archive built with the
/// same indexer. O(elites × (M + D)).
extension Archive where Storage == VectorSolutions {
  /// The archive as text.
  public func encoded() -> String {
    var s = "frontier-qd-archive 1 cells=\(cellCount) measures=\(measureCount) dimension=\(storage.dimension)"
    s += " learning_rate=\(learningRate) threshold_min=\(thresholdMin) qd_score_offset=\(qdScoreOffset)"
    s += " obj_max=\(objMax.map { "\($0)" } ?? "none") rejected=\(rejectedCount)\n"
    for c32 in occupiedCells {
      let c = Int(c32)
      var line = "\(c) \(objective[c]) \(threshold[c])"
      for j in 0..<measureCount { line += " \(measures[c * measureCount + j])" }
      for j in 0..<storage.dimension { line += " \(storage.values[c * storage.dimension + j])" }
      s += line + "\n"
    }
    return s
  }

  /// Loads `text` (from ``encoded()``) into this archive, which must be empty and have the
  /// same cells, measures, dimension and threshold settings. Throws ``QDError`` naming the
  /// line on any mismatch or malformed number.
  public mutating func load(_ text: String) throws {
    guard isEmpty else { throw QDError("load into an empty archive") }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first, header.hasPrefix("frontier-qd-archive 1 ") else {
      throw QDError("line 1: not a frontier-qd-archive 1 file")
    }
    var fields: [Substring: Substring] = [:]
    for kv in header.split(separator: " ").dropFirst(2) {
      let p = kv.split(separator: "=", maxSplits: 1)
      if p.count == 2 { fields[p[0]] = p[1] }
    }
    func expect(_ key: Substring, _ value: String) throws {
      guard let v = fields[key], String(v) == value else {
        throw QDError("line 1: \(key) is \(fields[key].map(String.init) ?? "missing"), this archive has \(value)")
      }
    }
    try expect("cells", "\(cellCount)")
    try expect("measures", "\(measureCount)")
    try expect("dimension", "\(storage.dimension)")
    try expect("learning_rate", "\(learningRate)")
    try expect("threshold_min", "\(thresholdMin)")
    let md = measureCount, d = storage.dimension
    var row = [Double](repeating: 0, count: d)
    for (k, line) in lines.dropFirst().enumerated() {
      let parts = line.split(separator: " ")
      guard parts.count == 3 + md + d, let c = Int(parts[0]), c >= 0, c < cellCount else {
        throw QDError("line \(k + 2): expected a cell index and \(2 + md + d) numbers")
      }
      var v = [Double]()
      v.reserveCapacity(2 + md + d)
      for p in parts.dropFirst() {
        guard let x = Double(p) else { throw QDError("line \(k + 2): '\(p)' is not a number") }
        v.append(x)
      }
      guard v[0].isFinite else { throw QDError("line \(k + 2): objective must be finite") }
      for j in 0..<d { row[j] = v[2 + md + j] }
      row.withUnsafeBufferPointer { storage.store($0, row: 0, inCell: c) }
      restore(cell: c, objective: v[0], threshold: v[1], measures: Array(v[2..<(2 + md)]))
    }
    if let m = fields["obj_max"], let v = Double(m) { restoreObjMax(v) }
    if let r = fields["rejected"], let v = Int(r) { restoreRejected(v) }
  }
}
