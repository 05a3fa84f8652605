import Foundation
public import FrontierOptimization

/// Why a stored value could not be decoded (a database written by something else, or edited
/// by hand).
public struct StoreCodecError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The text that could not be decoded.
  public var text: String
  /// What is wrong with it.
  public var reason: String
  public init(text: String, reason: String) {
    self.text = text
    self.reason = reason
  }
  public var description: String { "cannot decode stored value '\(text)': \(reason)" }
}

/// The text forms in which FrontierStore keeps parameter values, distributions and study
/// directions in a database column. Both backends use the same forms, so a study can be
/// copied between SQLite and PostgreSQL row by row.
///
/// - A ``ParameterValue`` is a tag, a colon and the value: `f:0.1` (a `Double` in its
///   shortest round-tripping form, also `f:inf`, `f:-inf`, `f:nan`), `i:-3`, `b:true`,
///   `s:adam` (the rest of the text, unescaped). Decoding gives back the same bits for every
///   double except the payload of a NaN.
/// - A ``Distribution`` is compact JSON with sorted keys, e.g.
///   `{"high":1.0,"log":true,"low":0.001,"type":"float"}`; categorical choices and fixed
///   values are value texts: `{"choices":["s:adam","s:sgd"],"type":"categorical"}`.
/// - Directions are the raw values separated by commas: `minimize,maximize`.
public enum StoreCodec {
  /// The text form of `value`.
  public static func encode(_ value: ParameterValue) -> String {
    switch value {
    case .float(let x): return "f:" + x.description
    case .int(let i): return "i:" + String(i)
    case .bool(let b): return b ? "b:true" : "b:false"
    case .string(let s): return "s:" + s
    }
  }

  /// Decodes a text written by ``encode(_:)-(ParameterValue)``.
  /// - Throws: ``StoreCodecError`` naming the text and what is wrong.
  public static func decodeValue(_ text: String) throws(StoreCodecError) -> ParameterValue {
    let utf8 = text.utf8
    guard utf8.count >= 2, utf8.dropFirst().first == UInt8(ascii: ":") else {
      throw StoreCodecError(text: text, reason: "expected a tag f:, i:, b: or s: before the value")
    }
    let body = String(text.dropFirst(2))
    switch utf8.first {
    case UInt8(ascii: "f"):
      guard let x = Double(body) else { throw StoreCodecError(text: text, reason: "not a number") }
      return .float(x)
    case UInt8(ascii: "i"):
      guard let i = Int(body) else { throw StoreCodecError(text: text, reason: "not an integer") }
      return .int(i)
    case UInt8(ascii: "b"):
      switch body {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: throw StoreCodecError(text: text, reason: "a boolean is true or false")
      }
    case UInt8(ascii: "s"):
      return .string(body)
    default:
      throw StoreCodecError(text: text, reason: "unknown tag; expected f:, i:, b: or s:")
    }
  }

  /// The compact JSON form of `distribution` (keys sorted, so equal distributions give equal
  /// texts).
  public static func encode(_ distribution: Distribution) -> String {
    var fields: [(String, String)]
    switch distribution {
    case .float(let low, let high, let log, let step):
      fields = [("high", jsonNumber(high)), ("log", log ? "true" : "false"), ("low", jsonNumber(low))]
      if let step { fields.append(("step", jsonNumber(step))) }
      fields.append(("type", "\"float\""))
    case .int(let low, let high, let log, let step):
      fields = [
        ("high", String(high)), ("log", log ? "true" : "false"), ("low", String(low)),
        ("step", String(step)), ("type", "\"int\""),
      ]
    case .categorical(let choices):
      fields = [
        ("choices", "[" + choices.map { jsonString(encode($0)) }.joined(separator: ",") + "]"),
        ("type", "\"categorical\""),
      ]
    case .fixed(let value):
      fields = [("type", "\"fixed\""), ("value", jsonString(encode(value)))]
    }
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }

  /// Decodes a text written by ``encode(_:)-(Distribution)``.
  /// - Throws: ``StoreCodecError`` naming the text and what is wrong.
  public static func decodeDistribution(_ text: String) throws(StoreCodecError) -> Distribution {
    let stored: StoredDistribution
    do {
      stored = try JSONDecoder().decode(StoredDistribution.self, from: Data(text.utf8))
    } catch let error as StoreCodecError {
      throw StoreCodecError(text: text, reason: error.reason)
    } catch {
      throw StoreCodecError(text: text, reason: "not a distribution in JSON (\(error))")
    }
    return stored.distribution
  }

  /// `minimize,maximize`.
  public static func encode(_ directions: [StudyDirection]) -> String {
    directions.map(\.rawValue).joined(separator: ",")
  }

  /// Decodes a text written by ``encode(_:)-([StudyDirection])``.
  /// - Throws: ``StoreCodecError`` on an unknown direction.
  public static func decodeDirections(_ text: String) throws(StoreCodecError) -> [StudyDirection] {
    var result: [StudyDirection] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let d = StudyDirection(rawValue: String(part)) else {
        throw StoreCodecError(text: text, reason: "unknown direction '\(part)'; expected minimize or maximize")
      }
      result.append(d)
    }
    return result
  }

  /// A finite double as a JSON number (shortest round-tripping form), a non-finite one as a
  /// JSON string (`"inf"`, `"-inf"`, `"nan"`), since JSON has no such numbers.
  static func jsonNumber(_ x: Double) -> String {
    x.isFinite ? x.description : "\"\(x.description)\""
  }

  static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }
}

/// The JSON shape of a stored distribution.
private struct StoredDistribution: Decodable {
  var distribution: Distribution

  enum Key: String, CodingKey { case type, low, high, log, step, choices, value }

  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    let type = try c.decode(String.self, forKey: .type)
    switch type {
    case "float":
      let step = try c.contains(.step) ? Self.double(c, .step) : nil
      distribution = .float(
        low: try Self.double(c, .low), high: try Self.double(c, .high),
        log: try c.decodeIfPresent(Bool.self, forKey: .log) ?? false, step: step)
    case "int":
      distribution = .int(
        low: try c.decode(Int.self, forKey: .low), high: try c.decode(Int.self, forKey: .high),
        log: try c.decodeIfPresent(Bool.self, forKey: .log) ?? false,
        step: try c.decodeIfPresent(Int.self, forKey: .step) ?? 1)
    case "categorical":
      distribution = .categorical(try c.decode([String].self, forKey: .choices).map(StoreCodec.decodeValue))
    case "fixed":
      distribution = .fixed(try StoreCodec.decodeValue(c.decode(String.self, forKey: .value)))
    default:
      throw StoreCodecError(text: type, reason: "unknown distribution type '\(type)'")
    }
  }

  /// A double written as a JSON number, or as a string for a non-finite one.
  static func double(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> Double {
    if let x = try? c.decode(Double.self, forKey: key) { return x }
    let s = try c.decode(String.self, forKey: key)
    guard let x = Double(s) else { throw StoreCodecError(text: s, reason: "'\(key.rawValue)' is not a number") }
    return x
  }
}
