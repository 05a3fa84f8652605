import FrontierOptimization
import Testing

@Suite struct SearchSpaceTests {
  @Test func conditionalParameterIsActiveOnlyForItsChoice() throws {
    let space = try SearchSpace([
      ParameterSpec("optimizer", .categorical([.string("sgd"), .string("adam")])),
      ParameterSpec("momentum", .float(low: 0, high: 0.99), when: .init(parameter: "optimizer", equals: .string("sgd"))),
    ])
    #expect(space.contains(["optimizer": .string("sgd"), "momentum": .float(0.5)]))
    #expect(space.contains(["optimizer": .string("adam")]))
    #expect(!space.contains(["optimizer": .string("adam"), "momentum": .float(0.5)]))
    #expect(!space.contains(["optimizer": .string("sgd")]))
  }

  @Test func badSpacesAreRejectedWithTheReason() {
    #expect(throws: SearchSpaceError(parameter: "x", reason: "empty range: low 2.0 > high 1.0")) {
      try SearchSpace([ParameterSpec("x", .float(low: 2, high: 1))])
    }
    #expect(throws: SearchSpaceError(parameter: "lr", reason: "log range must be positive, got low 0.0")) {
      try SearchSpace([ParameterSpec("lr", .float(low: 0, high: 1, log: true))])
    }
    #expect(throws: SearchSpaceError(parameter: "x", reason: "duplicate name")) {
      try SearchSpace([ParameterSpec("x", .int(low: 0, high: 3)), ParameterSpec("x", .int(low: 0, high: 3))])
    }
    #expect(throws: SearchSpaceError(parameter: "y", reason: "condition on unknown parameter 'z'")) {
      try SearchSpace([ParameterSpec("y", .int(low: 0, high: 3), when: .init(parameter: "z", equals: .int(1)))])
    }
  }

  @Test func internalRepresentationRoundTrips() {
    let d = Distribution.int(low: 2, high: 20, step: 3)
    #expect(d.value(fromInternal: 7.4) == .int(8))
    #expect(d.value(fromInternal: 100) == .int(20))
    #expect(d.cardinality == 7)
    let c = Distribution.categorical([.string("a"), .bool(true), .float(1.5)])
    #expect(c.internalValue(of: .bool(true)) == 1)
    #expect(c.value(fromInternal: 2.2) == .float(1.5))
  }
}
