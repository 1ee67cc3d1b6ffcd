/// Theano's colours for graph pictures (its `d3viz` formatter's palette), shared by `pydotprint` and
/// `d3viz`: variables by role, apply nodes by the kind of op.
enum GraphStyle {
    static let input = "limegreen"
    static let constant = "springgreen"
    static let shared = "yellowgreen"
    static let output = "dodgerblue"
    static let unusedOutput = "lightgrey"
    static let plainApply = "white"

    /// Op kinds by a piece of the op's type name, as Theano matched `op.__class__.__name__`.
    static let applyColors: [(kind: String, color: String)] = [
        ("Elemwise", "#FFAABB"), ("Subtensor", "#FFAAFF"), ("Alloc", "#FFAA22"),
        ("Scan", "yellow"), ("Shape", "cyan"), ("IfElse", "magenta"),
    ]

    /// The role of a variable with no owner: a graph input, a shared variable or a constant.
    static func leafColor(_ v: TensorVariable) -> String {
        if v is SharedVariable { return shared }
        if v is TensorConstant { return constant }
        return input
    }

    /// The fill of an apply node: its op kind's colour, or white.
    static func applyColor(_ op: any Op) -> String {
        let typeName = String(describing: type(of: op))
        return applyColors.last { typeName.contains($0.kind) }?.color ?? plainApply
    }
}
