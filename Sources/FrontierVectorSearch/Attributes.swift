/// The kind of values an attribute column holds.
public enum AttributeKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// 32-bit signed integers: categories and integer ranges (`==`, `!=`, `<`, `<=`, `>`,
  /// `>=`, `in {…}` in filters).
  case int
  /// 32-bit finite floats: float ranges (`==`, `!=`, `<`, `<=`, `>`, `>=` in filters; not
  /// `in`).
  case float

  public var description: String { rawValue }

  /// The code written in index files (version 2).
  var code: UInt32 { self == .int ? 0 : 1 }
  init?(code: UInt32) {
    switch code {
    case 0: self = .int
    case 1: self = .float
    default: return nil
    }
  }
}

/// One attribute column of an index: its name (an identifier usable in filters) and kind.
public struct AttributeColumn: Sendable, Hashable, CustomStringConvertible {
  public var name: String
  public var kind: AttributeKind

  public init(_ name: String, _ kind: AttributeKind = .int) {
    self.name = name
    self.kind = kind
  }

  /// An integer column.
  public static func int(_ name: String) -> AttributeColumn { AttributeColumn(name, .int) }
  /// A float column.
  public static func float(_ name: String) -> AttributeColumn { AttributeColumn(name, .float) }

  /// `name` or `name:float`, as in an attribute CSV header.
  public var description: String { kind == .int ? name : "\(name):float" }
}

/// One attribute value of one vector.
///
/// Indexes store every attribute as a 32-bit cell (``cell``): an integer column's cell is
/// the value itself, a float column's cell is the bit pattern of the `Float`. The untyped
/// `add(_:attributes:)` of ``VectorIndex`` takes cells; `add(_:values:)` takes values.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
  case int(Int32)
  case float(Float)

  /// The 32-bit cell stored for this value.
  @inlinable public var cell: Int32 {
    switch self {
    case .int(let v): return v
    case .float(let f): return Int32(bitPattern: f.bitPattern)
    }
  }

  /// The value a stored `cell` of a column of `kind` holds.
  @inlinable public init(cell: Int32, kind: AttributeKind) {
    self = kind == .int ? .int(cell) : .float(Float(bitPattern: UInt32(bitPattern: cell)))
  }

  public var description: String {
    switch self {
    case .int(let v): return "\(v)"
    case .float(let f): return "\(f)"
    }
  }
}

/// Attribute rows read from a file (see ``VectorFiles/readAttributes(_:names:)``): the
/// columns and one row of 32-bit cells per vector, ready for
/// `HNSWIndex.add(contentsOf:attributes:)`.
public struct AttributeTable: Sendable, Hashable {
  public var columns: [AttributeColumn]
  /// `rows × columns.count` cells (see ``AttributeValue/cell``).
  public var cells: IntMatrix

  public var rows: Int { cells.rows }

  /// The values of row `i`.
  public func values(ofRow i: Int) -> [AttributeValue] {
    zip(cells.row(i), columns).map { AttributeValue(cell: $0, kind: $1.kind) }
  }
}

/// Converts typed values to cells for `columns`, converting `.int` to `Float` for float
/// columns and refusing `.float` for integer columns.
internal func attributeCells(_ values: [AttributeValue], columns: [AttributeColumn], id: Int) throws(VectorSearchError) -> [Int32] {
  guard values.count == columns.count else {
    throw VectorSearchError(
      .invalidArgument,
      "vector \(id) has \(values.count) attribute values, but the index has \(columns.count)"
        + (columns.isEmpty ? "" : " (\(columns.map(\.description).joined(separator: ", ")))"))
  }
  var out: [Int32] = []
  out.reserveCapacity(values.count)
  for (v, c) in zip(values, columns) {
    switch (v, c.kind) {
    case (.int(let i), .int): out.append(i)
    case (.int(let i), .float): out.append(AttributeValue.float(Float(i)).cell)
    case (.float(let f), .float): out.append(AttributeValue.float(f).cell)
    case (.float(let f), .int):
      throw VectorSearchError(.invalidArgument, "vector \(id): attribute '\(c.name)' is an integer column, got the float \(f)")
    }
  }
  return out
}

// MARK: - Typed attributes on the indexes

extension VectorIndex {
  /// Adds a vector with one typed value per attribute (in ``attributeColumns`` order);
  /// returns its id.
  /// - Throws: ``VectorSearchError`` when a value's count or kind does not fit the columns,
  ///   or what `add(_:attributes:)` throws.
  @discardableResult
  public mutating func add(_ vector: [Float], values: [AttributeValue]) throws -> Int {
    try add(vector, attributes: try attributeCells(values, columns: attributeColumns, id: count))
  }
}

extension FlatIndex {
  /// An empty index whose attributes have the given names and kinds.
  public init(dimension: Int, metric: VectorMetric, attributes: [AttributeColumn]) {
    self.init(dimension: dimension, metric: metric, attributeNames: attributes.map(\.name))
    store.attributeKinds = attributes.map(\.kind)
  }

  /// The attribute columns (names and kinds), in the order `add` takes them.
  public var attributeColumns: [AttributeColumn] { store.columns }

  /// The typed attribute values of vector `id`.
  public func attributeValues(of id: Int) -> [AttributeValue] {
    zip(attributes(of: id), store.attributeKinds).map { AttributeValue(cell: $0, kind: $1) }
  }
}

extension HNSWIndex {
  /// An empty index whose attributes have the given names and kinds.
  public init(dimension: Int, metric: VectorMetric, attributes: [AttributeColumn], parameters: HNSWParameters = HNSWParameters()) {
    self.init(dimension: dimension, metric: metric, attributeNames: attributes.map(\.name), parameters: parameters)
    store.attributeKinds = attributes.map(\.kind)
  }

  /// The attribute columns (names and kinds), in the order `add` takes them.
  public var attributeColumns: [AttributeColumn] { store.columns }

  /// The typed attribute values of vector `id`.
  public func attributeValues(of id: Int) -> [AttributeValue] {
    let a = store.attributeNames.count
    return (0..<a).map { AttributeValue(cell: store.attributes[id * a + $0], kind: store.attributeKinds[$0]) }
  }
}
