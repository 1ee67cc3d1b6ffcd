import Testing
@testable import Theano

/// Theano's tutorial "Conditions" (doc/tutorial/conditions.txt): IfElse vs Switch.
@Suite struct TutorialConditionsTests {
    /// "Example": both give the mean of the matrix the condition picks; the tutorial times them on
    /// 10000×1000 ones (smaller here: what matters is what each evaluates, below).
    @Test func ifelseAndSwitchGiveTheSameValue() throws {
        let ab = scalars("a", "b")
        let (a, b) = (ab[0], ab[1])
        let xy = matrices("x", "y")
        let (x, y) = (xy[0], xy[1])
        let zSwitch = `switch`(lt(a, b), x.mean(), y.mean())
        let zLazy = try ifelse(lt(a, b), x.mean(), y.mean())
        let fSwitch = try function([a, b, x, y], zSwitch)
        let fLazyifelse = try function([a, b, x, y], zLazy)
        let (val1, val2) = (0.0, 1.0)
        let bigMat1 = NDArray([Double](repeating: 1, count: 100 * 10), shape: [100, 10])
        let bigMat2 = NDArray([Double](repeating: 2, count: 100 * 10), shape: [100, 10])
        #expect(try fSwitch(val1, val2, bigMat1, bigMat2).item() == 1)
        #expect(try fLazyifelse(val1, val2, bigMat1, bigMat2).item() == 1)
        #expect(try fSwitch(val2, val1, bigMat1, bigMat2).item() == 2)
        #expect(try fLazyifelse(val2, val1, bigMat1, bigMat2).item() == 2)
    }

    /// "Whereas switch evaluates both output variables, ifelse is lazy and only evaluates one": a branch
    /// that would fail (a product of mismatched matrices) fails `switch` but not an `ifelse` that skips it.
    @Test func onlyIfelseIsLazy() throws {
        let a = scalar("a"), b = scalar("b")
        let x = matrix("x"), y = matrix("y")
        let failing = dot(y, y).mean()  // y is 2×3: the product cannot run
        let fSwitch = try function([a, b, x, y], `switch`(lt(a, b), x.mean(), failing))
        let fLazy = try function([a, b, x, y], try ifelse(lt(a, b), x.mean(), failing))
        let ones = NDArray([Double](repeating: 1, count: 4), shape: [2, 2]), wide = NDArray([Double](repeating: 1, count: 6), shape: [2, 3])
        let error = try #require(throws: TheanoError.self) { try fSwitch(0.0, 1.0, ones, wide) }
        #expect(error.message.contains("dot") || error.message.contains("Dot") || error.message.contains("Gemm"), "\(error.message)")
        #expect(try fLazy(0.0, 1.0, ones, wide).item() == 1)
        // Taking the other branch runs it, and fails there.
        #expect(throws: TheanoError.self) { try fLazy(1.0, 0.0, ones, wide) }
    }

    /// `switch` is elementwise, "more general than ifelse": a tensor condition picks per element,
    /// where `ifelse` takes one condition for the whole branch.
    @Test func switchIsElementwise() throws {
        let c = dvector("c"), x = dvector("x"), y = dvector("y")
        let f = try function([c, x, y], `switch`(c, x, y))
        #expect(try f([1, 0, 2], [1, 2, 3], [10, 20, 30]).doubles == [1, 20, 3])
    }
}
