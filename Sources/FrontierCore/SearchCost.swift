/// A path cost: something that adds up along a path and compares.
///
/// `Int`, `Int32` and `Double` conform. Algorithms need three extra facts about a cost
/// type beyond `AdditiveArithmetic` and `Comparable`: an "infinite" value that no real
/// path reaches (used as the initial bound of IDA* and as "no path yet"), scaling by a
/// real weight (weighted A*), and a conversion to `Double` for reports.
public protocol SearchCost: AdditiveArithmetic, Comparable, Sendable {
  /// A value larger than any real path cost. Adding finite costs to it must not trap
  /// for the algorithms in Frontier (they never add to it).
  static var infinity: Self { get }
  /// `self` multiplied by a non-negative weight (rounded toward zero for integers).
  func scaled(by weight: Double) -> Self
  /// The cost as a `Double`, for reports and JSON output.
  var doubleValue: Double { get }
  /// `self + other` without an overflow check (integers wrap), for hot loops whose sums
  /// are bounded by construction (path costs plus heuristic values).
  func addingUnchecked(_ other: Self) -> Self
}

extension SearchCost {
  @inlinable @inline(__always) public func addingUnchecked(_ other: Self) -> Self { self + other }
}

extension Int: SearchCost {
  @inlinable @inline(__always) public func addingUnchecked(_ other: Int) -> Int { self &+ other }
  @inlinable public static var infinity: Int { .max / 4 }
  @inlinable public func scaled(by weight: Double) -> Int {
    let x = Double(self) * weight
    return x >= Double(Int.infinity) ? .infinity : Int(x)
  }
  @inlinable public var doubleValue: Double { Double(self) }
}

extension Int32: SearchCost {
  @inlinable @inline(__always) public func addingUnchecked(_ other: Int32) -> Int32 { self &+ other }
  @inlinable public static var infinity: Int32 { .max / 4 }
  @inlinable public func scaled(by weight: Double) -> Int32 {
    let x = Double(self) * weight
    return x >= Double(Int32.infinity) ? .infinity : Int32(x)
  }
  @inlinable public var doubleValue: Double { Double(self) }
}

// `Double.infinity` and `Float.infinity` (from `FloatingPoint`) satisfy the requirement.
// Redeclaring them here as `{ .infinity }` would call themselves forever.
extension Double: SearchCost {
  @inlinable public func scaled(by weight: Double) -> Double { self * weight }
  @inlinable public var doubleValue: Double { self }
}

extension Float: SearchCost {
  @inlinable public func scaled(by weight: Double) -> Float { Float(Double(self) * weight) }
  @inlinable public var doubleValue: Double { Double(self) }
}
