import FrontierCore

/// A Sobol sequence (Sobol' 1967; Bratley & Fox, ACM TOMS 659, 1988) in any number of
/// dimensions, optionally scrambled by Matoušek's random linear scramble plus a digital shift
/// (Matoušek, "On the L2-discrepancy for anchored boxes", J. Complexity 1998; Owen 1998),
/// which keeps the (t, m, s)-net structure.
///
/// Dimension 0 is the van der Corput sequence in base 2; dimension j ≥ 1 uses the j-th
/// primitive polynomial over GF(2) in order of degree (x + 1, x² + x + 1, x³ + x + 1, ...),
/// found at construction by testing that x has order 2^s − 1 modulo the polynomial.
/// Its initial direction numbers m_1..m_s are odd numbers below 2^k drawn from a fixed
/// SplitMix64 stream (m_1 = 1), which makes a valid Sobol sequence but not Joe & Kuo's
/// optimised one: low-dimensional projections of high dimensions may be less uniform than
/// scipy's, which scrambling mitigates. Points have 32-bit precision; index < 2^32.
///
/// Complexity: O(d · s_max) to build, O(d · 32) per point.
public struct SobolSequence: Sendable, Hashable {
  public let dimension: Int
  /// 32 direction numbers per dimension, scrambled when a seed was given.
  var directions: [UInt32]
  var shifts: [UInt32]

  /// The first `dimension` coordinates; scrambled when `scrambleSeed` is not `nil`.
  public init(dimension: Int, scrambleSeed: UInt64? = nil) {
    self.dimension = dimension
    directions = []
    directions.reserveCapacity(dimension * 32)
    let polys = Self.primitivePolynomials(count: Swift.max(0, dimension - 1))
    for j in 0..<dimension {
      var m = [UInt32](repeating: 1, count: 33)  // m[1...32]
      if j > 0 {
        let poly = polys[j - 1]
        let s = 63 - poly.leadingZeroBitCount
        var stream = SplitMix64(seed: 0x5EED_5EED_0000 &+ UInt64(j))
        for k in 1...s where k >= 2 { m[k] = UInt32(truncatingIfNeeded: stream.next() % (1 << UInt64(k))) | 1 }
        if s < 32 {
          for k in (s + 1)...32 {
            var v = m[k - s] ^ (m[k - s] << UInt32(s))
            for i in 1..<s where (poly >> UInt64(s - i)) & 1 == 1 { v ^= m[k - i] << UInt32(i) }
            m[k] = v
          }
        }
      }
      for k in 1...32 { directions.append(m[k] << UInt32(32 - k)) }
    }
    shifts = [UInt32](repeating: 0, count: dimension)
    guard let seed = scrambleSeed else { return }
    var rng = Xoshiro256StarStar(seed: seed)
    for j in 0..<dimension {
      // Lower-triangular matrix with unit diagonal, rows as masks over the digits
      // (digit r is bit 31 - r).
      var rows = [UInt32](repeating: 0, count: 32)
      for r in 0..<32 {
        let above: UInt32 = r == 0 ? 0 : ~((UInt32(1) << UInt32(32 - r)) &- 1)
        rows[r] = (UInt32(1) << UInt32(31 - r)) | (UInt32(truncatingIfNeeded: rng.next()) & above)
      }
      for k in 0..<32 {
        let v = directions[j * 32 + k]
        var w: UInt32 = 0
        for r in 0..<32 where (rows[r] & v).nonzeroBitCount & 1 == 1 { w |= UInt32(1) << UInt32(31 - r) }
        directions[j * 32 + k] = w
      }
      shifts[j] = UInt32(truncatingIfNeeded: rng.next())
    }
  }

  /// Point `index` of the sequence, written to `out` (`dimension` coordinates in `[0, 1)`).
  public func point(_ index: Int, into out: inout [Double]) {
    out.removeAll(keepingCapacity: true)
    let i = UInt32(truncatingIfNeeded: index)
    for j in 0..<dimension {
      var x = shifts[j]
      var bits = i
      var k = j * 32
      while bits != 0 {
        if bits & 1 == 1 { x ^= directions[k] }
        bits >>= 1
        k += 1
      }
      out.append(Double(x) * 0x1.0p-32)
    }
  }

