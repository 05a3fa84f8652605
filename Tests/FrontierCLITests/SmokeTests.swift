import Testing
@testable import FrontierCLI

@Test func commandHasName() {
  #expect(FrontierCommand.configuration.commandName == "frontier")
}
