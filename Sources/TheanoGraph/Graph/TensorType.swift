/// The static type of a symbolic tensor: its dtype and which dimensions broadcast.
///
/// As in Theano, broadcasting is decided by the type: only dimensions flagged `true` stretch to match.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
    /// The element type.
    public let dtype: DType
    /// For each dimension, whether it has size 1 and broadcasts.
    public let broadcastable: [Bool]

    /// A type of this dtype and broadcast pattern.
    public init(_ dtype: DType, _ broadcastable: [Bool]) {
        self.dtype = dtype
        self.broadcastable = broadcastable
    }

    /// A type of this dtype and broadcast pattern.
    public init(dtype: DType, broadcastable: [Bool]) { self.init(dtype, broadcastable) }

    /// The number of dimensions.
    public var ndim: Int { broadcastable.count }

    /// Theano's short names for the common patterns.
    package var patternName: String {
        switch broadcastable {
        case []: return "scalar"
        case [false]: return "vector"
        case [true]: return "(True,)"
        case [false, false]: return "matrix"
        case [true, false]: return "row"
        case [false, true]: return "col"
        default:
            return "(" + broadcastable.map { $0 ? "True" : "False" }.joined(separator: ", ") + ")"
        }
    }

    public var description: String { "TensorType(\(dtype), \(patternName))" }

    /// The same type with another dtype.
    package func with(dtype: DType) -> TensorType { TensorType(dtype, broadcastable) }

    /// Checks a runtime value against this type, converting it when that loses nothing.
    /// `byValue` lets Swift literals convert when every element survives; `allowDowncast` converts anything.
    package func filter(_ value: NDArray, byValue: Bool, allowDowncast: Bool, context: () -> String) throws -> NDArray {
        guard value.ndim == ndim else {
            throw TheanoError(.ndimMismatch, "\(context()): expected a value of rank \(ndim) (\(self)), got rank \(value.ndim) with shape \(value.shape)")
        }
        for (axis, flag) in broadcastable.enumerated() where flag && value.shape[axis] != 1 {
            throw TheanoError(.shapeMismatch, "\(context()): dimension \(axis) is broadcastable in \(self), so it must have size 1, got shape \(value.shape)")
        }
        if value.dtype == dtype { return value }
        if allowDowncast { return value.astype(dtype) }
        if value.dtype.canCastSafely(to: dtype) { return value.astype(dtype) }
        if byValue, let converted = value.losslessConverted(to: dtype) { return converted }
        throw TheanoError(.dtypeMismatch, "\(context()): \(self) cannot store a value of dtype \(value.dtype) without risking loss of precision; pass allowInputDowncast: true to cast it anyway")
    }
}
