import Foundation
import Yams

/// A search-space file that cannot be used: where (file, line, column, 1-based) and why.
/// Rendered as `file:line:column: error: reason`, the format of the CLI's other input errors.
public struct SearchSpaceFileError: Error, Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var column: Int?
  public var reason: String

  public init(file: String, line: Int? = nil, column: Int? = nil, _ reason: String) {
    self.file = file
    self.line = line
    self.column = column
    self.reason = reason
  }

  public var description: String {
    var loc = file
    if let line { loc += ":\(line)" }
    if let column { loc += ":\(column)" }
    return "\(loc): error: \(reason)"
  }
}

/// Search spaces read from JSON or YAML files (both parsed with Yams, so every error names
/// its line and column).
///
/// The file is a list of parameters, or a mapping whose `parameters` (or `space`) key holds
/// that list: the shape of the shared benchmark's spaces (`hpo_problems.py --dump`). Each
/// parameter is a mapping:
///
/// ```yaml
/// - {name: optimizer, type: categorical, choices: [sgd, adam]}
/// - {name: lr, type: float, low: 1.0e-5, high: 1.0, log: true}
/// - {name: momentum, type: float, low: 0.0, high: 0.99, condition: {param: optimizer, equals: sgd}}
/// - {name: layers, type: int, low: 1, high: 8, step: 1}
/// - {name: seed, type: fixed, value: 42}
/// ```
///
/// Keys: `name` and `type` (`float`, `int`, `categorical`, `fixed`) always; `low` and `high`
/// for numbers, with optional `log` and `step`; `choices` for categoricals (strings, numbers,
/// booleans); `value` for fixed parameters; optional `condition` with `param` (an earlier
/// parameter) and `equals` (a value or a list of values). Unknown keys are errors (they are
/// usually typos). Complexity: linear in the file's size.
public enum SearchSpaceFile {
  /// Reads and parses the file at `path`.
  /// - Throws: ``SearchSpaceFileError`` when the file cannot be read or is invalid.
  public static func load(path: String) throws(SearchSpaceFileError) -> SearchSpace {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw SearchSpaceFileError(file: path, "cannot read the space file (\(error.localizedDescription))")
    }
    return try parse(text: text, file: path)
  }

  /// Parses a space from JSON or YAML `text`; `file` names it in errors.
  /// - Throws: ``SearchSpaceFileError`` naming the line, column and reason.
  public static func parse(text: String, file: String = "<space>") throws(SearchSpaceFileError) -> SearchSpace {
    let parser = SpaceFileParser(file: file)
    return try parser.parse(text)
  }
}

struct SpaceFileParser {
  let file: String

  static let keysByType: [String: Set<String>] = [
    "float": ["name", "type", "low", "high", "log", "step", "condition"],
    "int": ["name", "type", "low", "high", "log", "step", "condition"],
    "categorical": ["name", "type", "choices", "condition"],
    "fixed": ["name", "type", "value", "condition"],
  ]

  func error(_ node: Node?, _ reason: String) -> SearchSpaceFileError {
    SearchSpaceFileError(file: file, line: node?.mark?.line, column: node?.mark?.column, reason)
  }