  /// The first `count` primitive polynomials over GF(2) of degree ≥ 1, by degree then value,
  /// as bit masks (bit s and bit 0 set).
  public static func primitivePolynomials(count: Int) -> [UInt64] {
    var out: [UInt64] = []
    var degree = 1
    while out.count < count {
      let order = (UInt64(1) << UInt64(degree)) - 1
      let factors = primeFactors(order)
      var poly = (UInt64(1) << UInt64(degree)) | 1
      while poly < UInt64(1) << UInt64(degree + 1) && out.count < count {
        if powX(order, mod: poly, degree: degree) == 1
          && factors.allSatisfy({ powX(order / $0, mod: poly, degree: degree) != 1 })
        {
          out.append(poly)
        }
        poly += 2
      }
      degree += 1
    }
    return out
  }

  static func primeFactors(_ n: UInt64) -> [UInt64] {
    var n = n
    var f: [UInt64] = []
    var p: UInt64 = 2
    while p * p <= n {
      if n % p == 0 {
        f.append(p)
        while n % p == 0 { n /= p }
      }
      p += 1
    }
    if n > 1 { f.append(n) }
    return f
  }

  /// x^e modulo `poly` (degree `degree`) in GF(2)[x].
  static func powX(_ e: UInt64, mod poly: UInt64, degree: Int) -> UInt64 {
    func mulmod(_ a: UInt64, _ b: UInt64) -> UInt64 {
      var a = a, b = b, r: UInt64 = 0
      while b != 0 {
        if b & 1 == 1 { r ^= a }
        b >>= 1
        a <<= 1
        if a >> UInt64(degree) & 1 == 1 { a ^= poly }
      }
      return r
    }
    var result: UInt64 = 1
    var base: UInt64 = degree == 1 ? (2 ^ poly) & 1 : 2  // x mod poly
    var e = e
    while e != 0 {
      if e & 1 == 1 { result = mulmod(result, base) }
      base = mulmod(base, base)
      e >>= 1
    }
    return result
  }
}

/// Quasi-random search over the unit cube (Optuna's `QMCSampler` with `qmc_type="sobol"`):
/// trial n gets point n of a (scrambled) ``SobolSequence`` with one coordinate per parameter
/// of the space, mapped to each distribution as ``RandomSampler`` maps a uniform number
/// (log-uniform for log parameters, equal-width bins for integers and choices). Inactive
/// conditional parameters ignore their coordinate.
///
/// History-based: the point index is the number of trials in the history (plus the position
/// in a batch), so workers sharing a study continue one sequence. Scrambling is by the
/// seed; unscrambled, the sequence starts at the origin as scipy's does.
///
/// Complexity: O(d · 32) per point (O(d · s_max) once per space to build the directions).
public struct QMCSampler: Sampler {
  public var name: String { "qmc" }
  public let scramble: Bool
  let seed: UInt64
  var sequence: SobolSequence?
  var rng: Xoshiro256StarStar
  var buffer: [Double] = []

  public init(seed: UInt64 = 0, scramble: Bool = true) {
    self.seed = seed
    self.scramble = scramble
    rng = Xoshiro256StarStar(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
  }

  public mutating func ask(_ count: Int, in space: SearchSpace, history: StudyHistory) -> [Proposal] {
    guard count > 0 else { return [] }
    if sequence?.dimension != space.count {
      sequence = SobolSequence(dimension: space.count, scrambleSeed: scramble ? seed : nil)
    }
    var out: [Proposal] = []
    for b in 0..<count {
      let index = history.trials.count + b
      sequence!.point(index, into: &buffer)
      var j = 0
      var point = Parameters(minimumCapacity: space.count)
      for p in space.parameters {
        if space.isActive(p, in: point) { point[p.name] = p.distribution.sample(unit: buffer[j]) }
        j += 1
      }
      out.append(Proposal(point, systemAttributes: ["qmc_index": "\(index)"]))
    }
    return out
  }

  /// A parameter outside the space is drawn at random.
  public mutating func sampleIndependent(
    _ parameter: ParameterSpec, point: Parameters, history: StudyHistory
  ) -> ParameterValue {
    parameter.distribution.sample(unit: rng.unitDouble())
  }
}
