/// The R-operator's default: the op has none, as in Theano, where `Op.R_op` raises.
///
/// It lives beside `Op` rather than in `Gradient/` because a protocol requirement's default must be
/// visible where each op declares its conformance; the per-family R-operators sit beside their ops
/// (`Tensor/*/…ROp.swift`) for the same reason, and `rop` itself is in `Gradient/ROp.swift`.
extension Op {
    public func rOp(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ evalPoints: [TensorVariable?]) throws -> [TensorVariable?] {
        throw ROpUnavailable.error(for: self)
    }
}

/// The error of an op without an R-operator.
package enum ROpUnavailable {
    package static func error(for op: any Op, reason: String? = nil) -> TheanoError {
        TheanoError(.unsupported, "rop: \(op) has no R-operator (\(reason ?? "Theano defines none for it")); compute the Jacobian-vector product with rop(..., method: .throughPullback), which needs only gradients, or use lop")
    }
}
