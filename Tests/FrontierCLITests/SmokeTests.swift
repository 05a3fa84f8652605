import Testing
@testable import FrontierCLI

@Test func mainEntryExists() {
  _ = FrontierMain.self
}
