import Testing

/// Records an issue only when `condition` is false. Cheaper than `#expect` in loops that
/// run many thousand times in a debug build.
func check(
  _ condition: Bool, _ message: @autoclosure () -> String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if !condition { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
}
