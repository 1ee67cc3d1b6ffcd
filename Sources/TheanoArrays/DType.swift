/// The element type of an ``NDArray`` or a symbolic tensor, with numpy's names.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool, int8, int16, int32, int64, float32, float64, complex64, complex128
    /// Unsigned integers (images arrive as uint8); they wrap around as numpy's do.
    case uint8, uint16, uint32, uint64

    public var description: String { rawValue }

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64: return 8
        case .complex128: return 16
        }
    }

    /// Whether this is `bool`.
    public var isBool: Bool { self == .bool }
    /// Whether this is an integer type, signed or unsigned.
    public var isInteger: Bool { isSigned || isUnsigned }
    /// Whether this is a signed integer type.
    public var isSigned: Bool { self == .int8 || self == .int16 || self == .int32 || self == .int64 }
    /// Whether this is an unsigned integer type.
    public var isUnsigned: Bool { self == .uint8 || self == .uint16 || self == .uint32 || self == .uint64 }
    /// Whether this is `float32` or `float64`.
    public var isFloat: Bool { self == .float32 || self == .float64 }
    /// Whether this is a complex type.
    public var isComplex: Bool { self == .complex64 || self == .complex128 }
    /// Integer or boolean: the kinds that `grad` treats as disconnected.
    public var isDiscrete: Bool { isBool || isInteger }

    /// numpy's one-letter kind code: b, i, u, f or c.
    package var kind: Character {
        if isBool { return "b" }
        if isSigned { return "i" }
        if isUnsigned { return "u" }
        if isFloat { return "f" }
        return "c"
    }

    /// The float type Theano's `upgrade_to_float` picks for transcendental functions:
    /// small integers become float32, wide ones float64.
    public var upgradedToFloat: DType {
        switch self {
        case .bool, .int8, .int16, .uint8, .uint16: return .float32
        case .int32, .int64, .uint32, .uint64: return .float64
        default: return self
        }
    }

    /// The real type underneath a complex one (the dtype of `abs` of a complex value).
    public var realPart: DType {
        switch self {
        case .complex64: return .float32
        case .complex128: return .float64
        default: return self
        }
    }

    /// numpy's type promotion (`np.promote_types`), which Theano's `scalar.upcast` follows.
    public static func upcast(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        switch (a.kind, b.kind) {
        case ("i", "i"), ("u", "u"):
            return a.itemSize >= b.itemSize ? a : b
        case ("i", "u"), ("u", "i"):
            // The smallest signed type that holds both; none holds uint64 and a signed type, so float64.
            let (signed, unsigned) = a.isSigned ? (a, b) : (b, a)
            if signed.itemSize > unsigned.itemSize { return signed }
            switch unsigned {
            case .uint8: return .int16
            case .uint16: return .int32
            case .uint32: return .int64
            default: return .float64
            }
        case ("i", "f"), ("f", "i"), ("u", "f"), ("f", "u"):
            let (int, float) = a.isInteger ? (a, b) : (b, a)
            // int8/int16 fit float32 exactly; wider integers need float64.
            if float == .float64 || int.itemSize >= 4 { return .float64 }
            return .float32
        case ("f", "f"):
            return a.itemSize >= b.itemSize ? a : b
        case ("c", "c"):
            return a.itemSize >= b.itemSize ? a : b
        default:
            // One complex, one real or integer.
            let (complex, other) = a.isComplex ? (a, b) : (b, a)
            if complex == .complex128 { return .complex128 }
            if other == .float64 || (other.isInteger && other.itemSize >= 4) { return .complex128 }
            return .complex64
        }
    }

    /// The upcast of several dtypes.
    public static func upcast(_ types: [DType]) -> DType {
        precondition(!types.isEmpty, "upcast needs at least one dtype")
        return types.dropFirst().reduce(types[0]) { upcast($0, $1) }
    }

    /// Whether every value of `self` is representable in `target` (numpy's `can_cast(..., 'safe')`).
    public func canCastSafely(to target: DType) -> Bool {
        DType.upcast(self, target) == target
    }

    /// The Theano name prefix used by the typed constructors (`d` for float64 …).
    package var prefix: String {
        switch self {
        case .bool: return "bool"
        case .int8: return "b"
        case .int16: return "w"
        case .int32: return "i"
        case .int64: return "l"
        case .uint8: return "ub"
        case .uint16: return "uw"
        case .uint32: return "ui"
        case .uint64: return "ul"
        case .float32: return "f"
        case .float64: return "d"
        case .complex64: return "c"
        case .complex128: return "z"
        }
    }

    /// The accumulator type of a `sum`/`prod`, as Theano chooses it: small integers accumulate in int64
    /// (unsigned ones in uint64) and float32 in float64, so long sums keep their precision.
    package var accumulatorType: DType {
        switch self {
        case .bool, .int8, .int16, .int32, .int64: return .int64
        case .uint8, .uint16, .uint32, .uint64: return .uint64
        case .float32, .float64: return .float64
        case .complex64, .complex128: return .complex128
        }
    }

    /// The output type of a `sum`/`prod`: small integers widen to int64 (unsigned ones to uint64), floats
    /// keep their type.
    package var sumOutputType: DType {
        switch self {
        case .bool, .int8, .int16, .int32, .int64: return .int64
        case .uint8, .uint16, .uint32, .uint64: return .uint64
        default: return self
        }
    }
}
