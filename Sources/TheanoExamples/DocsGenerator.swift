import Foundation
import Theano

/// Keeps the generated parts of the DocC catalog (`Sources/Theano/Theano.docc`) current:
///
/// - after `<!-- code: NAME -->`, the next code block is the body of the example function `NAME`
///   (from `Sources/TheanoExamples`), without its last line, which hands the graph to `--graph`;
/// - after `<!-- output: NAME -->`, the next code block is what the example `NAME` prints;
/// - between `<!-- rewrites:begin -->` and `<!-- rewrites:end -->` stands the list of every entry of
///   ``RewriteDatabase/standard``, rendered by ``rewriteList()``.
///
/// `theano docs update` rewrites the articles; `theano docs check` and a test fail when one is stale.
public enum DocsGenerator {
    /// The package's root, found from this file's place in it.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The catalog's folder.
    public static var catalog: URL { packageRoot.appendingPathComponent("Sources/Theano/Theano.docc") }

    /// The catalog's Markdown files, by file name.
    public static func articles() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.map { ($0, try String(contentsOf: catalog.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The Swift sources of the examples, concatenated, where ``functionBody(_:in:)`` looks.
    public static func exampleSources() throws -> String {
        let folder = packageRoot.appendingPathComponent("Sources/TheanoExamples")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    /// The articles as they should be; unchanged ones come back equal.
    public static func updated(_ text: String, sources: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if let name = marker(line, "code") {
                guard let body = functionBody(name, in: sources) else {
                    throw TheanoError(.badArgument, "docs: \(line) names no function in Sources/TheanoExamples")
                }
                try replaceBlock(after: i, in: &lines, language: "swift", with: body)
            } else if let name = marker(line, "output") {
                let example = try Example.named(name)
                let printed = try Transcript.capture { _ = try example.run() }
                try replaceBlock(after: i, in: &lines, language: "", with: printed.hasSuffix("\n") ? String(printed.dropLast()) : printed)
            } else if line == "<!-- rewrites:begin -->" {
                guard let end = lines[(i + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "<!-- rewrites:end -->" }) else {
                    throw TheanoError(.badArgument, "docs: <!-- rewrites:begin --> without <!-- rewrites:end -->")
                }
                lines.replaceSubrange((i + 1)..<end, with: rewriteList().components(separatedBy: "\n"))
            }
            i += 1
        }
        return lines.joined(separator: "\n")
    }

    static func marker(_ line: String, _ kind: String) -> String? {
        let prefix = "<!-- \(kind): ", suffix = " -->"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix) else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// Replaces the fenced block that follows line `index` (blank lines may come between).
    static func replaceBlock(after index: Int, in lines: inout [String], language: String, with content: String) throws {
        var start = index + 1
        while start < lines.count && lines[start].trimmingCharacters(in: .whitespaces).isEmpty { start += 1 }
        let fence = "```" + language
        let block = [fence] + content.components(separatedBy: "\n") + ["```"]
        if start < lines.count, lines[start].hasPrefix("```"),
           let end = lines[(start + 1)...].firstIndex(where: { $0 == "```" }) {
            lines.replaceSubrange(start...end, with: block)
        } else {
            lines.insert(contentsOf: block, at: index + 1)
        }
    }

    /// The body of `static func NAME(` in `sources`, dedented, without a last line that returns.
    public static func functionBody(_ name: String, in sources: String) -> String? {
        let lines = sources.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("static func \(name)(") }) else {
            return nil
        }
        let indent = lines[start].prefix { $0 == " " }.count
        let closing = String(repeating: " ", count: indent) + "}"
        guard let end = lines[(start + 1)...].firstIndex(where: { $0 == closing }) else { return nil }
        var body = Array(lines[(start + 1)..<end])
        if let last = body.last, last.trimmingCharacters(in: .whitespaces).hasPrefix("return ") { body.removeLast() }
        return body.map { line in line.count > indent + 4 ? String(line.dropFirst(indent + 4)) : line.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    // MARK: - The rewrite list

    /// What each entry of the database does, by name: its equation. The list fails to render an entry
    /// that is missing here, so a new rewrite cannot reach the documentation without one.
    static let equations: [String: String] = [
        "merge": "Equal constants, and nodes applying equal ops to the same inputs, become one node.",
        "constant_folding": "`op(c₁, …, cₙ) → c` when every input is a constant (random draws excepted).",
        "local_useless_elemwise": "`x * 1 → x`, `x + 0 → x`, `x - 0 → x`, `x / 1 → x`, `x ** 1 → x`, `-(-x) → x`.",
        "local_add_canonizer": "A tree of `+`, `-` and negation becomes one sum of signed terms: `x + y - x → y`, constants folded.",
        "local_mul_canonizer": "A tree of `*`, `/` and reciprocals becomes one product: `x * y / x → y`, constants folded.",
        "local_dimshuffle_lift": "`dimshuffle(dimshuffle(x)) → dimshuffle(x)`; an identity dimshuffle disappears.",
        "local_useless_shape_ops": "`reshape(x, shape(x)) → x`, `x[:] → x`, a rebroadcast that changes nothing disappears.",
        "local_shape_to_shape_i": "`shape(x)[i] → Shape_i{i}(x)` for a constant `i`.",
        "local_shape_to_make_vector": "`shape(op(…)) → [inferShape(op)…]`: the shape from the inputs' shapes, without running `op` (when nothing else needs its value).",
        "local_shape_i_lift": "`Shape_i{i}(op(…)) → inferShape(op)[i]`, e.g. `Shape_i{0}(x ** 2) → Shape_i{0}(x)`, `Shape_i{0}(concatenate([a, b])) → Shape_i{0}(a) + Shape_i{0}(b)`.",
        "local_subtensor_make_vector": "`[a, b, c][i] → b` for a constant `i` inside the vector.",
        "local_stabilize": "`1 / (1 + exp(-x)) → sigmoid(x)`, `log(1 + x) → log1p(x)`, `exp(x) - 1 → expm1(x)`, "
            + "`log(1 + exp(x)) → softplus(x)`, `log(sigmoid(x)) → -softplus(-x)`, `log(1 - sigmoid(x)) → -softplus(x)`.",
        "local_log_sum_exp": "`log(sum(exp(x))) → m + log(sum(exp(x - m)))` with `m = max(x)`, which cannot overflow.",
        "local_pow_specialize": "`x ** 2 → sqr(x)`, `x ** 0.5 → sqrt(x)`, `x ** -1 → reciprocal(x)`, `x ** 0 → 1`.",
        "local_sum_mul_by_scalar": "`sum(c * x) → c * sum(x)` for a scalar constant `c`.",
        "local_gemm": "`α · dot(A, B) + β · C → Gemm(C, α, A, B, β)` when nothing else reads the product.",
        "crossentropy_softmax_1hot": "`crossentropy(softmax(x), y) → CrossentropySoftmax1Hot(x, y)` for integer labels `y`.",
        "local_logsoftmax": "`log(softmax(x)) → logSoftmax(x)`.",
        "crossentropy_softmax_1hot_grad": "`SoftmaxGrad(Crossentropy1HotGrad(g, sm, y), sm) → (sm − onehot(y)) · g`, finite where `sm` underflows.",
        "scan_pushout": "A step computation that reads neither a sequence nor a state moves before the loop and becomes a non-sequence (random draws stay inside).",
        "scan_save_mem": "`scan(…)[-1]` as the only reader: the loop keeps only its last step instead of stacking every step.",
        "local_inv_to_solve": "`dot(inv(A), b) → solve(A, b)` (and `dot(b, inv(A))` on the right) when nothing else reads the inverse.",
        "local_log_det_to_slogdet": "`log(det(A))` and `log(abs(det(A))) → slogdet(A)`'s log-magnitude, finite where `det` overflows.",
        "local_det_of_triangular": "`det(L) → prod(diag(L))` for a Cholesky factor, `tril`/`triu`, or their transposes.",
        "local_det_chol": "`det(A) → prod(diag(L))²` when `L = cholesky(A)` is already in the graph (A symmetric).",
        "local_slogdet_chol": "`slogdet(A) → (1, 2·sum(log(diag(L))))` when `L = cholesky(A)` is already in the graph (A symmetric).",
        "local_psd_solve_to_chol_solve": "`solve(A, b, assumeA: .positiveDefinite) → choSolve(cholesky(A), b)`, reusing a factor already in the graph.",
        "elemwise_fusion": "Connected elementwise nodes over one shape (chains, values with several readers, siblings over one input) become one `Composite` node, run as one loop; each value read outside it is one of its outputs.",
        "inplace": "Marks nodes that may write their output over an input nobody reads later (the in-place plan).",
    ]

    static let phaseNames: [RewriteDatabase.Phase: String] = [
        .merge: "Merge", .rewrite: "Rewrites to a fixed point", .remerge: "Merge again", .fusion: "Fusion", .inplace: "In place",
    ]

    /// The optimizer article's list: every entry of ``RewriteDatabase/standard``, phase by phase, in
    /// the order they run, with its equation and tags.
    public static func rewriteList(database: RewriteDatabase = .standard) -> String {
        var lines: [String] = []
        for phase in RewriteDatabase.Phase.allCases {
            let entries = database.entries(in: phase)
            guard !entries.isEmpty else { continue }
            if !lines.isEmpty { lines.append("") }
            lines.append("### \(phaseNames[phase] ?? "\(phase)")")
            lines.append("")
            lines.append("| Rewrite | What it does | Tags |")
            lines.append("|---|---|---|")
            for entry in entries {
                let (name, tags): (String, Set<String>)
                switch entry {
                case .local(let rewrite): (name, tags) = (rewrite.name, rewrite.tags)
                case .pass(let pass): (name, tags) = (pass.name, pass.tags)
                }
                let equation = equations[name] ?? "**undocumented: add its equation to DocsGenerator.equations**"
                lines.append("| `\(name)` | \(equation.replacingOccurrences(of: "|", with: "\\|")) | \(tags.sorted().map { "`\($0)`" }.joined(separator: ", ")) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Names in the database that ``equations`` lacks, and names there that the database lacks.
    public static func equationMismatches(database: RewriteDatabase = .standard) -> (undocumented: [String], stale: [String]) {
        var names = Set<String>()
        for phase in RewriteDatabase.Phase.allCases {
            for entry in database.entries(in: phase) {
                switch entry {
                case .local(let rewrite): names.insert(rewrite.name)
                case .pass(let pass): names.insert(pass.name)
                }
            }
        }
        return (names.subtracting(equations.keys).sorted(), Set(equations.keys).subtracting(names).sorted())
    }
}
