import FrontierCore

/// The RNG-free conformance fixture of `../shared/anchors/qd/moo_fixture.py`, recomputed:
/// inputs from the SplitMix64 stream (seed 7), then non-dominated sorting, crowding distance
/// of front 0 and hypervolume (reference 1.1 per objective), which must agree with pymoo to
/// 1e-9.
///
/// - set A: 500 points in 2-D, `f1 = u1`, `f2 = 1 - sqrt(u1) + 0.5 u2` (draws 0..<1000);
/// - set B: 300 points in 3-D, `f_j = u_j` (draws 1000..<1900).
public struct MOOConformanceFixture: Sendable {
  /// What the fixture reports for one point set.
  public struct SetReport: Sendable, Hashable {
    public var pointCount: Int
    public var frontCount: Int
    public var firstFrontSizes: [Int]
    public var crowdingFront0FiniteSum: Double
    public var crowdingFront0Infinite: Int
    public var hypervolume: Double
  }

  public var seed: UInt64
  public var setA: SetReport
  public var setB: SetReport
  /// Hypervolume of pymoo's 100-point sampled ZDT1 front, reference (1.1, 1.1).
  public var zdt1SampledFrontHypervolume: Double
  /// Hypervolume of the continuous ZDT1 front: 0.1 + 2/3 + 0.11.
  public var zdt1ContinuousFrontHypervolume: Double

  /// Uniforms in [0, 1) for draws `start ..< start + count` of SplitMix64(`seed`), as
  /// `splitmix_uniform` in the Python fixtures: the top 53 bits of each output.
  public static func uniforms(seed: UInt64, start: Int, count: Int) -> [Double] {
    var g = SplitMix64(seed: seed)
    for _ in 0..<start { _ = g.next() }
    return (0..<count).map { _ in Double(g.next() >> 11) * 0x1p-53 }
  }

  /// Computes the fixture (seed 7 as in the Python script).
  public init(seed: UInt64 = 7) {
    self.seed = seed
    let u = Self.uniforms(seed: seed, start: 0, count: 1000)
    var a: [Double] = []
    for i in 0..<500 { a += [u[2 * i], 1 - u[2 * i].squareRoot() + 0.5 * u[2 * i + 1]] }
    let b = Self.uniforms(seed: seed, start: 1000, count: 900)
    setA = Self.report(a, objectives: 2)
    setB = Self.report(b, objectives: 3)
    let zdt1 = MOTestProblem(.zdt1).paretoFront()
    zdt1SampledFrontHypervolume = Hypervolume.compute(zdt1, objectives: 2, reference: [1.1, 1.1])
    zdt1ContinuousFrontHypervolume = 0.1 + 2.0 / 3.0 + 0.11
  }

  static func report(_ f: [Double], objectives m: Int) -> SetReport {
    let fronts = Pareto.fronts(f, objectives: m)
    var f0: [Double] = []
    for i in fronts[0] { f0.append(contentsOf: f[(i * m)..<(i * m + m)]) }
    let cd = CrowdingDistance.of(f0, objectives: m, smallFrontsInfinite: false)
    return SetReport(
      pointCount: f.count / m, frontCount: fronts.count,
      firstFrontSizes: fronts.prefix(5).map(\.count),
      crowdingFront0FiniteSum: cd.filter(\.isFinite).reduce(0, +),
      crowdingFront0Infinite: cd.filter { !$0.isFinite }.count,
      hypervolume: Hypervolume.compute(f, objectives: m, reference: Array(repeating: 1.1, count: m)))
  }
}
