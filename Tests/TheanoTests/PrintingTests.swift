import Foundation
import Testing
@testable import Theano

@Suite struct PrintingTests {
    @Test func debugprintShowsTheTreeWithIdsAndTypes() throws {
        let x = dmatrix("x"), y = dmatrix("y")
        let z = exp(x) + y
        let text = debugprint(z)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("Elemwise{add} [id "))
        #expect(lines[0].hasSuffix("<TensorType(float64, matrix)>"))
        #expect(lines[1].hasPrefix(" | Elemwise{exp}"))
        #expect(lines[2].hasPrefix(" |  | x [id "))
        #expect(lines[3].hasPrefix(" | y [id "))
    }

    @Test func debugprintOfAFunctionListsTheOrderAndUpdates() throws {
        let w = shared([1.0, 2.0], name: "W"), x = dvector("x")
        let f = try function([x], (w * x).sum(), updates: [(w, w * 2)])
        let text = debugprint(f)
        #expect(text.contains("Topological order:"))
        #expect(text.contains("W <- output 1"))
    }

    @Test func dotOutputUsesTheanosColours() throws {
        let w = shared([1.0, 2.0], name: "W"), x = dvector("x")
        let y = (w * x).sum() + 1
        let dot = dotGraph([y], updates: [(w, w - 0.1 * x)])
        #expect(dot.hasPrefix("digraph") && dot.hasSuffix("}"))
        #expect(dot.contains("label=\"x\", shape=box, style=filled, fillcolor=\"limegreen\""), "inputs")
        #expect(dot.contains("label=\"W\", shape=box, style=filled, fillcolor=\"yellowgreen\""), "shared variables")
        #expect(dot.contains("label=\"TensorConstant{1}\", shape=box, style=filled, fillcolor=\"springgreen\""), "constants")
        #expect(dot.contains("fillcolor=\"dodgerblue\""), "outputs")
        #expect(dot.contains("label=\"Elemwise{mul}\", shape=ellipse, style=filled, fillcolor=\"#FFAABB\""), "elementwise ops")
        #expect(dot.contains("label=\"Sum{axes=[0]}\", shape=ellipse, style=filled, fillcolor=\"white\""), "other ops")
        #expect(dot.contains("label=\"UPDATE\", style=dashed"))
    }

    @Test func opKindsTakeTheirColourFromTheOpsTypeName() throws {
        let m = dmatrix("m")
        #expect(GraphStyle.applyColor(try #require(m[0].owner).op) == "#FFAAFF", "Subtensor")
        #expect(GraphStyle.applyColor(try #require(shapeI(m, 0).owner).op) == "cyan", "Shape_i")
        #expect(GraphStyle.applyColor(try #require(exp(m).owner).op) == "#FFAABB", "Elemwise")
    }

    @Test func withoutGraphvizPydotprintWritesTheDotFileAndNamesTheDebianPackage() throws {
        let x = dscalar("x")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path + ".dot") }
        let error = try #require(throws: TheanoError.self) {
            try pydotprint([x * 2], outfile: path, format: .png, updates: [], graphviz: nil)
        }
        #expect(error.kind == .missingDependency)
        #expect(error.message.contains("apt-get install graphviz") && error.message.contains(path + ".dot"))
        #expect(FileManager.default.fileExists(atPath: path + ".dot"))
    }

    /// With Graphviz installed (.ci/run installs it where apt-get exists), pictures are written.
    @Test(.enabled(if: ExternalProgram.find("dot") != nil, "needs Graphviz's dot (apt-get install graphviz)"))
    func withGraphvizPydotprintWritesPNGAndSVG() throws {
        let x = dvector("x"), w = shared([1.0, 2.0], name: "w")
        let f = try function([x], (w * x).sum(), updates: [(w, w + x)])
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString)").path
        defer { for ext in ["dot", "png", "svg"] { try? FileManager.default.removeItem(atPath: "\(base).\(ext)") } }
        let png = try pydotprint(f, outfile: base, format: .png)
        #expect(png == base + ".png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: png)).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let svg = try pydotprint(f, outfile: base + ".svg", format: .svg)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("<svg") && text.contains("UPDATE") && text.contains("yellowgreen"))
    }
}
