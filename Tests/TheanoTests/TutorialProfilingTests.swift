import Testing
@testable import Theano

/// Theano's "Profiling Theano function" (doc/tutorial/profiling.txt) and its profiling_example.py.
/// `ProfileTests` checks the layout in detail; here is the page's program.
@Suite struct TutorialProfilingTests {
    @Test func theProfilingExample() throws {
        let xyz = vectors("x", "y", "z")
        let (x, y, z) = (xyz[0], xyz[1], xyz[2])
        let f = try function([x, y, z], [(x + y + z) * 2], name: "profiling_example", profile: true)
        f.profile?.printsAtExit = false  // the test reads the report instead
        let xv: [Double] = (0..<10).map { Double($0) / 10 }
        let yv: [Double] = (0..<10).map { Double($0) / 20 }
        let zv: [Double] = (0..<10).map { Double($0) / 40 }
        let out = try f(xv, yv, zv)
        let expected: [Double] = zip(zip(xv, yv), zv).map { (pair: ((Double, Double), Double)) -> Double in 2 * (pair.0.0 + pair.0.1 + pair.1) }
        #expect(close(out[0].doubles, expected))
        let stats = try #require(f.profile)
        #expect(stats.callCount == 1)
        let report = stats.report
        // "Each profile contains 4 sections: global info, class info, Ops info and Apply node info",
        // and the global section's "Message" is the function's name.
        for section in ["Function profiling", "  Message: profiling_example", "Class", "Ops", "Apply", "Memory Profile"] {
            #expect(report.split(separator: "\n").contains { $0 == section[...] || $0.hasPrefix(section) }, "no \(section) in\n\(report)")
        }
        // The two adds and the multiplication are one fused loop, as in Theano's output.
        #expect(stats.nodes.count == 1 && "\(stats.nodes[0].op)".hasPrefix("Elemwise{Composite{"), "\(stats.nodes.map(\.op))")
    }
}
