import Testing
@testable import Theano

/// Sums, maxima and minima over leading axes run in C at the vector width of the path in use, and give
/// the bits of `Reduce.perform`, the reference: rows fold into each kept element in row order, and a NaN
/// anywhere in a column is the column's maximum and minimum.
@Suite struct AxisReductionKernelTests {
    /// Values in [-1, 1) whose sums depend on their order, with some zeros of both signs and, when asked, NaNs.
    static func values(_ shape: [Int], _ dtype: DType, seed: UInt64, nans: Bool = false) -> NDArray {
        var generator = SplitMix64(seed: seed)
        let count = shape.reduce(1, *)
        let v = (0..<count).map { i -> Double in
            let u = generator.nextUnit()
            if nans && i % 37 == 5 { return .nan }
            if i % 23 == 3 { return i % 2 == 0 ? 0.0 : -0.0 }
            return 2 * u - 1
        }
        return NDArray(v, shape: shape).astype(dtype)
    }

    static func bits(_ a: NDArray) -> [UInt64] { a.doubles.map(\.bitPattern) }

    /// The kernel's answer and the reference's, as bit patterns.
    static func both(_ kind: Reduce.Kind, _ x: NDArray, axes: [Int]) throws -> (kernel: [UInt64], reference: [UInt64]) {
        let kernel = try #require(ReduceKernels.reduce(kind, x, axes: axes), "the kernel takes \(x.shape) over \(axes)")
        let reference = try Reduce(kind, axes: axes).perform([x])[0]
        #expect(kernel.shape == reference.shape)
        return (bits(kernel), bits(reference))
    }

    static let rowCounts = [1, 2, 3, 4, 5, 8, 9]
    static let columnCounts = [1, 7, 8, 9, 33, 1003, 1025, 2051]

