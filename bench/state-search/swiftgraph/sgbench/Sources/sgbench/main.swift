// sgbench: times SwiftGraph 4.0.0's Dijkstra on one MovingAI map and its
// scenarios, as a general-purpose Swift graph library reference for Frontier.
//
// Usage: sgbench [--count N] MAP SCEN      (N defaults to 200)
//
// The passable cells ('.', 'G', 'S') become the vertices of a
// WeightedGraph<Int, Double> (vertex value = row-major cell index); edges join
// 8-connected neighbours, cost 1 orthogonally and sqrt(2) diagonally, with no
// corner cutting (a diagonal edge needs both orthogonal neighbours passable).
// For each of the first N scenarios whose optimal length is not 0, SwiftGraph's
// dijkstra(root:startDistance:) runs from the start vertex (it settles the whole
// reachable graph; it has no early exit at a goal) and the distance to the goal
// is checked against the optimal length.
//
// Output, one JSON line per scenario and a summary line:
//   {"index":i,"cost":C,"optimal":O,"seconds":S}
//   {"summary":true,"count":N,"seconds_total":T,"graph_build_seconds":B,"mismatches":M}

import Foundation
import SwiftGraph

struct GridMap {
    var width = 0
    var height = 0
    var passable: [Bool] = []

    func open(_ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height && passable[y * width + x]
    }
}

struct Scenario {
    var index: Int
    var sx: Int, sy: Int, gx: Int, gy: Int
    var optimal: Double
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sgbench: \(message)\n".utf8))
    exit(1)
}

func readLines(_ path: String) -> [Substring] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("cannot read \(path)")
    }
    return text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
}

func loadMap(_ path: String) -> GridMap {
    var map = GridMap()
    let lines = readLines(path)
    var row = -1
    for (i, line) in lines.enumerated() {
        if line.hasPrefix("height ") { map.height = Int(line.dropFirst(7)) ?? 0 }
        else if line.hasPrefix("width ") { map.width = Int(line.dropFirst(6)) ?? 0 }
        else if line == "map" { row = i + 1; break }
    }
    guard row > 0, map.width > 0, map.height > 0, lines.count >= row + map.height else {
        fail("bad map \(path)")
    }
    map.passable.reserveCapacity(map.width * map.height)
    for y in 0..<map.height {
        let cells = Array(lines[row + y].utf8)
        guard cells.count >= map.width else { fail("\(path): row \(y) is short") }
        for x in 0..<map.width {
            let c = cells[x]
            map.passable.append(c == UInt8(ascii: ".") || c == UInt8(ascii: "G") || c == UInt8(ascii: "S"))
        }
    }
    return map
}

func loadScenarios(_ path: String) -> [Scenario] {
    var result: [Scenario] = []
    for line in readLines(path) where !line.isEmpty && !line.hasPrefix("version") {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard f.count == 9, let sx = Int(f[4]), let sy = Int(f[5]), let gx = Int(f[6]),
              let gy = Int(f[7]), let optimal = Double(f[8]) else {
            fail("\(path): bad scenario line: \(line)")
        }
        result.append(Scenario(index: result.count, sx: sx, sy: sy, gx: gx, gy: gy, optimal: optimal))
    }
    return result
}

/// Runs SwiftGraph's Dijkstra from the vertex at `rootIndex`. With V = Int the
/// two overloads dijkstra(root: Int, ...) and dijkstra(root: V, ...) clash; in
/// this generic context only the index-based one applies.
func dijkstraDistances<V>(_ graph: WeightedGraph<V, Double>, rootIndex: Int) -> [Double?] {
    graph.dijkstra(root: rootIndex, startDistance: 0.0).0
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

// ------------------------------------------------------------------ main

var count = 200
var positional: [String] = []
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    if a == "--count" {
        guard let v = args.popFirst(), let n = Int(v), n >= 0 else { fail("--count needs a number") }
        count = n
    } else if a.hasPrefix("-") {
        fail("unknown option \(a)\nusage: sgbench [--count N] MAP SCEN")
    } else {
        positional.append(a)
    }
}
guard positional.count == 2 else { fail("usage: sgbench [--count N] MAP SCEN") }

let map = loadMap(positional[0])
let scenarios = loadScenarios(positional[1]).filter { $0.optimal != 0 }.prefix(count)
let clock = ContinuousClock()

// Build the graph.
let buildStart = clock.now
let graph = WeightedGraph<Int, Double>()
var vertexOf = [Int](repeating: -1, count: map.width * map.height)
for cell in 0..<(map.width * map.height) where map.passable[cell] {
    vertexOf[cell] = graph.addVertex(cell)
}
let diagonal = 2.0.squareRoot()
for y in 0..<map.height {
    for x in 0..<map.width where map.open(x, y) {
        let u = vertexOf[y * map.width + x]
        let right = map.open(x + 1, y), left = map.open(x - 1, y), down = map.open(x, y + 1)
        // Each undirected edge once: to the right, down, down-right, down-left.
        if right { graph.addEdge(fromIndex: u, toIndex: vertexOf[y * map.width + x + 1], weight: 1.0, directed: false) }
        if down { graph.addEdge(fromIndex: u, toIndex: vertexOf[(y + 1) * map.width + x], weight: 1.0, directed: false) }
        if right && down && map.open(x + 1, y + 1) {
            graph.addEdge(fromIndex: u, toIndex: vertexOf[(y + 1) * map.width + x + 1], weight: diagonal, directed: false)
        }
        if left && down && map.open(x - 1, y + 1) {
            graph.addEdge(fromIndex: u, toIndex: vertexOf[(y + 1) * map.width + x - 1], weight: diagonal, directed: false)
        }
    }
}
let buildSeconds = seconds(clock.now - buildStart)

var total = 0.0
var mismatches = 0
for s in scenarios {
    guard map.open(s.sx, s.sy), map.open(s.gx, s.gy) else {
        fail("scenario \(s.index): start or goal is blocked")
    }
    let root: Int = vertexOf[s.sy * map.width + s.sx]
    let goal = vertexOf[s.gy * map.width + s.gx]
    let t0 = clock.now
    let distances = dijkstraDistances(graph, rootIndex: root)
    let cost = distances[goal]
    let dt = seconds(clock.now - t0)
    total += dt
    var costText = "null"
    if let c = cost {
        costText = "\(c)"
        if abs(c - s.optimal) > 1e-5 * s.optimal + 1e-4 { mismatches += 1 }
    } else {
        mismatches += 1
    }
    print("{\"index\":\(s.index),\"cost\":\(costText),\"optimal\":\(s.optimal),\"seconds\":\(dt)}")
}
print("{\"summary\":true,\"count\":\(scenarios.count),\"seconds_total\":\(total),"
      + "\"graph_build_seconds\":\(buildSeconds),\"mismatches\":\(mismatches)}")
if mismatches > 0 {
    FileHandle.standardError.write(Data("sgbench: \(mismatches) mismatches\n".utf8))
    exit(1)
}
