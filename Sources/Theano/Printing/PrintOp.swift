import Foundation

/// Where a ``Print`` node writes its lines. Two destinations are equal only if they are the same object,
/// so `Print` nodes writing to different places are never merged.
public final class PrintDestination: Hashable, Sendable {
    let write: @Sendable (String) -> Void

    /// A destination that hands each line (without its newline) to `write`.
    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// The process's standard output, as Python's `print`.
    public static let standardOutput = PrintDestination { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public static func == (a: PrintDestination, b: PrintDestination) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Theano's `theano.printing.Print`: returns its input unchanged and, each time the function computes
/// it, prints `message attribute = value` for each attribute (the value itself by default), as in
/// `Print("x is")(x)`.
///
/// It runs only when something downstream needs its value: a `Print` whose output reaches no output of
/// the function is pruned with the rest of the unused graph, and the shape of its output comes from its
/// input without running it. Constant folding leaves it alone (it has an effect), so a constant is
/// printed when the function runs, not once at compile time. Two `Print` nodes with the same message,
/// attributes and destination on the same input merge into one and print once, as in Theano; any
/// difference keeps them apart.
public struct Print: StatefulOp {
    /// What each line shows.
    public enum Attribute: String, Hashable, Sendable {
        /// The value, as `print` shows an array (Theano's `__str__`).
        case value = "__str__"
        /// The shape, as a Python tuple.
        case shape
        /// The dtype's name.
        case dtype
        /// The number of elements.
        case size
        /// The smallest and largest elements, as `[min, max]`.
        case minAndMax = "min_max"
    }

    /// The text that starts every line.
    public let message: String
    /// What is printed, one line each.
    public let attributes: [Attribute]
    /// Where the lines go.
    public let destination: PrintDestination

    /// A print of `attributes` after `message`, to standard output unless `destination` says otherwise.
    public init(_ message: String = "", attributes: [Attribute] = [.value], to destination: PrintDestination = .standardOutput) {
        (self.message, self.attributes, self.destination) = (message, attributes, destination)
    }

    public var description: String { "Print{\(message)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        precondition(inputs.count == 1, "Print: takes one input, got \(inputs.count)")
        return [inputs[0]]
    }

    /// The line for one attribute of `x`.
    func line(_ attribute: Attribute, _ x: NDArray) -> String {
        let text: String
        switch attribute {
        case .value: text = x.description
        case .shape: text = "(" + x.shape.map(String.init).joined(separator: ", ") + (x.ndim == 1 ? ",)" : ")")
        case .dtype: text = "\(x.dtype)"
        case .size: text = "\(x.count)"
        case .minAndMax:
            let values = x.dtype.isComplex ? [] : x.doubles
            text = values.isEmpty ? "[]" : "[\(NumpyFormat.scalar(NDArray(scalar: values.min()!).astype(x.dtype))), \(NumpyFormat.scalar(NDArray(scalar: values.max()!).astype(x.dtype)))]"
        }
        return message.isEmpty ? "\(attribute.rawValue) = \(text)" : "\(message) \(attribute.rawValue) = \(text)"
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        for attribute in attributes { destination.write(line(attribute, inputs[0])) }
        return [inputs[0]]
    }

    /// The output is the input itself.
    public var viewMap: [Int: Int] { [0: 0] }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { inputShapes }

    /// The gradient passes through unprinted, as in Theano.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        [outputGrads[0]]
    }

    public func prettyPrint(_ inputs: [String]) -> String { "Print{\(message)}(\(inputs[0]))" }
}

/// `Print(message, attributes:, to:)(x)`: x, printed with `message` each time the function computes it.
public func printing(_ x: TensorVariable, message: String = "", attributes: [Print.Attribute] = [.value],
                     to destination: PrintDestination = .standardOutput) -> TensorVariable {
    Print(message, attributes: attributes, to: destination)(x)
}
