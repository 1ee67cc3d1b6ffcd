import Synchronization

/// A symbolic tensor: an input, a constant, a shared variable, or the output of an ``Apply`` node.
///
/// Variables compare by identity, as Python objects do in Theano, so `==` between variables asks whether
/// they are the same node. Elementwise equality is `eq(a, b)` or `a .== b`.
public class TensorVariable: Hashable, CustomStringConvertible, @unchecked Sendable {
    /// The static type: dtype and broadcast pattern.
    public let type: TensorType
    /// The node that computes this variable; nil for inputs, constants and shared variables.
    public let owner: Apply?
    /// Which output of `owner` this is.
    public let index: Int
    public var name: String?
    /// A number unique to this variable, used by `debugprint`.
    public let id: Int

    package init(type: TensorType, owner: Apply? = nil, index: Int = 0, name: String? = nil) {
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.id = nextVariableID.add(1, ordering: .relaxed).oldValue
    }

    /// The element type.
    public var dtype: DType { type.dtype }
    /// The number of dimensions.
    public var ndim: Int { type.ndim }
    /// Which dimensions broadcast.
    public var broadcastable: [Bool] { type.broadcastable }

    public static func == (a: TensorVariable, b: TensorVariable) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    public var description: String {
        if let name { return name }
        if let owner { return "\(owner.op)" + (owner.outputCount > 1 ? ".\(index)" : "") + ".out" }
        return "<\(type)>"
    }

    /// A fresh input variable of the same type, used when cloning graphs.
    package func cloneAsInput() -> TensorVariable { TensorVariable(type: type, name: name) }
}

package let nextVariableID = Atomic<Int>(1)

/// A variable with a fixed value.
public final class TensorConstant: TensorVariable, @unchecked Sendable {
    /// The constant's value.
    public let value: NDArray

    /// A constant holding `value`, its dimensions of size 1 broadcastable.
    public init(_ value: NDArray, name: String? = nil) {
        self.value = value
        super.init(type: TensorType(value.dtype, value.shape.map { $0 == 1 }), name: name)
    }

    /// A constant of a given type (used where broadcastability must not follow the shape).
    package init(_ value: NDArray, type: TensorType, name: String? = nil) {
        self.value = value
        super.init(type: type, name: name)
    }

    package override func cloneAsInput() -> TensorVariable { self }

    /// Whether every element equals `x`.
    package func isAll(_ x: Double) -> Bool {
        value.count > 0 && value.doubles.allSatisfy { $0 == x }
    }

    /// The one value of a constant whose elements are all equal, if they are.
    package var uniformValue: Double? {
        let d = value.doubles
        guard let first = d.first, d.allSatisfy({ $0 == first }) else { return nil }
        return first
    }
}

/// One application of an ``Op`` to input variables.
///
/// Outputs hold their node strongly, so the node keeps its outputs weakly and rebuilds a dropped one on
/// demand; nothing in a graph forms a reference cycle.
public final class Apply: @unchecked Sendable {
    /// The operation this node applies.
    public let op: any Op
    /// Mutable only inside a ``FunctionGraph``, which owns its cloned nodes; user graphs never change.
    public package(set) var inputs: [TensorVariable]
    /// The node the user built that this one was cloned or rewritten from, for error messages.
    package var origin: Apply?
    package let outputTypes: [TensorType]
    private var outputRefs: [WeakVariable]
    private let lock = Mutex<Void>(())

    package init(_ op: any Op, _ inputs: [TensorVariable]) {
        self.op = op
        self.inputs = inputs
        self.outputTypes = op.outputTypes(inputs.map(\.type))
        self.outputRefs = outputTypes.map { _ in WeakVariable() }
    }

    package var outputCount: Int { outputTypes.count }

    /// The variables this node computes.
    public var outputs: [TensorVariable] {
        lock.withLock { _ in
            (0..<outputTypes.count).map { i in
                if let v = outputRefs[i].value { return v }
                let v = TensorVariable(type: outputTypes[i], owner: self, index: i)
                outputRefs[i].value = v
                return v
            }
        }
    }

    /// The first output, for one-output ops.
    package var output: TensorVariable { outputs[0] }
}

package final class WeakVariable: @unchecked Sendable {
    package weak var value: TensorVariable?
}

extension TensorVariable {
    /// Which variable the user wrote, for error messages after the graph has been cloned and rewritten.
    package var isConstant: Bool { self is TensorConstant }
}
