import Foundation
import FrontierOptimization

/// A minimal SVG writer: elements appended as text, coordinates in pixels.
struct SVGCanvas {
  let width: Double
  let height: Double
  private(set) var body: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// Appends raw markup (group tags).
  mutating func raw(_ markup: String) { body.append(markup) }

  static func n(_ v: Double) -> String { String(format: "%.1f", v) }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#888", width w: Double = 1) {
    body.append(
      "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(w)\"/>")
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String, width w: Double = 1.5, opacity: Double = 1, title: String? = nil) {
    let pts = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
    let t = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
    body.append(
      "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(w)\" stroke-opacity=\"\(opacity)\" points=\"\(pts)\">\(t)</polyline>")
  }

  mutating func circle(_ x: Double, _ y: Double, r: Double = 3, fill: String, title: String? = nil) {
    let t = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
    body.append("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(r)\" fill=\"\(fill)\">\(t)</circle>")
  }

  mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, title: String? = nil) {
    let t = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
    body.append(
      "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\">\(t)</rect>")
  }

  mutating func text(
    _ x: Double, _ y: Double, _ s: String, anchor: String = "start", size: Double = 11, rotate: Bool = false,
    weight: String = "normal"
  ) {
    let r = rotate ? " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" : ""
    body.append(
      "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\"\(r)>\(Self.escape(s))</text>")
  }

  var svg: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\">\n"
      + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body.joined(separator: "\n") + "\n</svg>\n"
  }
}

/// A linear or logarithmic map from data to pixels, with readable tick values.
struct PlotScale {
  var low: Double
  var high: Double
  var log: Bool
  var pixelLow: Double
  var pixelHigh: Double

  /// A scale covering `values` (padded a little); logarithmic when `allowLog`, every value is
  /// positive and they span more than three decades.
  init(covering values: [Double], pixels: (Double, Double), allowLog: Bool = true, forceLog: Bool = false) {
    let finite = values.filter(\.isFinite)
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    log = forceLog || (allowLog && lo > 0 && hi / lo > 1000)
    if log, lo <= 0 { log = false }
    if log {
      lo = Foundation.log10(lo)
      hi = Foundation.log10(hi)
    }
    if hi == lo {
      lo -= 0.5
      hi += 0.5
    } else {
      let pad = (hi - lo) * 0.04
      lo -= pad
      hi += pad
    }
    low = lo
    high = hi
    pixelLow = pixels.0
    pixelHigh = pixels.1
  }

  func callAsFunction(_ v: Double) -> Double {
    var x = log ? Foundation.log10(Swift.max(v, 1e-300)) : v
    if !x.isFinite { x = v > 0 ? high : low }
    x = Swift.min(Swift.max(x, low), high)
    return pixelLow + (x - low) / (high - low) * (pixelHigh - pixelLow)
  }

  /// About five tick values at 1-2-5 steps (powers of ten on a log scale).
  var ticks: [Double] {
    if log {
      return (Int(low.rounded(.up))...Swift.max(Int(low.rounded(.up)), Int(high.rounded(.down)))).map {
        Foundation.pow(10, Double($0))
      }
    }
    let raw = (high - low) / 5
    let mag = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
    var t = (low / step).rounded(.up) * step
    var out: [Double] = []
    while t <= high + step * 1e-9 {
      out.append(Swift.abs(t) < step * 1e-9 ? 0 : t)
      t += step
    }
    return out
  }
}

/// The plots of `study export --format plot`, each a self-contained SVG (no scripts, no
/// network), and an HTML page that inlines them all.
struct StudyPlots {
  var report: StudyReport

  static let palette = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
  static let stateColors: [TrialState: String] = [
    .complete: "#1f77b4", .pruned: "#ff7f0e", .failed: "#d62728", .running: "#2ca02c", .waiting: "#7f7f7f",
  ]

