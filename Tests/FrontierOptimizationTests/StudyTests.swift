import FrontierCore
import FrontierOptimization
import PropertyBased
import Synchronization
import Testing

/// A uniform random sampler for these tests only (the real samplers live elsewhere).
struct UniformTestSampler: Sampler {
  var rng: SplitMix64
  init(seed: UInt64) { rng = SplitMix64(seed: seed) }
  var name: String { "test-uniform" }

  mutating func draw(_ d: Distribution) -> ParameterValue {
    switch d {
    case .float(let low, let high, _, _):
      return d.value(fromInternal: Double.random(in: low...high, using: &rng))
    case .int(let low, let high, _, _):
      return d.value(fromInternal: Double(Int.random(in: low...high, using: &rng)))
    case .categorical(let c):
      return c[Int.random(in: 0..<c.count, using: &rng)]
    case .fixed(let v):
      return v
    }
  }

  mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    (0..<count).map { _ in Proposal(space.makePoint { draw($0.distribution) }) }
  }

  mutating func sampleIndependent(_ parameter: ParameterSpec, point: Parameters, history: StudyHistory) -> ParameterValue {
    draw(parameter.distribution)
  }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
  let t = Mutex(1000.0)
  func now() -> Double { t.withLock { $0 } }
  func advance(_ s: Double) { t.withLock { $0 += s } }
}

@Suite struct StudyTests {
  static let conditionalSpace = try! SearchSpace([
    ParameterSpec("optimizer", .categorical([.string("sgd"), .string("adam")])),
    ParameterSpec("momentum", .float(low: 0, high: 0.99), when: .init(parameter: "optimizer", equals: .string("sgd"))),
    ParameterSpec("lr", .float(low: 1e-5, high: 1, log: true)),
  ])

  // MARK: in-memory storage semantics

