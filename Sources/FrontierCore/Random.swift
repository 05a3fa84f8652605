/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a tiny, seedable generator. Used to seed ``Xoshiro256StarStar`` and
/// wherever a reproducible stream is needed, including the shared test fixtures (the
/// Python anchors use the same generator, so both sides see identical inputs).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  public var state: UInt64
  @inlinable public init(seed: UInt64) { state = seed }
  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 2021): Frontier's default seedable generator. Every randomised API in
/// Frontier takes `inout some RandomNumberGenerator`; pass this one with a seed for
/// reproducible runs.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline internal var s0, s1, s2, s3: UInt64

  /// A generator whose state is filled from `seed` by SplitMix64.
  @inlinable public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  @inlinable @inline(__always)
  internal static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

  @inlinable public mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }
}
