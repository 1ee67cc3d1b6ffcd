import Testing
@testable import Theano

@Suite struct FunctionCallTests {
    /// A Swift scalar argument is stored into last call's array when nothing else holds it; a result,
    /// a view or a shared variable that holds it makes the next call use a fresh one.
    @Test func scalarArgumentsNeverOverwriteWhatACallerKept() throws {
        let x = dscalar("x"), s = shared(0.0, name: "s")
        let identity = try function([x], x)
        let first = try identity(1.0)
        let second = try identity(2.0)
        #expect(first.item() == 1.0 && second.item() == 2.0)
        let remember = try function([x], x + 1, updates: [(s, x)])
        try remember(3.0)
        let kept = s.getValue()
        try remember(4.0)
        #expect(kept.item() == 3.0 && s.getValue().item() == 4.0)
        // Other Swift types in the same slot convert as before.
        #expect(try identity(5).item() == 5.0)
        #expect(try identity(Float(0.5)).item() == 0.5)
        #expect(try identity(6.0).item() == 6.0)
        let f32 = fscalar("f")
        let half = try function([f32], f32 * 0.5)
        #expect(try half(Float(3)).item(as: Float.self) == 1.5)
        #expect(try half(2.0).item(as: Float.self) == 1.0)
        #expect(throws: TheanoError.self) { try half(0.1) }
        #expect(try half(Float(5)).item(as: Float.self) == 2.5)
    }

    @Test func aRaggedArgumentNamesTheFunctionAndTheArgument() throws {
        let x = dmatrix("x"), y = dmatrix("y")
        let add = try function([x, y], x + y, name: "add")
        let error = try #require(throws: TheanoError.self) { try add([[1, 2]], [[1, 2], [3]]) }
        #expect(error.kind == .shapeMismatch)
        #expect(error.message.hasPrefix("function 'add': argument 1 (y, TensorType(float64, matrix)) cannot become an array: "), "\(error.message)")
        #expect(error.message.contains("ragged"))
        let w = shared([[1.0, 2.0]], name: "W")
        let set = try #require(throws: TheanoError.self) { try w.setValue([[1.0, 2.0], [3.0]]) }
        #expect(set.message.hasPrefix("setValue of shared variable W: the value cannot become an array: "), "\(set.message)")
        #expect(w.getValue().doubles == [1, 2])
    }

    @Test func singleOutputReturnsAnArrayAndListsReturnLists() throws {
        let a = dmatrix("a"), b = dmatrix("b")
        let diff = a - b
        let f = try function([a, b], [diff, abs(diff), diff ** 2])
        let out = try f([[1.0, 1.0], [1.0, 1.0]], [[0.0, 1.0], [2.0, 3.0]])
        #expect(out.map(\.description) == ["[[ 1.  0.]\n [-1. -2.]]", "[[1. 0.]\n [1. 2.]]", "[[1. 0.]\n [1. 4.]]"])
    }

    @Test func defaultValuesFillMissingArguments() throws {
        let x = dscalar("x"), y = dscalar("y"), w = dscalar("w")
        let f = try function([x, In(y, value: 1), In(w, value: 2, name: "w_by_name")], (x + y) * w)
        #expect(try f(33).item() == 68)
        #expect(try f(33, 2).item() == 70)
        #expect(try f(33, 0, 1).item() == 33)
        let missing = try #require(throws: TheanoError.self) { try f() }
        #expect(missing.kind == .missingInput)
        #expect(throws: TheanoError.self) { try f(1, 2, 3, 4) }
    }

    @Test func allowInputDowncastCastsSilently() throws {
        let x = fvector("x")
        let f = try function([x], x * 2, allowInputDowncast: true)
        #expect(try f(NDArray([0.1, 0.2])).dtype == .float32)
    }

    @Test func updatesUseThePreCallStateAndLandTogether() throws {
        let a = shared(1.0, name: "a"), b = shared(2.0, name: "b")
        let swap = try function([], [a + b], updates: [(a, b), (b, a)])
        let out = try swap()
        #expect(out[0].item() == 3)
        #expect(a.value.item() == 2 && b.value.item() == 1)
    }

