import FrontierCore
@testable import FrontierVectorSearch
import Testing

@Test func fourRowKernelMatchesOneRowKernel() {
  for d in [1, 3, 15, 16, 17, 31, 48, 100, 384] {
    let rows = Fixtures.uniform(count: 5, dimension: d, seed: UInt64(d) &+ 40)
    rows.withUnsafeBufferPointers { p in
      let l2 = L2Kernel.distance4(p[0], p[1], p[2], p[3], p[4], d)
      let ip = DotKernel.distance4(p[0], p[1], p[2], p[3], p[4], d)
      for i in 0..<4 {
        #expect(abs(l2[i] - L2Kernel.distance(p[0], p[i + 1], d)) <= 1e-4 * max(1, abs(l2[i])), "l2 d=\(d)")
        #expect(abs(ip[i] - DotKernel.distance(p[0], p[i + 1], d)) <= 1e-4 * max(1, abs(ip[i])), "ip d=\(d)")
      }
    }
  }
}

extension Array where Element == [Float] {
  /// Calls `body` with stable pointers to every row.
  func withUnsafeBufferPointers<R>(_ body: ([UnsafePointer<Float>]) -> R) -> R {
    let flat = ContiguousArray(self.joined())
    let d = self.first?.count ?? 0
    return flat.withUnsafeBufferPointer { b in
      body((0..<count).map { b.baseAddress! + $0 * d })
    }
  }
}
