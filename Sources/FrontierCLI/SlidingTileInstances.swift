import FrontierStateSearch

/// One sliding-tile instance read from a file.
struct SlidingTileInstance: Sendable {
  var id: Int
  var optimal: Int?
  var line: Int
  var puzzle: SlidingTilePuzzle
}

/// Reads instance files: one instance per line, either `id optimal t0 … t(n-1)` (the
/// format of Korf's 100 instances) or the tiles alone; `#` starts a comment; blank lines
/// are skipped. The board is square unless `rows`/`columns` are given.
enum SlidingTileInstanceReader {
  static func parse(_ text: String, file: String, rows: Int? = nil, columns: Int? = nil) throws(InputError)
    -> [SlidingTileInstance]
  {
    var out: [SlidingTileInstance] = []
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      var numbers: [Int] = []
      var column = 1
      var tokenStart = 1
      var token = ""
      func flush() throws(InputError) {
        guard !token.isEmpty else { return }
        guard let v = Int(token) else {
          throw InputError(file: file, line: lineNumber, column: tokenStart, "expected an integer, found '\(token)'")
        }
        numbers.append(v)
        token = ""
      }
      for ch in line {
        if ch == " " || ch == "\t" || ch == "," || ch == "\r" {
          try flush()
        } else {
          if token.isEmpty { tokenStart = column }
          token.append(ch)
        }
        column += 1
      }
      try flush()
      if numbers.isEmpty { continue }
      let cells: Int
      if let r = rows, let c = columns {
        cells = r * c
      } else {
        cells = [4, 9, 16, 25].first { $0 == numbers.count || $0 + 2 == numbers.count } ?? -1
      }
      let tiles: [Int]
      var id = out.count + 1
      var optimal: Int? = nil
      if numbers.count == cells {
        tiles = numbers
      } else if numbers.count == cells + 2 {
        id = numbers[0]
        optimal = numbers[1]
        tiles = Array(numbers[2...])
      } else {
        let expect = cells > 0 ? "\(cells) tiles, or an id, the optimal length and \(cells) tiles" :
          "4, 9, 16 or 25 tiles (optionally preceded by an id and the optimal length)"
        throw InputError(file: file, line: lineNumber, "expected \(expect); found \(numbers.count) numbers")
      }
      let side = rows ?? Int(Double(cells).squareRoot())
      let cols = columns ?? side
      do {
        let p = try SlidingTilePuzzle(rows: side, columns: cols, tiles: tiles)
        out.append(SlidingTileInstance(id: id, optimal: optimal, line: lineNumber, puzzle: p))
      } catch {
        throw InputError(file: file, line: lineNumber, error.message)
      }
    }
    if out.isEmpty { throw InputError(file: file, "no instances found (expected one instance per line)") }
    return out
  }
}
