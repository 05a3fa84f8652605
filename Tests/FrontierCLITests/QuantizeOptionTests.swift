import ArgumentParser
import Testing
@testable import FrontierCLI

@Suite("CLI: --quantize")
struct QuantizeOptionTests {
  @Test("index build takes --quantize none or int8 and refuses anything else, naming the values")
  func quantizeValues() throws {
    let ok = try FrontierCommand.parseAsRoot(["index", "build", "--vectors", "v.fvecs", "--out", "o.idx", "--quantize", "int8"])
    #expect((ok as? IndexBuild)?.quantize == .int8)
    let plain = try FrontierCommand.parseAsRoot(["index", "build", "--vectors", "v.fvecs", "--out", "o.idx"])
    #expect((plain as? IndexBuild)?.quantize == QuantizeName.none)
    do {
      _ = try FrontierCommand.parseAsRoot(["index", "build", "--vectors", "v.fvecs", "--out", "o.idx", "--quantize", "int4"])
      Issue.record("--quantize int4 parsed")
    } catch {
      let text = FrontierCommand.message(for: error)
      #expect(text.contains("int4") && text.contains("int8"), "\(text)")
    }
    #expect(throws: (any Error).self) { try parseQuantizations("none,int16") }
    #expect(try parseQuantizations("none,int8") == [QuantizeName.none, .int8])
  }
}