    @Test func aFailedCallChangesNoSharedVariable() throws {
        let w = shared([1.0, 2.0], name: "w")
        let count = shared(0, name: "count")
        let x = dvector("x")
        let f = try function([x], (w * x).sum(), updates: [(count, count + 1), (w, w - x)])
        #expect(throws: TheanoError.self) { try f([1.0, 2.0, 3.0]) }
        #expect(w.value.doubles == [1, 2])
        #expect(count.value.item(as: Int64.self) == 0)
        try f([1.0, 1.0])
        #expect(w.value.doubles == [0, 1] && count.value.item(as: Int64.self) == 1)
    }

    @Test func returnedArraysNeverAliasState() throws {
        let w = shared([1.0, 2.0], name: "w")
        let f = try function([], w)
        var out = try f()
        out.set([0], to: 99.0)
        #expect(w.value.doubles == [1, 2])
        var read = w.getValue()
        read.set([1], to: -1.0)
        #expect(w.value.doubles == [1, 2])
        #expect(try f().doubles == [1, 2])
    }

    @Test func givensReplaceVariables() throws {
        let x = dscalar("x"), y = dscalar("y"), z = dscalar("z")
        let f = try function([z], x * y, givens: [(x, z + 1), (y, z * 2)])
        #expect(try f(3).item() == 24)
    }

    @Test func sharedValuesCanBeReadAndSet() throws {
        let w = shared([0.1, 0.25, 0.15, 0.3], name: "W")
        #expect(w.type == TensorType(.float64, [false]))
        #expect(w.getValue().description == "[0.1  0.25 0.15 0.3 ]")
        try w.setValue([1.0, 2.0, 3.0, 4.0])
        #expect(w.value.doubles == [1, 2, 3, 4])
        try w.setValue([1, 2])
        #expect(w.value.doubles == [1, 2])
        #expect(throws: TheanoError.self) { try w.setValue([[1.0]]) }
        #expect(shared(0).dtype == .int64)
        #expect(shared(0.0).dtype == .float64)
    }

    @Test func evalCompilesOnce() throws {
        let x = dscalar("x")
        #expect(try (x * 2).eval([x: 4.0]).item() == 8)
    }
}

