import CTheanoKernels

/// glibc's libmvec, by libm function name, for contiguous float32 and float64 blocks.
///
/// A block is computed in groups of one vector through the AVX-512 or AVX2 entry points and the rest
/// through libm, so every caller that goes through here (the VM and the generated C kernels) gets the
/// same bits for the same block.
package enum VectorMath {
    /// The handle of `name` (`"exp"`), or nil when libmvec, AVX2 or either form of the function is missing.
    package static func handle(_ name: String) -> Int32? {
        _ = CPUISA.active
        let h = theano_vmath_find(name)
        return h >= 0 ? h : nil
    }

    /// Computes `n` values of the function into `o` (which may be `a`); false when the caller must use its own loop.
    @inline(__always)
    package static func apply<T: FloatTensorElement>(_ handle: Int32, _ a: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) -> Bool {
        if T.self == Float.self {
            return theano_vmath_float(handle, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), n) != 0
        }
        if T.self == Double.self {
            return theano_vmath_double(handle, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Double.self), n) != 0
        }
        return false
    }

    package static var available: Bool { _ = CPUISA.active; return theano_vmath_available() != 0 }

    /// Whether the AVX-512 forms are in use (groups of 16 floats or 8 doubles) rather than the AVX2 ones.
    package static var usesAVX512: Bool { _ = CPUISA.active; return theano_vmath_isa() == 3 }
}
