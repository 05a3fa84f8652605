import Foundation

/// A JSON object written as one line, keys in insertion order.
struct JSONLine {
  private var parts: [String] = []

  mutating func add(_ key: String, _ value: String) { parts.append("\(Self.quote(key)):\(Self.quote(value))") }
  mutating func add(_ key: String, _ value: Int) { parts.append("\(Self.quote(key)):\(value)") }
  mutating func add(_ key: String, _ value: Bool) { parts.append("\(Self.quote(key)):\(value)") }
  mutating func add(_ key: String, _ value: Double) {
    parts.append("\(Self.quote(key)):\(value.isFinite ? Self.number(value) : "null")")
  }
  mutating func addNull(_ key: String) { parts.append("\(Self.quote(key)):null") }
  mutating func add(_ key: String, _ value: Double?) {
    if let v = value { add(key, v) } else { addNull(key) }
  }
  mutating func add(_ key: String, _ value: Int?) {
    if let v = value { add(key, v) } else { addNull(key) }
  }
  mutating func addRaw(_ key: String, _ json: String) { parts.append("\(Self.quote(key)):\(json)") }

  var text: String { "{" + parts.joined(separator: ",") + "}" }

  static func number(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    return "\(v)"
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }
}

/// Writes lines to standard output, flushing so progress is visible in pipes too.
enum Console {
  static func line(_ s: String) {
    FileHandle.standardOutput.write(Data((s + "\n").utf8))
  }
  static func error(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
  }
}

/// Fixed-width formatting for tables.
func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
  if s.count >= width { return s }
  let fill = String(repeating: " ", count: width - s.count)
  return right ? fill + s : s + fill
}

func fmt(_ v: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", v) }

/// 12345678 -> "12,345,678"
func grouped(_ n: Int) -> String {
  let s = String(n)
  var out = ""
  for (i, ch) in s.reversed().enumerated() {
    if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
    out.append(ch)
  }
  return String(out.reversed())
}

/// A human rate like "97.3 M/s".
func rate(_ count: Int, _ seconds: Double) -> String {
  guard seconds > 0 else { return "-" }
  let r = Double(count) / seconds
  if r >= 1e6 { return fmt(r / 1e6, 1) + " M/s" }
  if r >= 1e3 { return fmt(r / 1e3, 1) + " k/s" }
  return fmt(r, 0) + " /s"
}
