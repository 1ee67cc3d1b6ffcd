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

    @Test func dotOutputFollowsTheanosConventions() throws {
        let w = shared([1.0, 2.0], name: "W"), x = dvector("x")
        let y = (w * x).sum()
        let dot = dotGraph([y], updates: [(w, w - 0.1 * x)])
        #expect(dot.hasPrefix("digraph"))
        #expect(dot.contains("label=\"x\", shape=box, style=filled, fillcolor=limegreen"))
        #expect(dot.contains("label=\"W\", shape=box, style=filled, fillcolor=cyan"))
        #expect(dot.contains("fillcolor=dodgerblue"))
        #expect(dot.contains("shape=ellipse"))
        #expect(dot.contains("label=\"UPDATE\", style=dashed"))
        #expect(dot.hasSuffix("}"))
    }

    @Test func pydotprintWritesDotAndExplainsAMissingGraphviz() throws {
        let x = dscalar("x")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString)").path
        let written = try pydotprint([x * 2], outfile: path, format: .dot)
        #expect(FileManager.default.fileExists(atPath: written))
        if ExternalProgram.find("dot") == nil {
            let error = try #require(throws: TheanoError.self) { try pydotprint([x * 2], outfile: path, format: .png) }
            #expect(error.kind == .missingDependency && error.message.contains("Graphviz"))
        } else {
            #expect(FileManager.default.fileExists(atPath: try pydotprint([x * 2], outfile: path, format: .png)))
        }
    }
}
