extension Study {
  /// Runs the objective on new trials, `jobs` at a time, until `trials` trials have run, the
  /// `timeout` has passed, the sampler is exhausted, or the calling task is cancelled
  /// (Optuna's `study.optimize` with `n_jobs`). With neither `trials` nor `timeout` it runs
  /// until cancelled.
  ///
  /// Each trial runs in a child task of a `TaskGroup`, with a sibling task beating its
  /// heartbeat every ``StudyOptions/heartbeatInterval``. The objective's result is told to
  /// the study; a thrown ``TrialPruned`` records the trial pruned, any other error records it
  /// failed with the error's description. On cancellation no new trial starts, and a trial
  /// whose objective throws after the cancellation is recorded failed with reason
  /// `"interrupted"` (that record is written from a fresh task, so storages that check
  /// cancellation still write it); a later `optimize` simply continues the study. At the
  /// timeout no new trial starts and running ones finish. A trial that the storage already
  /// finished (failed for a stale heartbeat by another worker) is skipped silently.
  ///
  /// - Parameters:
  ///   - trials: how many trials this call runs (`nil`: no limit).
  ///   - jobs: how many trials run at once (at least 1).
  ///   - timeout: stop starting trials after this long.
  ///   - progress: called after each finished trial (from the driving task, in order).
  ///   - objective: evaluates one trial; returns a `Double`, `[Double]` or ``TrialOutcome``.
  /// - Returns: how many trials ran and why it stopped.
  /// - Throws: storage errors (the run stops, running trials are recorded "interrupted").
  @discardableResult
  public func optimize<R: TrialResultConvertible>(
    trials: Int? = nil, jobs: Int = 1, timeout: Duration? = nil,
    progress: (@Sendable (StudyProgress) -> Void)? = nil,
    _ objective: @escaping @Sendable (inout Trial) async throws -> R
  ) async throws -> OptimizeSummary {
    guard jobs >= 1 else { throw StudyError.invalidArgument("jobs must be at least 1, got \(jobs)") }
    if let trials, trials < 0 { throw StudyError.invalidArgument("cannot run \(trials) trials") }
    if let timeout, timeout < .zero { throw StudyError.invalidArgument("timeout must not be negative") }
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = timeout.map { start + $0 }
    var best: (value: Double, number: Int)?
    if directions.count == 1, let b = try await bestTrial, let v = b.value { best = (v, b.number) }

    return try await withThrowingTaskGroup(of: (Int, TrialOutcome).self) { group in
      var started = 0
      var finished = 0
      var running = 0
      var stop: OptimizeStopReason?
      while true {
        // Fill free slots.
        while running < jobs, stop == nil {
          if Task.isCancelled {
            stop = .cancelled
          } else if let trials, started >= trials {
            stop = .trialLimit
          } else if let deadline, clock.now >= deadline {
            stop = .timeout
          } else {
            var want = jobs - running
            if let trials { want = Swift.min(want, trials - started) }
            let batch: [Trial]
            do {
              batch = try await ask(want)
            } catch where Task.isCancelled {
              // A storage that honours cancellation stopped the ask: stop like any cancellation.
              stop = .cancelled
              break
            }
            if batch.isEmpty { stop = .samplerExhausted }
            for trial in batch {
              started += 1
              running += 1
              group.addTask { (trial.number, await self.run(trial, objective)) }
            }
            if batch.count < want, stop == nil, running < jobs { stop = .samplerExhausted }
          }
        }
        guard let (number, outcome) = try await group.next() else { break }
        running -= 1
        finished += 1
        if case .complete(let values) = outcome, values.count == 1, !values[0].isNaN {
          if best == nil || directions[0].loss(values[0]) < directions[0].loss(best!.value) {
            best = (values[0], number)
          }
        }
        if let progress {
          let elapsed = Study.seconds(clock.now - start)
          let state: TrialState
          switch outcome {
          case .complete: state = .complete
          case .pruned: state = .pruned
          case .failed: state = .failed
          }
          progress(
            StudyProgress(
              trialsFinished: finished, lastTrial: number, lastState: state, bestValue: best?.value,
              bestTrial: best?.number, elapsed: elapsed, rate: elapsed > 0 ? Double(finished) / elapsed : 0))
        }
      }
      if Task.isCancelled { stop = .cancelled }
      return OptimizeSummary(trialsRun: finished, stopReason: stop ?? .trialLimit)
    }
  }

  /// Runs `body` while a child task refreshes trial `number`'s heartbeat every
  /// ``StudyOptions/heartbeatInterval`` (for ask/tell users evaluating a trial for longer
  /// than ``StudyOptions/staleAfter``, e.g. an external command). Heartbeat failures are
  /// ignored: a trial failed by another worker is discovered when it is told.
  public func withHeartbeat<T: Sendable>(number: Int, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { [storage, id, options] in
        while !Task.isCancelled {
          do { try await Task.sleep(for: options.heartbeatInterval) } catch { return }
          try? await storage.heartbeat(studyID: id, number: number, now: options.now())
        }
      }
      defer { group.cancelAll() }
      return try await body()
    }
  }

  /// Runs one trial with its heartbeat and records the outcome; never throws.
  func run<R: TrialResultConvertible>(
    _ trial: Trial, _ objective: @Sendable (inout Trial) async throws -> R
  ) async -> TrialOutcome {
    var trial = trial
    let number = trial.number
    var outcome: TrialOutcome
    do {
      outcome = try await withHeartbeat(number: number) { try await objective(&trial).trialOutcome }
    } catch is TrialPruned {
      outcome = .pruned
    } catch {
      outcome = Task.isCancelled || error is CancellationError ? .failed("interrupted") : .failed(String(describing: error))
    }
    if case .complete(let values) = outcome {
      if values.count != directions.count {
        outcome = .failed(StudyError.wrongValueCount(expected: directions.count, got: values.count).description)
      } else if values.contains(where: \.isNaN) {
        outcome = .failed("objective value is NaN")
      }
    }
    let final = outcome
    let record = { [self] in
      do { try await self.tell(number: number, final) } catch {
        // Finished elsewhere (stale heartbeat) or storage gone: nothing more to record.
      }
    }
    if Task.isCancelled {
      await Task { await record() }.value
    } else {
      await record()
    }
    return final
  }
}