  /// Interpolates the viridis-like palette at `t` in [0, 1].
  static func color(_ t: Double) -> String {
    let c = palette.map { hex -> (Double, Double, Double) in
      let v = Int(hex.dropFirst(), radix: 16)!
      return (Double(v >> 16), Double((v >> 8) & 0xff), Double(v & 0xff))
    }
    let x = Swift.min(Swift.max(t.isFinite ? t : 0, 0), 1) * Double(c.count - 1)
    let i = Swift.min(Int(x), c.count - 2)
    let f = x - Double(i)
    let (a, b) = (c[i], c[i + 1])
    return String(
      format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * f), Int(a.1 + (b.1 - a.1) * f), Int(a.2 + (b.2 - a.2) * f))
  }

  private static func frame(_ c: inout SVGCanvas, title: String, x: PlotScale, y: PlotScale, xLabel: String, yLabel: String) {
    c.text(c.width / 2, 20, title, anchor: "middle", size: 14, weight: "bold")
    c.line(x.pixelLow, y.pixelLow, x.pixelHigh, y.pixelLow, stroke: "#333")
    c.line(x.pixelLow, y.pixelLow, x.pixelLow, y.pixelHigh, stroke: "#333")
    for t in x.ticks {
      c.line(x(t), y.pixelLow, x(t), y.pixelLow + 4, stroke: "#333")
      c.text(x(t), y.pixelLow + 16, tickLabel(t), anchor: "middle", size: 10)
    }
    for t in y.ticks {
      c.line(x.pixelLow - 4, y(t), x.pixelLow, y(t), stroke: "#333")
      c.line(x.pixelLow, y(t), x.pixelHigh, y(t), stroke: "#eee")
      c.text(x.pixelLow - 6, y(t) + 3, tickLabel(t), anchor: "end", size: 10)
    }
    c.text((x.pixelLow + x.pixelHigh) / 2, y.pixelLow + 34, xLabel, anchor: "middle")
    c.text(16, (y.pixelLow + y.pixelHigh) / 2, yLabel + (y.log ? " (log scale)" : ""), anchor: "middle", rotate: true)
  }

  static func tickLabel(_ v: Double) -> String { String(format: "%g", v) }

  /// Objective value of every complete trial against its number, with the best-so-far line
  /// (one polyline, `class="best"`). One plot per objective.
  func history(objective k: Int = 0) -> String {
    var c = SVGCanvas(width: 720, height: 420)
    let done = report.scored
    let xs = report.trials.map { Double($0.number) }
    let values = done.map { $0.values![k] }
    let x = PlotScale(covering: xs.isEmpty ? [0, 1] : xs, pixels: (70, 690), allowLog: false)
    let y = PlotScale(covering: values.isEmpty ? [0, 1] : values, pixels: (360, 40))
    let name = report.valueColumns[k]
    Self.frame(&c, title: "Optimization history (\(report.name), \(name), \(report.directions[k].rawValue))",
      x: x, y: y, xLabel: "trial", yLabel: name)
    var best: Double?
    var bestLine: [(Double, Double)] = []
    let direction = report.directions[k]
    for t in done {
      let v = t.values![k]
      c.circle(x(Double(t.number)), y(v), fill: Self.stateColors[.complete]!, title: "trial \(t.number): \(v)")
      if best == nil || direction.loss(v) < direction.loss(best!) {
        if let b = best { bestLine.append((x(Double(t.number)), y(b))) }
        best = v
      }
      bestLine.append((x(Double(t.number)), y(best!)))
    }
    if !bestLine.isEmpty {
      c.raw("<g class=\"best\">")
      c.polyline(bestLine, stroke: "#d62728", width: 2, title: "best so far")
      c.raw("</g>")
    }
    c.text(690, 40, "● trial value   — best so far", anchor: "end", size: 10)
    return c.svg
  }

  /// One vertical axis per parameter and one for the objective; each complete trial is a
  /// polyline through its values, coloured by objective (dark is better). A trial lacking a
  /// (conditional) parameter skips that axis. Categorical axes space their choices evenly.
  func parallelCoordinates(objective k: Int = 0) -> String {
    let names = report.parameterNames
    let done = report.scored
    let axes = names.count + 1
    let width = Swift.max(360, Double(axes) * 120 + 60)
    var c = SVGCanvas(width: width, height: 440)
    c.text(width / 2, 20, "Parallel coordinates (\(report.name))", anchor: "middle", size: 14, weight: "bold")
    let top = 50.0
    let bottom = 390.0
    let axisX = { (i: Int) in 60 + Double(i) * (width - 120) / Double(Swift.max(axes - 1, 1)) }
    // One scale per axis: numeric values keep their (log) scale, categoricals their index.
    var positions: [[Int: Double]] = Array(repeating: [:], count: axes)  // trial index -> y
    for (a, name) in names.enumerated() {
      var choices: [ParameterValue] = []
      var numeric: [(Int, Double)] = []
      var isLog = false
      var categorical = false
      for (i, t) in done.enumerated() {
        guard let v = t.parameters[name] else { continue }
        if let d = t.distributions[name] {
          if d.isLog { isLog = true }
          if case .categorical = d { categorical = true }
        }
        if v.doubleValue == nil { categorical = true }
        numeric.append((i, v.doubleValue ?? 0))
        if !choices.contains(v) { choices.append(v) }
      }
      if categorical {
        for (i, t) in done.enumerated() {
          guard let v = t.parameters[name], let idx = choices.firstIndex(of: v) else { continue }
          positions[a][i] = bottom - (Double(idx) + 0.5) / Double(choices.count) * (bottom - top)
        }
        for (idx, v) in choices.enumerated() {
          c.text(axisX(a) + 4, bottom - (Double(idx) + 0.5) / Double(choices.count) * (bottom - top) + 3, v.description, size: 10)
        }
      } else {
        let s = PlotScale(covering: numeric.map(\.1), pixels: (bottom, top), allowLog: false, forceLog: isLog)
        for (i, v) in numeric { positions[a][i] = s(v) }
        for t in s.ticks { c.text(axisX(a) + 4, s(t) + 3, Self.tickLabel(t), size: 10) }
      }
      c.line(axisX(a), top, axisX(a), bottom, stroke: "#333")
      c.text(axisX(a), bottom + 18, name, anchor: "middle", weight: "bold")
    }
    let values = done.map { $0.values![k] }
    let ys = PlotScale(covering: values.isEmpty ? [0, 1] : values, pixels: (bottom, top))
    let objectiveAxis = axes - 1
    for (i, v) in values.enumerated() { positions[objectiveAxis][i] = ys(v) }
    for t in ys.ticks { c.text(axisX(objectiveAxis) + 4, ys(t) + 3, Self.tickLabel(t), size: 10) }
    c.line(axisX(objectiveAxis), top, axisX(objectiveAxis), bottom, stroke: "#333")
    c.text(axisX(objectiveAxis), bottom + 18, report.valueColumns[k], anchor: "middle", weight: "bold")
    // Colour by rank of loss: 0 (best, dark) ... 1 (worst, light).
    let losses = values.map { report.directions[k].loss($0) }
    let ranks = StudyReport.ranks(losses)
    let order = done.indices.sorted { ranks[$0] > ranks[$1] }  // best drawn last, on top
    for i in order {
      let pts = (0..<axes).compactMap { a in positions[a][i].map { (axisX(a), $0) } }
      let t = Double(ranks[i]) / Double(Swift.max(done.count - 1, 1))
      c.polyline(pts, stroke: Self.color(t), width: 1.2, opacity: 0.8, title: "trial \(done[i].number): \(values[i])")
    }
    return c.svg
  }

  /// Horizontal bars of ``StudyReport/importance(objective:)``.
  func importance(objective k: Int = 0) -> String {
    let imp = report.importance(objective: k)
    let height = Double(Swift.max(imp.count, 1)) * 28 + 90
    var c = SVGCanvas(width: 720, height: height)
    c.text(360, 20, "Parameter importance (\(report.name), \(report.valueColumns[k]))", anchor: "middle", size: 14, weight: "bold")
    c.text(360, 38, "share of the variance of the objective's ranks explained by each parameter alone (binned η²)",
      anchor: "middle", size: 10)
    if imp.isEmpty {
      c.text(360, 70, "needs at least 4 complete trials", anchor: "middle")
      return c.svg
    }
    for (i, item) in imp.enumerated() {
      let y = 55 + Double(i) * 28
      c.text(190, y + 15, item.name, anchor: "end")
      c.rect(200, y, Swift.max(1, item.importance * 440), 20, fill: "#1f77b4", title: "\(item.name): \(item.importance)")
      c.text(205 + item.importance * 440, y + 15, String(format: "%.3f", item.importance))
    }
    return c.svg
  }

  /// One polyline per trial that reported intermediate values (step against value),
  /// coloured by the trial's state (`class="trial-<state>"`).
  func intermediateValues() -> String {
    var c = SVGCanvas(width: 720, height: 420)
    let curves = report.trials.filter { !$0.intermediateValues.isEmpty }
    let steps = curves.flatMap { $0.intermediateValues.keys.map(Double.init) }
    let values = curves.flatMap { $0.intermediateValues.values }
    let x = PlotScale(covering: steps.isEmpty ? [0, 1] : steps, pixels: (70, 690), allowLog: false)
    let y = PlotScale(covering: values.isEmpty ? [0, 1] : values, pixels: (360, 40))
    Self.frame(&c, title: "Intermediate values (\(report.name))", x: x, y: y, xLabel: "step", yLabel: "intermediate value")
    if curves.isEmpty { c.text(380, 200, "no trial reported intermediate values", anchor: "middle") }
    for t in curves {
      let pts = t.intermediateValues.sorted { $0.key < $1.key }.map { (x(Double($0.key)), y($0.value)) }
      c.raw("<g class=\"trial-\(t.state.rawValue)\">")
      c.polyline(pts, stroke: Self.stateColors[t.state] ?? "#333", width: 1.2, opacity: 0.85, title: "trial \(t.number) (\(t.state.rawValue))")
      c.raw("</g>")
    }
    var lx = 690.0
    for s in [TrialState.failed, .pruned, .complete] {
      c.text(lx, 40, "— \(s.rawValue)", anchor: "end", size: 10)
      lx -= 70
    }
    return c.svg
  }

  /// The files `study export --format plot` writes, by name.
  var files: [(name: String, content: String)] {
    var out: [(String, String)] = []
    for k in report.directions.indices {
      let suffix = report.directions.count == 1 ? "" : "-\(k)"
      out.append(("history\(suffix).svg", history(objective: k)))
      out.append(("parallel-coordinates\(suffix).svg", parallelCoordinates(objective: k)))
      out.append(("importance\(suffix).svg", importance(objective: k)))
    }
    out.append(("intermediate-values.svg", intermediateValues()))
    let counts = report.stateCounts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
    var html = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"><title>Study \(SVGCanvas.escape(report.name))</title>
      <style>body{font-family:sans-serif;margin:2em;max-width:1200px} svg{display:block;margin:1em 0;border:1px solid #ddd}</style>
      </head><body>
      <h1>Study \(SVGCanvas.escape(report.name))</h1>
      <p>\(report.trials.count) trials (\(SVGCanvas.escape(counts))); directions: \(report.directions.map(\.rawValue).joined(separator: ", ")).</p>
      <pre>\(SVGCanvas.escape(report.bestText))</pre>

      """
    for (name, svg) in out { html += "<h2>\(SVGCanvas.escape(name))</h2>\n" + svg }
    html += "</body></html>\n"
    out.append(("index.html", html))
    return out
  }
}
