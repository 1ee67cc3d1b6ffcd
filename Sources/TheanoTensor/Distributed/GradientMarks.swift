import Synchronization

/// The variables `grad` returned, and with respect to what, so a data-parallel `function` can find the
/// gradients inside its updates and average them across ranks. Weak: marks vanish with their variables.
package enum GradientMarks {
    private final class Mark: @unchecked Sendable {
        weak var gradient: TensorVariable?
        weak var wrt: TensorVariable?
        init(_ gradient: TensorVariable, _ wrt: TensorVariable) { self.gradient = gradient; self.wrt = wrt }
    }
    private static let marks = Mutex<[ObjectIdentifier: Mark]>([:])

    /// Records `gradient` as a gradient with respect to `wrt`.
    package static func record(_ gradient: TensorVariable, wrt: TensorVariable) {
        marks.withLock { table in
            if table.count > 4096 { table = table.filter { $0.value.gradient != nil } }
            table[ObjectIdentifier(gradient)] = Mark(gradient, wrt)
        }
    }

    /// What `variable` is the gradient with respect to, if `grad` returned it.
    package static func wrt(of variable: TensorVariable) -> TensorVariable? {
        marks.withLock { table in
            guard let mark = table[ObjectIdentifier(variable)], mark.gradient === variable else { return nil }
            return mark.wrt
        }
    }
}
