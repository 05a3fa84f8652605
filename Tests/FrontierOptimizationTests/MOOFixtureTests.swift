import FrontierOptimization
import Testing

/// The exact numbers printed by `../shared/anchors/qd/moo_fixture.py` (pymoo 0.6.2).
@Suite struct MOOFixtureTests {
  static let fixture = MOOConformanceFixture()

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

  @Test func twoDimensionalSetMatchesPymoo() {
    let a = Self.fixture.setA
    #expect(a.pointCount == 500)
    #expect(a.frontCount == 19)
    #expect(a.firstFrontSizes == [41, 39, 37, 32, 38])
    #expect(Self.close(a.crowdingFront0FiniteSum, 1.8748000101766995))
    #expect(a.crowdingFront0Infinite == 2)
    #expect(Self.close(a.hypervolume, 0.8332172387989857))
  }

  @Test func threeDimensionalSetMatchesPymoo() {
    let b = Self.fixture.setB
    #expect(b.pointCount == 300)
    #expect(b.frontCount == 12)
    #expect(b.firstFrontSizes == [28, 30, 43, 52, 37])
    #expect(Self.close(b.crowdingFront0FiniteSum, 1.7775368048360864))
    #expect(b.crowdingFront0Infinite == 4)
    #expect(Self.close(b.hypervolume, 1.2556155148450507))
  }

  @Test func zdt1FrontHypervolumes() {
    #expect(Self.close(Self.fixture.zdt1SampledFrontHypervolume, 0.8714093689206746))
    #expect(Self.close(Self.fixture.zdt1ContinuousFrontHypervolume, 0.8766666666666666))
  }

  @Test func splitMixUniformsMatchThePythonStream() {
    // First draws of splitmix_uniform(7, 0, 3) and (7, 1000, 1).
    let u = MOOConformanceFixture.uniforms(seed: 7, start: 0, count: 3)
    #expect(u == [0.3898297483912715, 0.01678829452815611, 0.9007606806068834])
    let later = MOOConformanceFixture.uniforms(seed: 7, start: 1000, count: 1)
    #expect(later[0] == MOOConformanceFixture.uniforms(seed: 7, start: 0, count: 1001)[1000])
  }
}
