#!/usr/bin/env bash
# Builds the DocC archive of `import Theano`: the catalog in Sources/Theano/Theano.docc over the symbols
# of every layer the Theano module re-exports. `swift package generate-documentation` documents only a
# target's own declarations (swift-docc-plugin issue #113), so this extracts the symbol graph itself.
# Extra arguments go to `docc convert` (CI passes --warnings-as-errors).
# Output: .build/docs/Theano.doccarchive (`docc preview` serves the same catalog).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --target Theano
bin=$(swift build --show-bin-path)
triple=$(swift -print-target-info | sed -n 's/.*"unversionedTriple": "\(.*\)".*/\1/p' | head -1)
layers=TheanoArrays,TheanoGraph,TheanoTensor,TheanoBackends,TheanoCompile
maps=(
    "$bin/CTheanoKernels.build/module.modulemap"
    Sources/CTheanoZlib/module.modulemap
    .build/checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap
    .build/checkouts/ZIPFoundation/Sources/CZLib/module.modulemap
)
flags=()
for map in "${maps[@]}"; do flags+=(-Xcc "-fmodule-map-file=$map"); done
graphs=.build/docs/symbol-graphs
rm -rf "$graphs" && mkdir -p "$graphs"
swift-symbolgraph-extract -module-name Theano -target "$triple" -I "$bin/Modules" \
    "${flags[@]}" -minimum-access-level public \
    -experimental-allowed-reexported-modules="$layers" -output-dir "$graphs"
docc convert Sources/Theano/Theano.docc --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name Theano --fallback-bundle-identifier org.theano-swift.Theano \
    --output-path .build/docs/Theano.doccarchive "$@"
echo "Documentation: .build/docs/Theano.doccarchive"