    @Test(arguments: [DType.float32, .float64])
    func leadingAxisSumsMaximaAndMinimaMatchTheReferenceBitForBit(_ dtype: DType) throws {
        for kind in [Reduce.Kind.sum, .max, .min] {
            for rows in Self.rowCounts {
                for cols in Self.columnCounts {
                    let x = Self.values([rows, cols], dtype, seed: UInt64(rows * 10_000 + cols))
                    let (kernel, reference) = try Self.both(kind, x, axes: [0])
                    #expect(kernel == reference, "\(kind) of \(dtype) \(rows)×\(cols) on \(CPUISA.active)")
                }
            }
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func aNaNInAColumnIsItsSumMaximumAndMinimum(_ dtype: DType) throws {
        for kind in [Reduce.Kind.sum, .max, .min] {
            for (rows, cols) in [(1, 40), (5, 9), (9, 33), (13, 1003)] {
                let x = Self.values([rows, cols], dtype, seed: UInt64(rows + cols), nans: true)
                let (kernel, reference) = try Self.both(kind, x, axes: [0])
                #expect(kernel == reference, "\(kind) of \(dtype) \(rows)×\(cols) with NaNs on \(CPUISA.active)")
                let nanColumns = (0..<cols).filter { j in (0..<rows).contains { (($0 * cols + j) % 37) == 5 } }
                let out = try #require(ReduceKernels.reduce(kind, x, axes: [0])).doubles
                #expect(nanColumns.allSatisfy { out[$0].isNaN } && out.filter(\.isNaN).count == nanColumns.count)
            }
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func severalLeadingAxesFoldAsOneRun(_ dtype: DType) throws {
        let x = Self.values([3, 5, 7, 9], dtype, seed: 11)
        for kind in [Reduce.Kind.sum, .max, .min] {
            for axes in [[0, 1], [0, 1, 2]] {
                let (kernel, reference) = try Self.both(kind, x, axes: axes)
                #expect(kernel == reference, "\(kind) over \(axes) of \(dtype) on \(CPUISA.active)")
            }
        }
    }

    /// Large enough to split its columns over the cores, which must not change any element's order.
    @Test(arguments: [DType.float32, .float64])
    func aSplitOverTheCoresKeepsTheBits(_ dtype: DType) throws {
        let x = Self.values([301, 4099], dtype, seed: 5, nans: true)
        for kind in [Reduce.Kind.sum, .max, .min] {
            let (kernel, reference) = try Self.both(kind, x, axes: [0])
            #expect(kernel == reference, "\(kind) of \(dtype) 301×4099 on \(CPUISA.active)")
        }
    }

    /// numpy 2: `x = 1 / (1 + np.arange(3009.).reshape(1003, 3)); x[::2] *= -1.5; x.sum(axis=0)`. Rows
    /// are added in order; numpy's pairwise sum of the first column alone gives -1.881653673956263.
    @Test func aCompiledColumnSumGivesNumpysBits() throws {
        var v = (0..<3009).map { 1 / (1 + Double($0)) }
        for r in stride(from: 0, to: 1003, by: 2) { for j in 0..<3 { v[r * 3 + j] *= -1.5 } }
        let m = dmatrix("m")
        let f = try function([m], m.sum(axis: 0))
        let result = try f(NDArray(v, shape: [1003, 3]))
        #expect(result.doubles == [-1.8816536739562622, -1.1529087021321869, -0.91305767143449], "on \(CPUISA.active)")
    }

    /// Rows' maxima and minima (softmax's `max(x, axis=-1)`): the first NaN, else the first of equal
    /// best values, so a row of zeros of both signs gives the sign of its first zero.
    @Test(arguments: [DType.float32, .float64])
    func trailingAxisMaximaAndMinimaMatchTheReferenceBitForBit(_ dtype: DType) throws {
        for kind in [Reduce.Kind.max, .min] {
            for n in [1, 3, 4, 5, 7, 8, 9, 16, 17, 33, 1003] {
                for nans in [false, true] {
                    let x = Self.values([5, n], dtype, seed: UInt64(n), nans: nans)
                    let (kernel, reference) = try Self.both(kind, x, axes: [1])
                    #expect(kernel == reference, "\(kind) of \(dtype) 5×\(n)\(nans ? " with NaNs" : "") on \(CPUISA.active)")
                }
                // Zeros of alternating sign among values they beat, one row per offset of the first zero.
                let zeros = NDArray((0..<(5 * n)).map { k -> Double in
                    let (row, i) = (k / n, k % n)
                    return (i + row) % 5 == 1 ? ((i / 3) % 2 == 0 ? 0.0 : -0.0) : (kind == .max ? -1 : 1)
                }, shape: [5, n]).astype(dtype)
                let (kernel, reference) = try Self.both(kind, zeros, axes: [1])
                #expect(kernel == reference, "\(kind) of signed zeros, \(dtype) 5×\(n) on \(CPUISA.active)")
            }
        }
        // One long run, split over the cores.
        let long = Self.values([1 << 18 + 3], dtype, seed: 9)
        for kind in [Reduce.Kind.max, .min] {
            let (kernel, reference) = try Self.both(kind, long, axes: [0])
            #expect(kernel == reference, "\(kind) of \(1 << 18 + 3) \(dtype) on \(CPUISA.active)")
        }
    }

    /// These run the reference.
    @Test func emptyRunsAndViewsThatAreNotContiguousAreDeclined() {
        #expect(ReduceKernels.reduce(.sum, NDArray([Double](), shape: [0, 4]), axes: [0]) == nil)
        // A transposed view is not contiguous: the reference runs it.
        #expect(ReduceKernels.reduce(.sum, Self.values([4, 6], .float64, seed: 1).transposed([1, 0]), axes: [0]) == nil)
    }
}

/// `argmax` and `argmin` along the last axis run in C at the path's vector width and give the reference's
/// index: the first of equal best values (zeros of both signs are equal), or the first NaN.
@Suite struct ArgReduceKernelTests {
    /// Small integers, so ties are common, with zeros of both signs; NaNs at `nanEvery` when given.
    static func ties(_ shape: [Int], _ dtype: DType, seed: UInt64, nanEvery: Int? = nil) -> NDArray {
        var generator = SplitMix64(seed: seed)
        let v = (0..<shape.reduce(1, *)).map { i -> Double in
            let k = Int(generator.nextUnit() * 7) - 5
            if let every = nanEvery, i % every == every - 1 { return .nan }
            return k == 0 ? (i % 2 == 0 ? 0.0 : -0.0) : Double(k) + (k == 1 ? 0.25 : 0)
        }
        return NDArray(v, shape: shape).astype(dtype)
    }

    static func check(_ x: NDArray, axis: Int?, _ label: String) throws {
        for isMax in [true, false] {
            let kernel = try #require(ReduceKernels.argReduce(isMax: isMax, x, axis: axis), "takes \(label)")
            let reference = try ArgReduce(isMax: isMax, axis: axis).perform([x])[0]
            #expect(kernel.shape == reference.shape)
            #expect(kernel.scalars(as: Int64.self) == reference.scalars(as: Int64.self),
                    "\(isMax ? "argmax" : "argmin") \(label) on \(CPUISA.active)")
        }
    }

    static let lengths = [1, 3, 4, 5, 7, 8, 9, 16, 17, 33, 1003]

    @Test(arguments: [DType.float32, .float64])
    func eachRowGivesTheReferencesIndex(_ dtype: DType) throws {
        for n in Self.lengths {
            try Self.check(Self.ties([6, n], dtype, seed: UInt64(n)), axis: 1, "\(dtype) 6×\(n)")
            try Self.check(Self.ties([2, 3, n], dtype, seed: UInt64(n + 1)), axis: 2, "\(dtype) 2×3×\(n)")
            try Self.check(Self.ties([3, n], dtype, seed: UInt64(n + 2)), axis: nil, "\(dtype) 3×\(n) flattened")
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func theFirstNaNOfARowIsItsAnswer(_ dtype: DType) throws {
        for n in Self.lengths {
            for every in [1, 2, 5, 11, 40] {
                try Self.check(Self.ties([4, n], dtype, seed: UInt64(n * every), nanEvery: every), axis: 1, "\(dtype) 4×\(n), NaN every \(every)")
            }
        }
    }

    /// numpy 2: `np.argmax([[1, 3, 3, 0], [-0., 0., -1, 0.]], axis=1)` is `[1, 0]`; argmin is `[3, 2]`.
    @Test func theCPUVMRunsTheKernelWithNumpysAnswers() throws {
        #expect(KernelTable.cpu.implementation(for: ArgReduce(isMax: true, axis: 1)) != nil)
        let m = dmatrix("m")
        let f = try function([m], [m.argmax(axis: 1), m.argmin(axis: 1)])
        let results = try f(NDArray([1, 3, 3, 0, -0.0, 0.0, -1, 0.0], shape: [2, 4]))
        #expect(results[0].scalars(as: Int64.self) == [1, 0])
        #expect(results[1].scalars(as: Int64.self) == [3, 2])
    }

    /// These run the reference, which also throws for an empty axis.
    @Test func otherAxesAndEmptyRowsAreDeclined() throws {
        let x = Self.ties([4, 6], .float64, seed: 3)
        #expect(ReduceKernels.argReduce(isMax: true, x, axis: 0) == nil)
        #expect(ReduceKernels.argReduce(isMax: true, x.transposed([1, 0]), axis: 1) == nil)
        #expect(ReduceKernels.argReduce(isMax: true, NDArray([Double](), shape: [3, 0]), axis: 1) == nil)
        #expect(ReduceKernels.argReduce(isMax: true, x.astype(.int64), axis: 1) == nil)
    }
}
