import Synchronization
import Foundation

/// A serial per collective node, so the merge pass never makes two collectives one: each is a
/// communication every rank performs, and merging must not depend on what a rank's graph happens to hold.
private let collectiveSerial = Atomic(0)

/// Every rank's `x` combined elementwise (see ``allReduce(_:op:communicator:)``). A stateful op: it
/// talks to other processes, so constant folding never runs it at compile time.
public struct AllReduce: StatefulOp {
    /// How values combine.
    public let operation: ReduceOperation
    /// The processes taking part.
    public let communicator: Communicator
    /// Distinguishes collectives that would otherwise be equal, so none are merged.
    public let serial: Int

    public var description: String { "AllReduce{\(operation.rawValue)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [inputs[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try communicator.reducing(inputs[0], operation, operation: "allReduce(\(operation.rawValue))")]
    }

    /// The cost is the sum of every rank's cost. A sum's adjoint is a sum (and a mean's a mean) of the
    /// output gradients; the maximum has none here.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil] }
        switch operation {
        case .sum, .mean: return [allReduce(g, op: operation, communicator: communicator)]
        case .max:
            throw TheanoError(.unsupported, "grad: allReduce(max) has no gradient in this package; use sum or mean")
        }
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }
}

/// `root`'s `x` on every rank (see ``broadcast(_:root:communicator:)``).
public struct Broadcast: StatefulOp {
    /// The rank whose value every rank receives.
    public let root: Int
    /// The processes taking part.
    public let communicator: Communicator
    /// Distinguishes collectives that would otherwise be equal, so none are merged.
    public let serial: Int

    public var description: String { "Broadcast{root=\(root)}" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] { [inputs[0]] }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try communicator.broadcasting(inputs[0], root: root, operation: "broadcast")]
    }

    /// Only the root's input reaches any cost: it receives the sum of every rank's output gradient.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil] }
        let summed = allReduce(g, op: .sum, communicator: communicator)
        return [communicator.rank == root ? summed : summed * zerosLike(summed)]
    }

    public func inferShape(_ inputs: [TensorVariable], _ inputShapes: [[TensorVariable]]) -> [[TensorVariable]]? { [inputShapes[0]] }
}

/// Every rank's `x` stacked in rank order along a new first axis (see ``allGather(_:communicator:)``).
public struct AllGather: StatefulOp {
    /// The processes taking part.
    public let communicator: Communicator
    /// Distinguishes collectives that would otherwise be equal, so none are merged.
    public let serial: Int

    public var description: String { "AllGather" }

    public func outputTypes(_ inputs: [TensorType]) -> [TensorType] {
        [TensorType(inputs[0].dtype, [communicator.size == 1] + inputs[0].broadcastable)]
    }

    public func perform(_ inputs: [NDArray]) throws -> [NDArray] {
        [try communicator.gathering(inputs[0], operation: "allGather")]
    }

    /// Rank q's input appears at row q of every rank's output: its gradient is row q of the summed output gradients.
    public func grad(_ inputs: [TensorVariable], _ outputs: [TensorVariable], _ outputGrads: [TensorVariable?]) throws -> [TensorVariable?] {
        guard let g = outputGrads[0] else { return [nil] }
        return [allReduce(g, op: .sum, communicator: communicator)[.index(communicator.rank)]]
    }
}

/// Every rank's `x` combined elementwise: `.sum` and `.mean` add in rank order, so every rank gets the
/// same bits; on a single process it is `x`. Every rank must pass the same dtype and shape.
public func allReduce(_ x: TensorVariable, op: ReduceOperation = .sum, communicator: Communicator = .single) -> TensorVariable {
    AllReduce(operation: op, communicator: communicator, serial: collectiveSerial.add(1, ordering: .relaxed).oldValue)(x)
}

/// `root`'s `x` on every rank; on a single process it is `x`. Every rank must pass the same dtype and shape.
public func broadcast(_ x: TensorVariable, root: Int = 0, communicator: Communicator = .single) -> TensorVariable {
    precondition(root >= 0 && root < communicator.size, "broadcast: root \(root) is not a rank of \(communicator)")
    return Broadcast(root: root, communicator: communicator, serial: collectiveSerial.add(1, ordering: .relaxed).oldValue)(x)
}

/// Every rank's `x` stacked in rank order along a new first axis of length `communicator.size`.
public func allGather(_ x: TensorVariable, communicator: Communicator = .single) -> TensorVariable {
    AllGather(communicator: communicator, serial: collectiveSerial.add(1, ordering: .relaxed).oldValue)(x)
}