  func parse(_ text: String) throws(SearchSpaceFileError) -> SearchSpace {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw SearchSpaceFileError(file: file, line: 1, column: 1, "the space file is empty")
      }
      root = node
    } catch let e as SearchSpaceFileError {
      throw e
    } catch let e as YamlError {
      throw yamlError(e)
    } catch {
      throw SearchSpaceFileError(file: file, "cannot parse: \(error)")
    }

    let list: Node
    switch root {
    case .sequence:
      list = root
    case .mapping(let m):
      guard let l = m["parameters"] ?? m["space"] else {
        throw self.error(root, "expected a list of parameters, or a mapping with a 'parameters' list")
      }
      list = l
    default:
      throw self.error(root, "expected a list of parameters, or a mapping with a 'parameters' list")
    }
    guard case .sequence(let items) = list else { throw self.error(list, "'parameters' must be a list") }
    guard !items.isEmpty else { throw self.error(list, "the space has no parameters") }

    // Names declared anywhere, to tell "declared later" from "unknown" in conditions.
    var allNames: Set<String> = []
    for item in items { if case .mapping(let m) = item, let n = m["name"]?.string { allNames.insert(n) } }

    var space = SearchSpace()
    for item in items {
      let (spec, nodes) = try parameter(item, allNames: allNames, declared: space)
      do {
        try space.append(spec)
      } catch {
        let reason = error.reason
        let at: Node?
        if reason == "duplicate name" {
          at = nodes.name
        } else if reason.hasPrefix("condition") {
          at = nodes.conditionValue ?? nodes.condition
        } else if reason.hasPrefix("step") || reason.contains("with log") {
          at = nodes.step ?? item
        } else {
          at = nodes.range ?? item
        }
        throw self.error(at, "parameter '\(spec.name)': \(reason)")
      }
    }
    return space
  }

  func yamlError(_ e: YamlError) -> SearchSpaceFileError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return SearchSpaceFileError(file: file, line: mark.line, column: mark.column, "invalid YAML/JSON: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return SearchSpaceFileError(
        file: file, line: context.mark.line, column: context.mark.column,
        "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
    default:
      return SearchSpaceFileError(file: file, "invalid YAML/JSON: \(e)")
    }
  }

  /// Where the parts of one parameter are, for errors found after it was read.
  struct Nodes {
    var name: Node?
    var range: Node?
    var step: Node?
    var condition: Node?
    var conditionValue: Node?
  }

  func parameter(
    _ item: Node, allNames: Set<String>, declared: SearchSpace
  ) throws(SearchSpaceFileError) -> (ParameterSpec, Nodes) {
    guard case .mapping(let m) = item else { throw error(item, "a parameter must be a mapping with 'name' and 'type'") }
    var nodes = Nodes()
    let nameNode = try required(m, "name", in: item)
    guard let name = string(nameNode) else { throw error(nameNode, "wrong value type: 'name' must be a string") }
    guard !name.isEmpty else { throw error(nameNode, "'name' must not be empty") }
    nodes.name = nameNode
    let typeNode = try required(m, "type", in: item)
    guard let type = string(typeNode) else { throw error(typeNode, "wrong value type: 'type' must be a string") }
    guard let allowed = Self.keysByType[type] else {
      throw error(typeNode, "parameter '\(name)': unknown type '\(type)' (expected float, int, categorical or fixed)")
    }
    for (k, _) in m {
      guard let key = string(k) else { throw error(k, "parameter '\(name)': keys must be strings") }
      guard allowed.contains(key) else {
        throw error(k, "parameter '\(name)': unknown key '\(key)' for a \(type) parameter")
      }
    }

    let distribution: Distribution
    switch type {
    case "float":
      let (low, high, log, step) = try bounds(m, item, name, &nodes) { n, key throws(SearchSpaceFileError) in
        try number(n, key, of: name)
      }
      distribution = .float(low: low, high: high, log: log, step: step)
    case "int":
      let (low, high, log, step) = try bounds(m, item, name, &nodes) { n, key throws(SearchSpaceFileError) in
        try integer(n, key, of: name)
      }
      distribution = .int(low: low, high: high, log: log, step: step ?? 1)
    case "categorical":
      let choicesNode = try required(m, "choices", in: item, of: name)
      guard case .sequence(let seq) = choicesNode else {
        throw error(choicesNode, "parameter '\(name)': wrong value type: 'choices' must be a list")
      }
      nodes.range = choicesNode
      var choices: [ParameterValue] = []
      for c in seq { choices.append(try value(c, "a choice", of: name)) }
      distribution = .categorical(choices)
    default:  // fixed
      let v = try required(m, "value", in: item, of: name)
      distribution = .fixed(try value(v, "'value'", of: name))
    }

    var condition: ParameterCondition?
    if let c = m["condition"], !isNull(c) {
      nodes.condition = c
      guard case .mapping(let cm) = c else {
        throw error(c, "parameter '\(name)': wrong value type: 'condition' must be a mapping with 'param' and 'equals'")
      }
      for (k, _) in cm where !["param", "equals"].contains(string(k) ?? "") {
        throw error(k, "parameter '\(name)': unknown key '\(string(k) ?? "?")' in 'condition'")
      }
      let paramNode = try required(cm, "param", in: c, of: name)
      guard let parent = string(paramNode) else {
        throw error(paramNode, "parameter '\(name)': wrong value type: 'param' must be a string")
      }
      if declared[parent] == nil {
        if allNames.contains(parent) && parent != name {
          throw error(paramNode, "parameter '\(name)': condition on '\(parent)', which is declared later; declare it first")
        }
        throw error(paramNode, "parameter '\(name)': condition on unknown parameter '\(parent)'")
      }
      let equalsNode = try required(cm, "equals", in: c, of: name)
      nodes.conditionValue = equalsNode
      var values: [ParameterValue] = []
      if case .sequence(let seq) = equalsNode {
        for e in seq { values.append(try value(e, "a condition value", of: name)) }
        guard !values.isEmpty else { throw error(equalsNode, "parameter '\(name)': 'equals' is an empty list") }
      } else {
        values = [try value(equalsNode, "'equals'", of: name)]
      }
      condition = ParameterCondition(parameter: parent, equals: values)
    }
    return (ParameterSpec(name, distribution, when: condition), nodes)
  }

  /// `low`, `high`, `log` and `step` of a numeric parameter, each read with `read`.
  func bounds<T>(
    _ m: Node.Mapping, _ item: Node, _ name: String, _ nodes: inout Nodes,
    _ read: (Node, String) throws(SearchSpaceFileError) -> T
  ) throws(SearchSpaceFileError) -> (T, T, Bool, T?) {
    let lowNode = try required(m, "low", in: item, of: name)
    let highNode = try required(m, "high", in: item, of: name)
    nodes.range = lowNode
    let low = try read(lowNode, "low")
    let high = try read(highNode, "high")
    let log = try m["log"].map { n throws(SearchSpaceFileError) in try bool(n, "log", of: name) } ?? false
    var step: T?
    if let s = m["step"], !isNull(s) {
      step = try read(s, "step")
      nodes.step = s
    }
    return (low, high, log, step)
  }

  // MARK: scalars

  static let strTag = Tag.Name.str.rawValue
  static let intTag = Tag.Name.int.rawValue
  static let floatTag = Tag.Name.float.rawValue
  static let boolTag = Tag.Name.bool.rawValue
  static let nullTag = Tag.Name.null.rawValue

  func required(
    _ m: Node.Mapping, _ key: String, in node: Node, of name: String? = nil
  ) throws(SearchSpaceFileError) -> Node {
    guard let v = m[key], !isNull(v) else {
      let whose = name.map { "parameter '\($0)': " } ?? ""
      throw error(node, "\(whose)missing key '\(key)'")
    }
    return v
  }

  func isNull(_ n: Node) -> Bool { n.tag.description == Self.nullTag }

  func string(_ n: Node) -> String? {
    guard case .scalar(let s) = n, n.tag.description == Self.strTag else { return nil }
    return s.string
  }

  func number(_ n: Node, _ key: String, of name: String) throws(SearchSpaceFileError) -> Double {
    let tag = n.tag.description
    guard case .scalar = n, tag == Self.intTag || tag == Self.floatTag, let x = n.float ?? n.int.map(Double.init) else {
      throw error(n, "parameter '\(name)': wrong value type: '\(key)' must be a number")
    }
    guard x.isFinite else { throw error(n, "parameter '\(name)': '\(key)' must be finite") }
    return x
  }

  func integer(_ n: Node, _ key: String, of name: String) throws(SearchSpaceFileError) -> Int {
    guard case .scalar = n, n.tag.description == Self.intTag, let i = n.int else {
      throw error(n, "parameter '\(name)': wrong value type: '\(key)' of an int parameter must be an integer")
    }
    return i
  }

  func bool(_ n: Node, _ key: String, of name: String) throws(SearchSpaceFileError) -> Bool {
    guard case .scalar = n, n.tag.description == Self.boolTag, let b = n.bool else {
      throw error(n, "parameter '\(name)': wrong value type: '\(key)' must be true or false")
    }
    return b
  }

  func value(_ n: Node, _ what: String, of name: String) throws(SearchSpaceFileError) -> ParameterValue {
    guard case .scalar(let s) = n else {
      throw error(n, "parameter '\(name)': wrong value type: \(what) must be a string, number or boolean")
    }
    switch n.tag.description {
    case Self.intTag:
      if let i = n.int { return .int(i) }
    case Self.floatTag:
      if let x = n.float, x.isFinite { return .float(x) }
    case Self.boolTag:
      if let b = n.bool { return .bool(b) }
    case Self.strTag:
      return .string(s.string)
    default:
      break
    }
    throw error(n, "parameter '\(name)': wrong value type: \(what) must be a string, number or boolean")
  }
}