@Suite struct FunctionBuildErrors {
    @Test func updateTypeMismatchUsesTheanosMessage() throws {
        let w = shared([1.0, 2.0], name: "W")
        let error = try #require(throws: TheanoError.self) {
            try function([], updates: [(w, cast(w, .float32))])
        }
        #expect(error.kind == .invalidUpdate)
        #expect(error.message.contains("an update must have the same type as the original shared variable"))
        #expect(error.message.contains("TensorType(float64, vector)") && error.message.contains("TensorType(float32, vector)"))
    }

    @Test func sharedVariableAsExplicitInputIsRejected() throws {
        let w = shared([1.0], name: "W")
        let error = try #require(throws: TheanoError.self) { try function([w], w * 2) }
        #expect(error.message.contains("shared variable"))
    }

    @Test func duplicateUpdateTargetsAreRejected() throws {
        let w = shared(1.0, name: "W")
        let error = try #require(throws: TheanoError.self) { try function([], updates: [(w, w + 1), (w, w * 2)]) }
        #expect(error.message.contains("two updates"))
    }

    @Test func unknownGivensAreRejected() throws {
        let x = dscalar("x"), stranger = dscalar("stranger")
        let error = try #require(throws: TheanoError.self) { try function([x], x * 2, givens: [(stranger, x)]) }
        #expect(error.kind == .invalidGivens && error.message.contains("stranger"))
    }

    @Test func aGivensValueThatDependsOnWhatItReplacesIsRejectedAtBuild() throws {
        let x = dscalar("x"), y = dscalar("y"), z = dscalar("z")
        let selfReference = try #require(throws: TheanoError.self) {
            try function([y], x * 2, givens: [(x, x + y)])
        }
        #expect(selfReference.kind == .invalidGivens)
        #expect(selfReference.message.contains("givens replaces x by (x + y), which depends on x itself"), "\(selfReference.message)")
        let loop = try #require(throws: TheanoError.self) {
            try function([z], x + y, givens: [(x, y + z), (y, x * 2)])
        }
        #expect(loop.kind == .invalidGivens && loop.message.contains("x → y → x"), "\(loop.message)")
        let identity = try #require(throws: TheanoError.self) { try function([y], x + y, givens: [(x, x)]) }
        #expect(identity.kind == .invalidGivens && identity.message.contains("depends on x itself"), "\(identity.message)")
        // A chain without a cycle substitutes all the way down.
        #expect(try function([z], x + y, givens: [(x, y + z), (y, z * 2)])(1).item() == 5)
    }

    /// A chain of givens once compiled to a slot nothing filled, depending on the order a dictionary
    /// gave the replacements (most orders of six trapped with "Unexpectedly found nil").
    @Test func chainedGivensCompileInAnyOrder() throws {
        let z = dscalar("z")
        let xs = (0..<6).map { dscalar("x\($0)") }
        var givens = (0..<5).map { (xs[$0], xs[$0 + 1] + z) }
        givens.append((xs[5], z * 2))
        let f = try function([z], xs[0] * 1, givens: givens.shuffled())
        #expect(try f(1).item() == 7)
        #expect(try function([z], xs[0] * 1, givens: givens.reversed(), mode: .reference)(1).item() == 7)
    }

    @Test func anInputThatGivensReplacesIsNamed() throws {
        let x = dscalar("x"), z = dscalar("z")
        let error = try #require(throws: TheanoError.self) { try function([x, z], x * 2, givens: [(x, z + 1)]) }
        #expect(error.kind == .unusedInput)
        #expect(error.message.contains("input 0 (x) is replaced by givens with (z + 1), so its argument would be ignored"), "\(error.message)")
        let ignored = try function([x, z], x * 2, givens: [(x, z + 1)], onUnusedInput: .ignore)
        #expect(try ignored(100, 1).item() == 4)
    }

    @Test func aVariableGivenTwiceIsADuplicateKey() throws {
        let x = dscalar("x"), a = dscalar("a"), b = dscalar("b")
        let error = try #require(throws: TheanoError.self) { try function([a, b], x * 2, givens: [(x, a), (x, b)]) }
        #expect(error.kind == .invalidGivens)
        #expect(error.message.contains("givens replaces x twice, by a and by b"), "\(error.message)")
    }

    /// Variables above a replaced one are not read, so they need no input, and shared ones are not locked.
    @Test func whatGivensCutsOffIsNotRequired() throws {
        let x = dscalar("x"), z = dscalar("z"), w = shared(3.0, name: "w")
        let hidden = x * w
        let f = try function([z], hidden + 1, givens: [(hidden, z * 2)])
        #expect(try f(5).item() == 11)
        #expect(f.sharedReads.isEmpty)
        // A replacement for a variable cut off that way is allowed, and has no effect.
        let g = try function([z], hidden + 1, givens: [(hidden, z * 2), (x, z)])
        #expect(try g(5).item() == 11)
    }

    @Test func anUnknownConfigModeIsAnErrorNamingIt() throws {
        let fromFlags = TheanoConfig(flags: "mode=BOGUS")
        let error = try #require(throws: TheanoError.self) { try fromFlags.defaultMode(for: "function") }
        #expect(error.kind == .badArgument)
        #expect(error.message == "function: config.mode is 'BOGUS' (set by THEANO_FLAGS=mode=BOGUS), which is not a mode; expected one of FAST_RUN, FAST_COMPILE, NONE, REFERENCE, DebugMode, NanGuardMode, or pass mode: explicitly")
        let fromCode = TheanoConfig(flags: nil)
        fromCode.mode = "FASTRUN"
        let typo = try #require(throws: TheanoError.self) { try fromCode.defaultMode(for: "function 'train'") }
        #expect(typo.message.hasPrefix("function 'train': config.mode is 'FASTRUN' (set by config.mode = \"FASTRUN\")"), "\(typo.message)")
        fromCode.mode = "fast_compile"
        #expect(try fromCode.defaultMode(for: "function") == .fastCompile)
    }

    /// The whole path, in a child process: the flag is read at start-up and the first `function` throws.
    @Test(.enabled(if: GeneratedCTests.theanoExecutable != nil))
    func anUnknownModeInTheanoFlagsStopsTheFirstFunction() throws {
        let run = GeneratedCTests.finish(try GeneratedCTests.launch(["examples", "--only", "logistic"], environment: ["THEANO_FLAGS": "mode=BOGUS"]))
        #expect(run.status != 0)
        #expect(run.output.contains("config.mode is 'BOGUS' (set by THEANO_FLAGS=mode=BOGUS), which is not a mode"), "\(run.output)")
    }

    @Test func missingAndUnusedInputsAreNamed() throws {
        let x = dscalar("x"), y = dscalar("y")
        let missing = try #require(throws: TheanoError.self) { try function([x], x + y) }
        #expect(missing.kind == .missingInput && missing.message.contains("y"))
        let unused = try #require(throws: TheanoError.self) { try function([x, y], x * 2) }
        #expect(unused.kind == .unusedInput && unused.message.contains("y"))
        #expect(try function([x, y], x * 2, onUnusedInput: .ignore)(1, 2).item() == 2)
    }
}

