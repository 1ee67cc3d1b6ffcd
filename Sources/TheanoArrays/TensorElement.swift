import Foundation
import ComplexModule
import RealModule

/// A Swift type that can be the element of an ``NDArray``: Bool, the signed and unsigned integers, Float, Double and
/// `Complex<Float>`/`Complex<Double>`.
///
/// The conversion requirements route every cast through the widest value of the same kind, so a cast
/// between any two dtypes loses nothing that numpy's cast would keep.
public protocol TensorElement: Sendable, Equatable {
    /// The dtype of arrays of this element.
    static var dtype: DType { get }
    /// The additive identity.
    static var zero: Self { get }
    /// The multiplicative identity.
    static var one: Self { get }
    /// The value of an integer, wrapping as numpy's cast does.
    init(fromInt64 value: Int64)
    /// The value of a real number, truncated toward zero for integer types.
    init(fromDouble value: Double)
    /// The value of a complex number; real types keep its real part.
    init(fromComplex value: Complex<Double>)
    /// This value as an integer (floats truncate toward zero, out-of-range values clamp).
    var asInt64: Int64 { get }
    /// This value as a Double (a complex value's real part).
    var asDouble: Double { get }
    /// This value as a complex number.
    var asComplex: Complex<Double> { get }
}

extension TensorElement {
    /// Converts from any other element type the way numpy's `astype` does.
    @inline(__always)
    package init<Source: TensorElement>(converting value: Source) {
        // Branches on the dtype's flags, not its kind letter: a Character compare costs a string compare.
        let target = Self.dtype
        if target.isComplex {
            self.init(fromComplex: value.asComplex)
        } else if target.isFloat {
            self.init(fromDouble: value.asDouble)
        } else {
            // Integer and bool targets: integers convert exactly (wrapping), floats truncate toward zero.
            if Source.dtype.isDiscrete { self.init(fromInt64: value.asInt64) } else { self.init(fromDouble: value.asDouble) }
        }
    }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public static var one: Bool { true }
    public init(fromInt64 value: Int64) { self = value != 0 }
    public init(fromDouble value: Double) { self = value != 0 }
    public init(fromComplex value: Complex<Double>) { self = value != .zero }
    public var asInt64: Int64 { self ? 1 : 0 }
    public var asDouble: Double { self ? 1 : 0 }
    public var asComplex: Complex<Double> { Complex(asDouble) }
}

/// Saturating float-to-integer conversion: numpy's result for NaN or out-of-range values is undefined,
/// and Swift's plain `init` would trap, so NaN becomes the minimum and the rest clamps.
@inline(__always)
package func clampedInteger<T: FixedWidthInteger>(_ value: Double) -> T {
    if value.isNaN { return T.min }
    if value >= Double(T.max) { return T.max }
    if value <= Double(T.min) { return T.min }
    return T(value.rounded(.towardZero))
}

/// An integer element type: Int8, Int16, Int32, Int64, and the unsigned UInt8 … UInt64.
public protocol IntegerTensorElement: TensorElement, FixedWidthInteger {}

extension IntegerTensorElement {
    public static var zero: Self { 0 }
    public static var one: Self { 1 }
    public init(fromInt64 value: Int64) { self.init(truncatingIfNeeded: value) }
    public init(fromDouble value: Double) { self = clampedInteger(value) }
    public init(fromComplex value: Complex<Double>) { self = clampedInteger(value.real) }
    /// The value's bits as an Int64: exact for every type but uint64, whose values above `Int64.max`
    /// keep their bit pattern, so a cast from uint64 to a narrower integer wraps as numpy's does.
    public var asInt64: Int64 { Int64(truncatingIfNeeded: self) }
    public var asDouble: Double { Double(self) }
    public var asComplex: Complex<Double> { Complex(Double(self)) }
}

extension Int8: IntegerTensorElement { public static var dtype: DType { .int8 } }
extension Int16: IntegerTensorElement { public static var dtype: DType { .int16 } }
extension Int32: IntegerTensorElement { public static var dtype: DType { .int32 } }
extension Int64: IntegerTensorElement { public static var dtype: DType { .int64 } }
extension UInt8: IntegerTensorElement { public static var dtype: DType { .uint8 } }
extension UInt16: IntegerTensorElement { public static var dtype: DType { .uint16 } }
extension UInt32: IntegerTensorElement { public static var dtype: DType { .uint32 } }
extension UInt64: IntegerTensorElement { public static var dtype: DType { .uint64 } }

/// A real floating-point element type: Float, Double.
public protocol FloatTensorElement: TensorElement, Real, BinaryFloatingPoint {
    /// C's `pow`, which numpy and Theano's C code use: unlike `Real.pow`, it is defined for negative
    /// bases with integral or infinite exponents (`pow(-1, ∞) = 1`, `pow(-∞, 0.5) = ∞`).
    static func cPow(_ base: Self, _ exponent: Self) -> Self
}

extension FloatTensorElement {
    public static var one: Self { 1 }
    public init(fromInt64 value: Int64) { self.init(value) }
    public init(fromComplex value: Complex<Double>) { self.init(value.real) }
    public var asInt64: Int64 { clampedInteger(Double(self)) }
    public var asComplex: Complex<Double> { Complex(Double(self)) }
}

extension Float: FloatTensorElement {
    /// C's `pow` for this type, which the kernels use.
    public static func cPow(_ base: Float, _ exponent: Float) -> Float { Foundation.powf(base, exponent) }
    public static var dtype: DType { .float32 }
    public init(fromDouble value: Double) { self.init(value) }
    public var asDouble: Double { Double(self) }
}

extension Double: FloatTensorElement {
    /// C's `pow` for this type, which the kernels use.
    public static func cPow(_ base: Double, _ exponent: Double) -> Double { Foundation.pow(base, exponent) }
    public static var dtype: DType { .float64 }
    public init(fromDouble value: Double) { self = value }
    public var asDouble: Double { self }
}

/// `Complex<Float>` and `Complex<Double>`, stored as (real, imaginary) pairs like numpy's complex types.
public protocol ComplexTensorElement: TensorElement, AlgebraicField, ElementaryFunctions {
    associatedtype Component: FloatTensorElement
    var real: Component { get }
    var imaginary: Component { get }
    init(_ real: Component, _ imaginary: Component)
}

extension Complex: TensorElement, ComplexTensorElement where RealType: FloatTensorElement {
    public static var dtype: DType { RealType.self == Float.self ? .complex64 : .complex128 }
    public static var one: Complex<RealType> { Complex(1, 0) }
    public init(fromInt64 value: Int64) { self.init(RealType(value), 0) }
    public init(fromDouble value: Double) { self.init(RealType(value), 0) }
    public init(fromComplex value: Complex<Double>) {
        self.init(RealType(value.real), RealType(value.imaginary))
    }
    public var asInt64: Int64 { clampedInteger(Double(real)) }
    public var asDouble: Double { Double(real) }
    public var asComplex: Complex<Double> { Complex<Double>(Double(real), Double(imaginary)) }
}

extension DType {
    /// The Swift type that stores one element of this dtype.
    public var elementType: any TensorElement.Type {
        switch self {
        case .bool: return Bool.self
        case .int8: return Int8.self
        case .int16: return Int16.self
        case .int32: return Int32.self
        case .int64: return Int64.self
        case .uint8: return UInt8.self
        case .uint16: return UInt16.self
        case .uint32: return UInt32.self
        case .uint64: return UInt64.self
        case .float32: return Float.self
        case .float64: return Double.self
        case .complex64: return Complex<Float>.self
        case .complex128: return Complex<Double>.self
        }
    }
}
