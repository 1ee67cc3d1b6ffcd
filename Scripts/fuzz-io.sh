#!/usr/bin/env bash
# Fuzzes the .npy, .npz and gzip readers with libFuzzer and AddressSanitizer (both ship with the Swift
# toolchain on Linux), starting from the seeds numpy wrote in Tests/IOSeeds.
#
#   Scripts/fuzz-io.sh                       a short fixed-seed run, for CI: -runs=20000 -seed=1
#   Scripts/fuzz-io.sh -max_total_time=600   any libFuzzer options instead
#
# A crash, a sanitizer report, an input that runs over 10 s or a single allocation over 2 GiB stops the
# run with the input saved in .build-fuzz/artifacts/; `swift build --product TheanoFuzzIO &&
# .build/debug/TheanoFuzzIO <file>` replays it without the fuzzer. The build goes to .build-fuzz, so the
# normal .build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c debug --sanitize fuzzer --sanitize address --product TheanoFuzzIO \
    --scratch-path .build-fuzz -Xswiftc -DFUZZING

# libFuzzer adds what it finds to the corpus directory: work on a copy, not on the seeds.
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp Tests/IOSeeds/*.npy Tests/IOSeeds/*.npz Tests/IOSeeds/*.gz "$corpus"/
mkdir -p .build-fuzz/artifacts

if [ $# -eq 0 ]; then set -- -runs=20000 -seed=1; fi
.build-fuzz/debug/TheanoFuzzIO -max_len=4096 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -artifact_prefix=.build-fuzz/artifacts/ -print_final_stats=1 "$@" "$corpus"