@Suite struct GradErrors {
    @Test func nonScalarCostIsAnError() throws {
        let x = dvector("x")
        let error = try #require(throws: TheanoError.self) { try grad(x * 2, wrt: x) }
        #expect(error.kind == .nonScalarCost)
    }

    @Test func disconnectedInputsRaiseOrGiveZeros() throws {
        let x = dscalar("x"), w = dvector("w")
        let error = try #require(throws: TheanoError.self) { try grad(x * 2, wrt: w) }
        #expect(error.kind == .disconnectedInput && error.message.contains("w"))
        let zeros = try grad(x * 2, wrt: [x, w], disconnectedInputs: .returnZeros)
        #expect(try function([x, w], zeros[1], onUnusedInput: .ignore)(1, [1.0, 2.0]).doubles == [0, 0])
    }

    @Test func integerVariablesAreSaidToHaveNoGradient() throws {
        let n = iscalar("n"), x = dscalar("x")
        let cost = x * cast(n, .float64)
        let error = try #require(throws: TheanoError.self) { try grad(cost, wrt: n) }
        #expect(error.kind == .disconnectedInput)
        #expect(error.message.contains("with respect to n (TensorType(int32, scalar)), which is an integer variable: discrete variables have no gradient"), "\(error.message)")
        #expect(!error.message.contains("not part of the graph"))
        let zeros = try grad(cost, wrt: [x, n], disconnectedInputs: .returnZeros)
        #expect(try function([x, n], zeros[1], onUnusedInput: .ignore)(2.0, 3).item(as: Int64.self) == 0)
        // An integer the cost does not read is still disconnected.
        let stranger = try #require(throws: TheanoError.self) { try grad(cost, wrt: iscalar("m")) }
        #expect(stranger.message.contains("m (TensorType(int32, scalar)), which is not part of the graph"), "\(stranger.message)")
    }

    @Test func gradientsSumOverRepeatedUse() throws {
        let x = dscalar("x")
        let g = try grad(x * x * x + x, wrt: x)
        #expect(try g.eval([x: 2.0]).item() == 13)
    }

    @Test func considerConstantStopsTheGradient() throws {
        let x = dscalar("x")
        let y = x * x
        let g = try grad(y * x, wrt: x, considerConstant: [y])
        #expect(try g.eval([x: 3.0]).item() == 9)
    }
}
