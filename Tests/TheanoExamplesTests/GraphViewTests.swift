import Foundation
import Testing
import Theano
@testable import TheanoExamples

/// `d3viz`: one self-contained page with the optimized graph, the graph as written, and the rewrites
/// that made the difference.
@Suite struct GraphViewTests {
    /// The tutorial's logistic function: the optimizer turns `1 / (1 + exp(-x))` into one sigmoid node.
    func logistic() throws -> Function<NDArray> {
        let x = dmatrix("x")
        return try function([x], 1 / (1 + exp(-x)), name: "logistic")
    }

    /// The graph data the page embeds, parsed back.
    func embeddedData(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "const DATA = "))
        let end = try #require(html.range(of: ";\nconst SVG", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "<\\/", with: "</")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    func nodes(_ data: [String: Any], _ view: String) throws -> [[String: Any]] {
        let graph = try #require(data[view] as? [String: Any])
        return try #require(graph["nodes"] as? [[String: Any]])
    }

    @Test func thePageIsOneFileThatNeedsNoNetwork() throws {
        let html = d3vizHTML(try logistic())
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>"))
        #expect(html.contains("<style>") && html.contains("<script>"))
        #expect(!html.contains("src=") && !html.contains("<link"), "no script or style is fetched")
        let urls = html.components(separatedBy: "http").dropFirst().map { $0.prefix(30) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") }, "the only URL is SVG's namespace name: \(urls)")
    }

    @Test func theOptimizedViewNamesTheRewriteThatProducedANode() throws {
        let data = try embeddedData(d3vizHTML(try logistic()))
        let optimized = try nodes(data, "optimized")
        let applies = optimized.filter { $0["kind"] as? String == "apply" }
        #expect(applies.map { $0["label"] as? String } == ["Elemwise{sigmoid}"])
        #expect(applies.first?["rewrite"] as? String == "local_stabilize")
        #expect(optimized.map { $0["color"] as? String }.contains("limegreen") && optimized.contains { $0["kind"] as? String == "output" })
        let original = try nodes(data, "original").filter { $0["kind"] as? String == "apply" }.map { $0["label"] as? String ?? "" }
        // As written: the two literal 1s lifted to matrices, neg, exp, add, true_div.
        #expect(original.count == 6 && original.filter { $0 == "DimShuffle{x,x}" }.count == 2 && original.contains("Elemwise{exp}"), "the graph as written: \(original)")
    }

    @Test func eachNodeCarriesItsTypeAndShape() throws {
        let w = shared([1.0, 2.0, 3.0], name: "w")
        let x = dvector("x")
        let f = try function([x], (w * x).sum(), updates: [(w, w - 0.1 * x)])
        let data = try embeddedData(d3vizHTML(f))
        let optimized = try nodes(data, "optimized")
        func details(_ node: [String: Any]) -> [String: String] {
            Dictionary(((node["details"] as? [[String]]) ?? []).map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        }
        let shared = try #require(optimized.first { $0["label"] as? String == "w" })
        #expect(shared["kind"] as? String == "shared" && details(shared)["shape"] == "(3,) (its value now)")
        let input = try #require(optimized.first { $0["label"] as? String == "x" })
        #expect(details(input)["type"] == "TensorType(float64, vector)" && details(input)["shape"] == "(?,)")
        #expect(optimized.contains { $0["kind"] as? String == "update" }, "the update is drawn")
        for node in optimized where node["kind"] as? String == "apply" {
            // A node with several outputs (here the fused `w * x` and `w - 0.1 * x`) gives each one's.
            let d = details(node), first = d["type"] == nil ? "output 0 " : ""
            #expect(d[first + "type"] != nil && d[first + "shape"] != nil)
        }
    }

    @Test func theCLIWritesATutorialsGraphView() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("add.html").path
        let printed = try Transcript.capture { try ExampleRunner.run(try Example.named("add"), graph: path) }
        #expect(printed.contains("f(1.5, 2.5) = 4.0") && printed.contains("graph view written to \(path)"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("Elemwise{add}"))
        #expect(throws: TheanoError.self) { try Transcript.capture { try ExampleRunner.run(try Example.named("shared"), graph: path) } }
    }

    @Test func theListingNamesEveryExample() {
        let listing = ExampleRunner.listing()
        for example in Example.all { #expect(listing.contains("  \(example.name) "), "\(example.name) is listed") }
    }

    /// The page in a real browser (Debian's chromium, where installed): its script lays out and draws
    /// every node, and selecting a node, as a click does, shows its type and shape.
    @Test(.enabled(if: Browser.path != nil, "needs chromium (apt-get install chromium)"))
    func aBrowserDrawsTheGraphAndShowsTheSelectedNode() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("logistic.html")
        try d3viz(try logistic(), to: page.path)
        let nodeCount = try nodes(try embeddedData(d3vizHTML(try logistic())), "optimized").count

        let optimized = try Browser.dom(page.absoluteString + "#select=n1")
        #expect(optimized.components(separatedBy: "<g class=\"node ").count - 1 == nodeCount, "every node is drawn")
        #expect(optimized.contains("transform=\"translate("), "the layout placed the nodes")
        #expect(optimized.contains("<h2 id=\"selection\">Elemwise{sigmoid}</h2>"))
        #expect(optimized.contains("<td>type</td><td>TensorType(float64, matrix)</td>"))
        #expect(optimized.contains("<td>shape</td><td>(?, ?)</td>"))
        #expect(optimized.contains("<td>produced by</td><td>the rewrite local_stabilize</td>"))

        let original = try Browser.dom(page.absoluteString + "#view=original")
        #expect(original.contains("Before optimization: 6 apply nodes"))

        let screenshot = directory.appendingPathComponent("shot.png").path
        try Browser.screenshot(page.absoluteString, to: screenshot)
        let image = try PNGImage(contentsOf: screenshot)
        #expect(image.inkedFraction > 0.02, "the page is not blank")
        #expect(image.contains(0x32, 0xCD, 0x32, tolerance: 10), "the input is limegreen")
        #expect(image.contains(0xFF, 0xAA, 0xBB, tolerance: 10), "the elementwise node is Theano's pink")
    }
}

/// Headless Chromium, run as root without its sandbox.
enum Browser {
    static var path: String? { Tool.find("chromium") ?? Tool.find("chromium-browser") }

    static func flags(_ profile: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--user-data-dir=\(profile.path)", "--window-size=1200,800"]
    }

    static func dom(_ url: String) throws -> String {
        let profile = try temporaryDirectory("profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try Tool.run(try #require(path), flags(profile) + ["--dump-dom", url]).output
    }

    static func screenshot(_ url: String, to file: String) throws {
        let profile = try temporaryDirectory("profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        try Tool.run(try #require(path), flags(profile) + ["--screenshot=\(file)", url])
    }
}
