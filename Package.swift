// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Theano",
    products: [
        .library(name: "Theano", targets: ["Theano"]),
        .executable(name: "theano", targets: ["TheanoCLI"]),
        .executable(name: "theano-bench", targets: ["TheanoBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Hand-written C kernels: flag-free, with per-function target attributes and runtime CPU dispatch,
        // so the package stays usable as a dependency (SwiftPM refuses unsafeFlags there).
        .target(name: "CTheanoKernels"),
        // Arrays and their kernels: dtypes, NDArray, storage, errors. No graph code.
        .target(
            name: "TheanoArrays",
            dependencies: [
                "CTheanoKernels",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // The system zlib, for reading .npz members and .gz files with our own bounded inflate loop.
        .systemLibrary(name: "CTheanoZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // The graph and its machinery: types, variables, Apply, Op, FunctionGraph, the rewrite database's
        // mechanism, Mode and config, the Program/Backend protocols and the reference interpreter.
        .target(name: "TheanoGraph", dependencies: ["TheanoArrays", .product(name: "Numerics", package: "swift-numerics")]),
        // The ops, each defined once (reference, gradient, C template), their gradients, and the rewrite
        // content with the standard database.
        .target(
            name: "TheanoTensor",
            dependencies: ["TheanoGraph", "CTheanoKernels", .product(name: "Numerics", package: "swift-numerics")]
        ),
        // The plug-in backends: reference, the CPU VM with its kernel table and generated C, BLAS and LAPACK.
        .target(name: "TheanoBackends", dependencies: ["TheanoTensor", "CTheanoKernels"]),
        // `function`, `In`, calls and their atomic commits, `verifyGrad`.
        .target(name: "TheanoCompile", dependencies: ["TheanoBackends"]),
        // What users import: every layer below, plus printing and I/O.
        .target(
            name: "Theano",
            dependencies: [
                "TheanoCompile",
                "CTheanoZlib",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // The programs the `theano` command runs and the documentation shows: the tutorials, the
        // articles' examples, digits training. A library, so the tests run exactly what the docs print.
        .target(name: "TheanoExamples", dependencies: ["Theano"]),
        .executableTarget(
            name: "TheanoCLI",
            dependencies: ["Theano", "TheanoExamples", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "TheanoBench", dependencies: ["Theano"]),
        // The libFuzzer target of the .npy, .npz and gzip readers (Scripts/fuzz-io.sh); built plainly,
        // it replays the files it is given.
        .executableTarget(name: "TheanoFuzzIO", dependencies: ["Theano"]),
        // The program the MPI tests start under mpirun: one scenario per run, one line per fact.
        .executableTarget(name: "TheanoMPITestProgram", dependencies: ["Theano"]),
        .testTarget(name: "TheanoTests", dependencies: ["Theano", "TheanoArrays"]),
        .testTarget(
            name: "TheanoExamplesTests",
            dependencies: ["TheanoExamples", "Theano", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ]
)