  @Test func numbersAreGapFreeAndUniqueUnderConcurrentStarts() async throws {
    let storage = InMemoryStudyStorage()
    let info = try await storage.createStudy(name: "s", directions: [.minimize], userAttributes: [:], loadIfExists: false)
    // Some enqueued trials are taken first, the rest are new.
    for i in 0..<20 {
      _ = try await storage.enqueueTrial(studyID: info.id, parameters: ["i": .int(i)], distributions: [:], systemAttributes: [:])
    }
    let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<200 {
        group.addTask {
          try await storage.startTrial(studyID: info.id, parameters: [:], distributions: [:], systemAttributes: [:], now: 1).number
        }
      }
      var all: [Int] = []
      for try await n in group { all.append(n) }
      return all
    }
    #expect(numbers.sorted() == Array(0..<200))
    let trials = try await storage.trials(studyID: info.id, states: nil)
    #expect(trials.map(\.number) == Array(0..<200))
    #expect(trials.allSatisfy { $0.state == .running && $0.startedAt == 1 && $0.heartbeatAt == 1 })
    // The 20 waiting trials kept their own parameters.
    #expect(trials.prefix(20).map { $0.parameters["i"] } == (0..<20).map { ParameterValue.int($0) })
  }

  /// Random operation sequences against a plain model: numbers are 0..<n in creation order,
  /// a start takes the oldest waiting trial, a finished trial never changes, a stale trial
  /// is failed once.
  @Test func storageFollowsItsModelOnRandomOperations() async {
    await propertyCheck(count: 60, input: Gen.int(in: 0...5).array(of: 1...60), Gen.uint64()) { ops, seed in
      let storage = InMemoryStudyStorage()
      let id = try! await storage.createStudy(name: "m", directions: [.minimize], userAttributes: [:], loadIfExists: false).id
      var rng = SplitMix64(seed: seed)
      var model: [(state: TrialState, beat: Double, tag: Int)] = []
      var now = 0.0
      for (k, op) in ops.enumerated() {
        now += 1
        switch op {
        case 0:  // enqueue
          let n = try! await storage.enqueueTrial(studyID: id, parameters: ["k": .int(k)], distributions: [:], systemAttributes: [:])
          #expect(n == model.count)
          model.append((.waiting, 0, k))
        case 1:  // start
          let t = try! await storage.startTrial(studyID: id, parameters: ["k": .int(k)], distributions: [:], systemAttributes: [:], now: now)
          if let w = model.firstIndex(where: { $0.state == .waiting }) {
            #expect(t.number == w && t.parameters == ["k": .int(model[w].tag)])
            model[w].state = .running
            model[w].beat = now
          } else {
            #expect(t.number == model.count)
            model.append((.running, now, k))
          }
        case 2, 3:  // finish or beat some trial
          guard !model.isEmpty else { continue }
          let n = Int.random(in: 0..<model.count, using: &rng)
          do {
            if op == 2 {
              try await storage.finishTrial(studyID: id, number: n, outcome: .value(Double(k)), now: now)
            } else {
              try await storage.heartbeat(studyID: id, number: n, now: now)
            }
            #expect(model[n].state == .running)
            if op == 2 { model[n].state = .complete } else { model[n].beat = now }
          } catch {
            #expect(error as? StudyStorageError == .trialFinished(study: "m", number: n, state: model[n].state))
          }
        default:  // fail stale
          let failed = try! await storage.failStaleTrials(studyID: id, staleAfter: 3, now: now)
          let expected = model.indices.filter { model[$0].state == .running && model[$0].beat < now - 3 }
          #expect(failed.map(\.number) == expected)
          for i in expected { model[i].state = .failed }
        }
      }
      let stored = try! await storage.trials(studyID: id, states: nil)
      #expect(stored.map(\.number) == Array(model.indices))
      #expect(stored.map(\.state) == model.map(\.state))
    }
  }

  @Test func waitingTrialsAreTakenOldestFirstWithTheirParameters() async throws {
    let storage = InMemoryStudyStorage()
    let id = try await storage.createStudy(name: "s", directions: [.minimize], userAttributes: [:], loadIfExists: false).id
    let first = try await storage.startTrial(studyID: id, parameters: ["x": .int(0)], distributions: [:], systemAttributes: [:], now: 0)
    #expect(first.number == 0)
    let a = try await storage.enqueueTrial(studyID: id, parameters: ["x": .int(1)], distributions: [:], systemAttributes: ["k": "a"])
    let b = try await storage.enqueueTrial(studyID: id, parameters: ["x": .int(2)], distributions: [:], systemAttributes: [:])
    #expect((a, b) == (1, 2))
    let t1 = try await storage.startTrial(studyID: id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: ["k": "z"], now: 5)
    #expect(t1.number == 1 && t1.parameters == ["x": .int(1)] && t1.systemAttributes == ["k": "a"])
    let t2 = try await storage.startTrial(studyID: id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: [:], now: 5)
    #expect(t2.number == 2 && t2.parameters == ["x": .int(2)])
    let t3 = try await storage.startTrial(studyID: id, parameters: ["x": .int(9)], distributions: [:], systemAttributes: [:], now: 5)
    #expect(t3.number == 3 && t3.parameters == ["x": .int(9)])
  }

  @Test func finishedTrialsCannotChange() async throws {
    let storage = InMemoryStudyStorage()
    let id = try await storage.createStudy(name: "s", directions: [.minimize], userAttributes: [:], loadIfExists: false).id
    let t = try await storage.startTrial(studyID: id, parameters: [:], distributions: [:], systemAttributes: [:], now: 0)
    try await storage.reportIntermediate(studyID: id, number: t.number, step: 1, value: 0.5)
    try await storage.finishTrial(studyID: id, number: t.number, outcome: .value(3), now: 2)
    let finished = StudyStorageError.trialFinished(study: "s", number: 0, state: .complete)
    await #expect(throws: finished) { try await storage.finishTrial(studyID: id, number: 0, outcome: .value(1), now: 3) }
    await #expect(throws: finished) { try await storage.reportIntermediate(studyID: id, number: 0, step: 2, value: 1) }
    await #expect(throws: finished) { try await storage.heartbeat(studyID: id, number: 0, now: 3) }
    await #expect(throws: finished) {
      try await storage.setTrialParameter(studyID: id, number: 0, name: "x", value: .int(1), distribution: .int(low: 0, high: 1))
    }
    await #expect(throws: StudyStorageError.trialNotFound(study: "s", number: 7)) {
      try await storage.finishTrial(studyID: id, number: 7, outcome: .pruned, now: 3)
    }
    let rec = try await storage.trials(studyID: id, states: [.complete])
    #expect(rec.count == 1 && rec[0].values == [3] && rec[0].completedAt == 2 && rec[0].intermediateValues == [1: 0.5])
    // Attributes may still be written.
    try await storage.setTrialAttribute(studyID: id, number: 0, key: "note", value: "ok", system: false)
    #expect(try await storage.trials(studyID: id, states: nil)[0].userAttributes == ["note": "ok"])
  }

  @Test func studiesAreCreatedLoadedAndChecked() async throws {
    let storage = InMemoryStudyStorage()
    let a = try await storage.createStudy(name: "a", directions: [.maximize], userAttributes: ["x": "1"], loadIfExists: false)
    await #expect(throws: StudyStorageError.studyExists("a")) {
      try await storage.createStudy(name: "a", directions: [.maximize], userAttributes: [:], loadIfExists: false)
    }
    await #expect(throws: StudyStorageError.directionMismatch(study: "a", stored: [.maximize], requested: [.minimize])) {
      try await storage.createStudy(name: "a", directions: [.minimize], userAttributes: [:], loadIfExists: true)
    }
    #expect(try await storage.createStudy(name: "a", directions: [.maximize], userAttributes: [:], loadIfExists: true) == a)
    let b = try await storage.createStudy(name: "b", directions: [.minimize, .maximize], userAttributes: [:], loadIfExists: false)
    try await storage.setStudyAttribute(id: b.id, key: "k", value: "v")
    #expect(try await storage.study(named: "b")?.userAttributes == ["k": "v"])
    #expect(try await storage.allStudies().map(\.name) == ["a", "b"])
    try await storage.deleteStudy(id: a.id)
    #expect(try await storage.study(named: "a") == nil)
    await #expect(throws: StudyStorageError.studyNotFound("#\(a.id)")) { try await storage.deleteStudy(id: a.id) }
    await #expect(throws: StudyStorageError.studyNotFound("nope")) {
      try await Study.load(name: "nope", storage: storage, sampler: UniformTestSampler(seed: 1))
    }
  }

  @Test func staleTrialsFailOnceAndAreRetried() async throws {
    let storage = InMemoryStudyStorage()
    let clock = ManualClock()
    let options = StudyOptions(heartbeatInterval: .seconds(10), staleAfter: .seconds(60), maxRetries: 1, now: clock.now)
    let study = try await Study(
      name: "s", storage: storage, sampler: UniformTestSampler(seed: 3), space: Self.conditionalSpace, options: options)
    let dead = try await study.ask()[0]  // its worker "dies"
    let alive = try await study.ask()[0]
    clock.advance(50)
    try await study.heartbeat(number: alive.number)
    clock.advance(20)  // dead's heartbeat is 70 s old, alive's 20 s
    // Many workers look at once: exactly one of them fails the dead trial.
    let failedLists = try await withThrowingTaskGroup(of: [TrialRecord].self) { group in
      for _ in 0..<8 { group.addTask { try await study.recoverStaleTrials() } }
      var all: [[TrialRecord]] = []
      for try await f in group { all.append(f) }
      return all
    }
    #expect(failedLists.flatMap { $0 }.map(\.number) == [dead.number])
    let all = try await study.trials()
    #expect(all[dead.number].state == .failed && all[dead.number].failReason == InMemoryStudyStorage.staleHeartbeatReason)
    #expect(all[alive.number].state == .running)
    // One retry, waiting, with the same parameters.
    #expect(all.count == 3)
    let retry = all[2]
    #expect(retry.state == .waiting && retry.parameters == dead.parameters)
    #expect(retry.systemAttributes["retry_of"] == String(dead.number) && retry.systemAttributes["retry_count"] == "1")
    // The dead worker's late result is refused.
    await #expect(throws: StudyStorageError.trialFinished(study: "s", number: dead.number, state: .failed)) {
      try await study.tell(dead, .value(1))
    }
    // The next ask takes the retry; when it dies too, it is not retried again (maxRetries 1).
    let again = try await study.ask()[0]
    #expect(again.number == 2 && again.parameters == dead.parameters)
    try await study.tell(alive, .value(0.5))
    clock.advance(61)
    let second = try await study.ask()[0]
    let after = try await study.trials()
    #expect(after[2].state == .failed)
    #expect(second.number == 3 && after.count == 4 && after[3].systemAttributes["retry_of"] == nil)
  }

  @Test func badStudySettingsAreRejected() async throws {
    let storage = InMemoryStudyStorage()
    let sampler = UniformTestSampler(seed: 1)
    await #expect(throws: StudyError.invalidArgument("a study needs at least one direction")) {
      try await Study(name: "s", storage: storage, sampler: sampler, directions: [])
    }
    await #expect(throws: StudyError.invalidArgument("the heartbeat interval must be positive, got 0.0 seconds")) {
      try await Study(name: "s", storage: storage, sampler: sampler, options: StudyOptions(heartbeatInterval: .zero))
    }
    await #expect(throws: StudyError.invalidArgument("staleness (5.0 seconds) must exceed the heartbeat interval (10.0 seconds)")) {
      try await Study(name: "s", storage: storage, sampler: sampler, options: StudyOptions(staleAfter: .seconds(5)))
    }
    await #expect(throws: StudyError.invalidArgument("max retries must not be negative, got -1")) {
      try await Study.load(name: "s", storage: storage, sampler: sampler, options: StudyOptions(maxRetries: -1))
    }
    await #expect(throws: StudyError.invalidArgument("timeout must not be negative")) {
      try await Study(name: "s", storage: storage, sampler: sampler).optimize(timeout: .seconds(-1)) { _ in 0.0 }
    }
  }

  @Test func aDeadWorkersTrialIsRetriedByTheNextOptimize() async throws {
    let storage = InMemoryStudyStorage()
    let clock = ManualClock()
    let options = StudyOptions(heartbeatInterval: .seconds(10), staleAfter: .seconds(60), maxRetries: 2, now: clock.now)
    let crashed = try await Study(name: "r", storage: storage, sampler: UniformTestSampler(seed: 1), options: options)
    var lost = try await crashed.ask()[0]
    let x = try await lost.suggestFloat("x", 0, 1)
    let k = try await lost.suggestInt("k", 1, 9)
    clock.advance(61)  // the worker died without a word
    let survivor = try await Study(name: "r", storage: storage, sampler: UniformTestSampler(seed: 2), options: options)
    try await survivor.optimize(trials: 2) { trial in
      let a = try await trial.suggestFloat("x", 0, 1)
      let b = try await trial.suggestInt("k", 1, 9)
      return a + Double(b)
    }
    let t = try await storage.trials(studyID: survivor.id, states: nil)
    #expect(t.map(\.state) == [.failed, .complete, .complete])
    #expect(t[1].parameters == ["x": .float(x), "k": .int(k)] && t[1].value == x + Double(k))
    #expect(t[1].systemAttributes == ["retry_of": "0", "retry_count": "1"])
  }

  // MARK: ask / tell

  @Test func askFillsTheExplicitSpaceAndTellRecords() async throws {
    let study = try await Study(
      name: "s", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 9), space: Self.conditionalSpace)
    let batch = try await study.ask(6)
    #expect(batch.map(\.number) == Array(0..<6))
    for t in batch { #expect(Self.conditionalSpace.contains(t.parameters)) }
    let stored = try await study.trials()
    #expect(stored.map(\.parameters) == batch.map(\.parameters))
    #expect(stored.allSatisfy { $0.distributions.keys.sorted() == $0.parameters.keys.sorted() })
    for (i, t) in batch.enumerated() { try await study.tell(t, .value(Double(10 - i))) }
    #expect(try await study.bestTrial?.number == 5)
    await #expect(throws: StudyError.invalidArgument("cannot ask for -1 trials")) { try await study.ask(-1) }
  }

  @Test func wrongValueCountAndNaNRecordFailedTrials() async throws {
    let study = try await Study(name: "s", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 1), space: Self.conditionalSpace)
    let t = try await study.ask(2)
    await #expect(throws: StudyError.wrongValueCount(expected: 1, got: 2)) { try await study.tell(t[0], .complete([1, 2])) }
    try await study.tell(t[1], .value(.nan))
    let rec = try await study.trials()
    #expect(rec.map(\.state) == [.failed, .failed])
    #expect(rec[1].failReason == "objective value is NaN")
    #expect(try await study.bestTrial == nil)
  }

  @Test func enqueuedPointsRunFirst() async throws {
    let study = try await Study(name: "s", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 2), space: Self.conditionalSpace)
    let fixed: Parameters = ["optimizer": .string("adam"), "lr": .float(0.01)]
    #expect(try await study.enqueue(fixed) == 0)
    let t = try await study.ask(2)
    #expect(t[0].parameters == fixed && t[0].systemAttributes["enqueued"] == "true")
    #expect(t[1].number == 1)
  }

  @Test func multiObjectiveParetoFront() async throws {
    let study = try await Study(
      name: "m", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 2), directions: [.minimize, .maximize],
      space: Self.conditionalSpace)
    let t = try await study.ask(4)
    try await study.tell(t[0], .complete([1, 1]))
    try await study.tell(t[1], .complete([2, 3]))  // not dominated
    try await study.tell(t[2], .complete([2, 0]))  // dominated by 0
    try await study.tell(t[3], .complete([0, 1]))  // dominates 0
    #expect(try await study.bestTrials.map(\.number) == [1, 3])
    await #expect(throws: StudyError.multiObjective) { try await study.bestTrial }
  }

  // MARK: define-by-run

  @Test func conditionalParametersAppearOnlyWhenTheirConditionHolds() async throws {
    let study = try await Study(name: "dbr", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 4))
    try await study.optimize(trials: 40) { trial in
      let opt = try await trial.suggestCategorical("optimizer", ["sgd", "adam"])
      var loss = try await trial.suggestFloat("lr", 1e-5, 1, log: true)
      if opt == "sgd" { loss += try await trial.suggestFloat("momentum", 0, 0.99) }
      let layers = try await trial.suggestInt("layers", 1, 8, step: 1)
      try await trial.setUserAttribute("layers-was", String(layers))
      return loss
    }
    let trials = try await study.trials()
    #expect(trials.count == 40 && trials.allSatisfy { $0.state == .complete })
    for t in trials {
      #expect(Self.conditionalSpace.contains(t.parameters.filter { $0.key != "layers" }))
      #expect((t.parameters["momentum"] != nil) == (t.parameters["optimizer"] == .string("sgd")))
      #expect(t.userAttributes["layers-was"] == t.parameters["layers"]?.description)
    }
    #expect(Set(trials.compactMap { $0.parameters["optimizer"] }).count == 2)
    // The inferred space is what every trial has: momentum is conditional, so it is out.
    let inferred = Study.intersectionSearchSpace(try await study.history())
    #expect(inferred.parameters.map(\.name) == ["layers", "lr", "optimizer"])
  }

  /// Proposes the midpoint of every parameter of the relative space, and a marker value for
  /// independent samples, recording the spaces it was asked about.
  struct MarkerSampler: Sampler {
    final class Log: Sendable { let spaces = Mutex<[[String]]>([]) }
    let log = Log()
    var name: String { "marker" }
    func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
      log.spaces.withLock { $0.append(space.parameters.map(\.name)) }
      return (0..<count).map { _ in
        Proposal(space.makePoint { p in
          guard case .float(let lo, let hi, _, _) = p.distribution else { return p.distribution.value(fromInternal: 0) }
          return .float((lo + hi) / 2)
        })
      }
    }
    func sampleIndependent(_ parameter: ParameterSpec, point: Parameters, history: StudyHistory) -> ParameterValue {
      guard case .float(let lo, _, _, _) = parameter.distribution else { return parameter.distribution.value(fromInternal: 0) }
      return .float(lo)
    }
  }

  @Test func relativeProposalsCoverTheIntersectionSpace() async throws {
    let sampler = MarkerSampler()
    let study = try await Study(name: "r", storage: InMemoryStudyStorage(), sampler: sampler)
    // Trial 0: nothing is known, so every value is independent (the low end).
    try await study.optimize(trials: 1) { trial in
      try await trial.suggestFloat("x", 0, 4) + trial.suggestFloat("y", 0, 2)
    }
    // Trials 1, 2: x and y are in every complete trial, so they come from the proposal
    // (midpoints); z is new, and x with another range no longer matches the space.
    try await study.optimize(trials: 1) { trial in
      try await trial.suggestFloat("x", 0, 4) + trial.suggestFloat("y", 0, 2) + trial.suggestFloat("z", 10, 20)
    }
    try await study.optimize(trials: 1) { trial in try await trial.suggestFloat("x", 1, 4) }
    let t = try await study.trials()
    #expect(t[0].parameters == ["x": .float(0), "y": .float(0)])
    #expect(t[1].parameters == ["x": .float(2), "y": .float(1), "z": .float(10)])
    #expect(t[2].parameters == ["x": .float(1)])
    #expect(sampler.log.spaces.withLock { $0 } == [[], ["x", "y"], ["x", "y"]])
  }

  @Test func cachedIntersectionEqualsTheFullRecomputation() async {
    // Trials finish out of order, some fail, some parameters come and go.
    await propertyCheck(count: 40, input: Gen.uint64()) { seed in
      var rng = SplitMix64(seed: seed)
      let study = try! await Study(name: "i", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: seed))
      var open: [Trial] = []
      for _ in 0..<30 {
        if open.isEmpty || Bool.random(using: &rng) {
          var t = try! await study.ask()[0]
          _ = try! await t.suggestFloat("always", 0, 1)
          if Int.random(in: 0..<5, using: &rng) > 0 { _ = try! await t.suggestInt("often", 0, 3) }
          _ = try! await t.suggestInt("range", 0, Bool.random(using: &rng) ? 5 : 6)
          open.append(t)
        } else {
          let t = open.remove(at: Int.random(in: 0..<open.count, using: &rng))
          try! await study.tell(t, Int.random(in: 0..<4, using: &rng) == 0 ? .failed("x") : .value(1))
        }
        let history = try! await study.history()
        #expect(study.relativeSearchSpace(history) == Study.intersectionSearchSpace(history))
      }
    }
  }

  @Test func resuggestingIsStableOrAnError() async throws {
    let study = try await Study(name: "s", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 5))
    var trial = try await study.ask()[0]
    let a = try await trial.suggestFloat("x", 0, 1)
    #expect(try await trial.suggestFloat("x", 0, 1) == a)
    await #expect(throws: StudyError.distributionMismatch(
      parameter: "x", stored: .float(low: 0, high: 1), requested: .float(low: 0, high: 2))) {
      _ = try await trial.suggestFloat("x", 0, 2)
    }
    await #expect(throws: SearchSpaceError(parameter: "y", reason: "empty range: low 3 > high 1")) {
      _ = try await trial.suggestInt("y", 3, 1)
    }
    await #expect(throws: SearchSpaceError.self) { _ = try await trial.suggestFloat("z", 0, 1, log: true) }
    // Persisted at once.
    #expect(try await study.trials()[0].parameters == ["x": .float(a)])
    // An enqueued value outside the requested distribution is an error.
    try await study.enqueue(["w": .int(50)])
    var fixed = try await study.ask()[0]
    #expect(fixed.parameters == ["w": .int(50)])
    await #expect(throws: StudyError.fixedValueOutside(parameter: "w", value: .int(50), distribution: .int(low: 0, high: 9))) {
      _ = try await fixed.suggestInt("w", 0, 9)
    }
    #expect(try await fixed.suggestInt("w", 0, 99) == 50)
  }

  @Test func definedByRunStaysInsideItsDistributions() async {
    await propertyCheck(count: 30, input: Gen.uint64()) { seed in
      let study = try! await Study(name: "p", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: seed))
      try! await study.optimize(trials: 5) { trial in
        let i = try await trial.suggestInt("i", -3, 17, step: 4)
        let f = try await trial.suggestFloat("f", 0.5, 2, step: 0.25)
        let g = try await trial.suggestFloat("g", 1e-3, 10, log: true)
        #expect((i + 3) % 4 == 0 && (-3...17).contains(i))
        #expect((0.5...2).contains(f) && ((f - 0.5) / 0.25).rounded() * 0.25 + 0.5 == f)
        #expect((1e-3...10).contains(g))
        return Double(i) + f + g
      }
    }
  }

  // MARK: optimize

  @Test func optimizeRunsJobsConcurrentlyAndRecordsErrors() async throws {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
    let study = try await Study(name: "o", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 6))
    let inFlight = Mutex((now: 0, peak: 0))
    let progressCount = Mutex(0)
    let summary = try await study.optimize(trials: 24, jobs: 4, progress: { p in
      progressCount.withLock { $0 += 1 }
      #expect(p.trialsFinished >= 1 && p.rate >= 0)
    }) { trial in
      inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
      defer { inFlight.withLock { $0.now -= 1 } }
      let x = try await trial.suggestFloat("x", -1, 1)
      try await Task.sleep(for: .milliseconds(5))
      if trial.number % 5 == 0 { throw Boom() }
      if trial.number % 7 == 0 { throw TrialPruned() }
      return TrialOutcome.value(x * x)
    }
    #expect(summary == OptimizeSummary(trialsRun: 24, stopReason: .trialLimit))
    #expect(progressCount.withLock { $0 } == 24)
    #expect((2...4).contains(inFlight.withLock { $0.peak }))  // concurrent, never above jobs
    let trials = try await study.trials()
    #expect(trials.map(\.number) == Array(0..<24))
    for t in trials {
      if t.number % 5 == 0 {
        #expect(t.state == .failed && t.failReason == "boom")
      } else if t.number % 7 == 0 {
        #expect(t.state == .pruned)
      } else {
        #expect(t.state == .complete && t.value == t.parameters["x"]!.doubleValue! * t.parameters["x"]!.doubleValue!)
      }
    }
    await #expect(throws: StudyError.invalidArgument("jobs must be at least 1, got 0")) {
      try await study.optimize(trials: 1, jobs: 0) { _ in 0.0 }
    }
    await #expect(throws: StudyError.invalidArgument("cannot run -2 trials")) {
      try await study.optimize(trials: -2) { _ in 0.0 }
    }
  }

  @Test func severalWorkersShareOneStudyWithoutLosingOrDuplicatingTrials() async throws {
    let storage = InMemoryStudyStorage()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for w in 0..<4 {
        group.addTask {
          let study = try await Study(name: "shared", storage: storage, sampler: UniformTestSampler(seed: UInt64(w)))
          try await study.optimize(trials: 25, jobs: 2) { trial in
            let x = try await trial.suggestFloat("x", -1, 1)
            try await trial.setUserAttribute("worker", String(w))
            return x * x
          }
        }
      }
      try await group.waitForAll()
    }
    let trials = try await storage.trials(studyID: try #require(try await storage.study(named: "shared")).id, states: nil)
    #expect(trials.map(\.number) == Array(0..<100))
    #expect(trials.allSatisfy { $0.state == .complete && $0.value == $0.parameters["x"]!.doubleValue! * $0.parameters["x"]!.doubleValue! })
    #expect(Dictionary(grouping: trials) { $0.userAttributes["worker"]! }.mapValues(\.count) == ["0": 25, "1": 25, "2": 25, "3": 25])
  }

  @Test func optimizeBeatsHeartbeatsOfLongTrials() async throws {
    let clock = ManualClock()
    let options = StudyOptions(heartbeatInterval: .milliseconds(5), staleAfter: .seconds(60), now: clock.now)
    let study = try await Study(name: "h", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 6), options: options)
    try await study.optimize(trials: 1) { trial in
      let start = try await study.trials()[trial.number].heartbeatAt
      clock.advance(30)
      // The heartbeat task beats every 5 ms; wait for it (bounded, for loaded machines).
      var later: Double?
      for _ in 0..<1000 {
        later = try await study.trials()[trial.number].heartbeatAt
        if later == 1030 { break }
        try await Task.sleep(for: .milliseconds(10))
      }
      #expect(start == 1000 && later == 1030)
      return 1.0
    }
  }

  @Test func cancellationRecordsInterruptedTrialsAndTheStudyResumes() async throws {
    let storage = InMemoryStudyStorage()
    let study = try await Study(name: "c", storage: storage, sampler: UniformTestSampler(seed: 7))
    let started = AsyncStream<Int>.makeStream()
    let run = Task {
      try await study.optimize(jobs: 2) { trial in
        let x = try await trial.suggestFloat("x", 0, 1)
        if trial.number >= 3 {
          started.continuation.yield(trial.number)
          try await Task.sleep(for: .seconds(60))  // throws when cancelled
        }
        return x
      }
    }
    var seen = 0
    for await _ in started.stream {
      seen += 1
      if seen == 2 { break }
    }
    run.cancel()
    let summary = try await run.value
    #expect(summary.stopReason == .cancelled)
    let trials = try await study.trials()
    #expect(trials.prefix(3).allSatisfy { $0.state == .complete })
    #expect(trials.dropFirst(3).allSatisfy { $0.state == .failed && $0.failReason == "interrupted" })
    #expect(trials.count == 5)
    // Resume: numbering continues.
    let resumed = try await Study(name: "c", storage: storage, sampler: UniformTestSampler(seed: 8))
    try await resumed.optimize(trials: 2) { trial in try await trial.suggestFloat("x", 0, 1) }
    #expect(try await resumed.trials().map(\.number) == Array(0..<7))
  }

  @Test func timeoutStopsStartingTrials() async throws {
    let study = try await Study(name: "t", storage: InMemoryStudyStorage(), sampler: UniformTestSampler(seed: 7))
    let summary = try await study.optimize(timeout: .milliseconds(200)) { trial in
      try await Task.sleep(for: .milliseconds(10))
      return try await trial.suggestFloat("x", 0, 1)
    }
    #expect(summary.stopReason == .timeout && summary.trialsRun >= 1 && summary.trialsRun < 200)
  }
}
