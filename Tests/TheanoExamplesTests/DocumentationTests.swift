import Foundation
import Testing
import Theano
@testable import TheanoExamples

/// The DocC catalog cannot rot: its code blocks are the example functions' bodies, its output blocks
/// are what those examples print now, and its rewrite list is the rewrite database's.
/// `swift run theano docs update` regenerates all three.
@Suite struct DocumentationTests {
    static let articles = (try? DocsGenerator.articles()) ?? []

    @Test func theCatalogHasItsArticles() {
        let names = Set(Self.articles.map(\.name))
        for expected in ["Theano.md", "GettingStarted.md", "SharedVariables.md", "Gradients.md", "ScanLoops.md", "RandomNumbers.md",
                         "Optimizer.md", "ModesAndDebugging.md", "Backends.md", "Configuration.md", "ComingFromTheano.md"] {
            #expect(names.contains(expected), "\(expected) is in Theano.docc")
        }
    }

    @Test(arguments: articles.map(\.name))
    func theArticleIsCurrent(_ name: String) throws {
        let text = try #require(Self.articles.first { $0.name == name }).text
        let current = try DocsGenerator.updated(text, sources: try DocsGenerator.exampleSources())
        let (old, new) = (text.components(separatedBy: "\n"), current.components(separatedBy: "\n"))
        let first = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        #expect(current == text, """
            \(name) is stale from line \(first + 1) (run `swift run theano docs update`):
            committed: \(first < old.count ? old[first] : "(end)")
            now:       \(first < new.count ? new[first] : "(end)")
            """)
    }

    /// Every Swift block in the catalog follows a `<!-- code: NAME -->` marker, so each one is
    /// compiled and run as an example.
    @Test(arguments: articles.map(\.name))
    func everySwiftBlockIsATestedExample(_ name: String) throws {
        let lines = try #require(Self.articles.first { $0.name == name }).text.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() where line.hasPrefix("```swift") {
            let marker = lines[..<i].last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            #expect(DocsGenerator.marker(marker, "code") != nil, "\(name):\(i + 1): a Swift block without a code marker")
        }
    }

    /// Each example's output is shown somewhere, but for `config`, which prints this machine's settings.
    @Test func everyExamplesOutputIsShown() {
        let catalog = Self.articles.map(\.text).joined(separator: "\n")
        for example in Example.all where example.name != "config" {
            #expect(catalog.contains("<!-- output: \(example.name) -->"), "no article shows what \(example.name) prints")
        }
    }

    @Test func everyRewriteInTheDatabaseHasItsEquation() {
        let (undocumented, stale) = DocsGenerator.equationMismatches()
        #expect(undocumented.isEmpty, "add to DocsGenerator.equations: \(undocumented)")
        #expect(stale.isEmpty, "no longer in the database: \(stale)")
    }

    @Test func theRewriteListShowsEachEntryWithItsTags() {
        let list = DocsGenerator.rewriteList()
        #expect(list.contains("| `local_stabilize` | `1 / (1 + exp(-x)) → sigmoid(x)`"))
        #expect(list.contains("| `constant_folding` |") && list.contains("`canonicalize`, `fast_compile`, `fold_constants` |"))
        #expect(list.contains("### Fusion") && list.contains("| `elemwise_fusion` |"))
    }

    @Test func aFunctionBodyLosesItsIndentAndItsReturn() {
        let source = """
            static func demo() throws -> (any GraphShowing)? {
                let x = dscalar("x")
                if true {
                    print(x)
                }
                return nil
            }
        """
        #expect(DocsGenerator.functionBody("demo", in: source) == "let x = dscalar(\"x\")\nif true {\n    print(x)\n}")
        #expect(DocsGenerator.functionBody("missing", in: source) == nil)
    }

    @Test func anOutputMarkerGetsWhatTheExamplePrints() throws {
        let article = "Text.\n\n<!-- output: add -->\n```\nstale\n```\n"
        let updated = try DocsGenerator.updated(article, sources: "")
        #expect(updated == "Text.\n\n<!-- output: add -->\n```\nf(1.5, 2.5) = 4.0\nf(3.5, 5.5) = 9.0\n```\n")
    }
}
