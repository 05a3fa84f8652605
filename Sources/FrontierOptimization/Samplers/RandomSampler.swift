import FrontierCore
import RealModule

/// Independent uniform sampling (Bergstra & Bengio, "Random Search for Hyper-Parameter
/// Optimization", JMLR 2012), Optuna's `RandomSampler`.
///
/// Floats are uniform in `[low, high]` (log-uniform for `log` distributions), stepped floats
/// and integers uniform over their grid (log integers log-uniform over `[low - 0.5,
/// high + 0.5]` then rounded, as Optuna does), categoricals uniform over the choices.
/// Conditional parameters are drawn only when active (`SearchSpace.makePoint`).
///
/// Complexity: O(d) per point for d parameters. Ignores the history, so it is also the
/// warm-up of TPE, the initial population of regularized evolution and the fallback of
/// every other sampler.
public struct RandomSampler: Sampler {
  public var name: String { "random" }
  internal var rng: Xoshiro256StarStar

  /// A sampler whose stream is fixed by `seed`.
  public init(seed: UInt64 = 0) { rng = Xoshiro256StarStar(seed: seed) }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    var out: [Proposal] = []
    out.reserveCapacity(count)
    for _ in 0..<max(0, count) {
      out.append(Proposal(space.makePoint { $0.distribution.sample(unit: rng.unitDouble()) }))
    }
    return out
  }

  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }
}

extension RandomNumberGenerator {
  /// A uniform double in `[0, 1)` with 53 random bits.
  @inline(__always)
  mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// A standard normal deviate (Box–Muller; one of the pair is discarded to keep the
  /// generator state the only state).
  mutating func standardNormal() -> Double {
    let u1 = 1.0 - unitDouble()  // (0, 1]
    let u2 = unitDouble()
    return (-2.0 * Double.log(u1)).squareRoot() * Double.cos(2.0 * Double.pi * u2)
  }

  /// A uniform integer in `0..<n` (`n > 0`).
  @inline(__always)
  mutating func index(below n: Int) -> Int { Int(next(upperBound: UInt64(n))) }
}

extension Distribution {
  /// The value at position `u` in `[0, 1)` of the unit interval: the inverse of a uniform
  /// (log-uniform for `log`) distribution over the parameter's values. Random and quasi-random
  /// samplers map their unit coordinates through this.
  func sample(unit u: Double) -> ParameterValue {
    switch self {
    case .float(let low, let high, let log, let step):
      if let step {
        let n = Int(((high - low) / step + 1e-9).rounded(.down)) + 1
        let k = Swift.min(Int(u * Double(n)), n - 1)
        return value(fromInternal: low + Double(k) * step)
      }
      if log {
        let a = Double.log(low), b = Double.log(high)
        return .float(Swift.min(Swift.max(Double.exp(a + u * (b - a)), low), high))
      }
      return .float(Swift.min(low + u * (high - low), high))
    case .int(let low, let high, let log, let step):
      if log {
        let a = Double.log(Double(low) - 0.5), b = Double.log(Double(high) + 0.5)
        return value(fromInternal: Double.exp(a + u * (b - a)))
      }
      let n = (high - low) / step + 1
      return .int(low + Swift.min(Int(u * Double(n)), n - 1) * step)
    case .categorical(let choices):
      return choices[Swift.min(Int(u * Double(choices.count)), choices.count - 1)]
    case .fixed(let v):
      return v
    }
  }

  /// The sampling-space coordinate of an internal value: `log` of it for log distributions,
  /// itself otherwise (TPE, evolution and CMA-ES work in this space).
  func warped(_ internalValue: Double) -> Double { isLog ? Double.log(internalValue) : internalValue }
}
