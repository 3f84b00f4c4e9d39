#!/usr/bin/env bash
# Loading a contract of 10,000 [[directory]] entries (benchmarks/directories.py): `hostcontract
# lint` against Python's tomllib parsing the same file and nothing more (a parse-only floor: no
# tool lints contracts), and against the floor of the required stack: swift-argument-parser and
# TOMLKit parsing the file and visiting every value (benchmarks/parser-floor, toml-floor);
# release build, alternating runs. Target: lint under 100 ms.
#   benchmarks/lint.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
. benchmarks/prepare.sh
swift build --package-path benchmarks/parser-floor -c release --static-swift-stdlib -q
floors=$(swift build --package-path benchmarks/parser-floor -c release --static-swift-stdlib --show-bin-path)
python3 benchmarks/directories.py "$work/directories.toml"
"$binary" lint "$work/directories.toml"
python3 benchmarks/alternate.py --runs "$runs" \
    --command "hostcontract lint" "$binary lint $work/directories.toml" \
    --command "python3 tomllib parse" "python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], \"rb\"))' $work/directories.toml" \
    --command "TOMLKit parse and visit" "$floors/toml-floor lint $work/directories.toml" \
    --ratio "hostcontract lint" "python3 tomllib parse" \
    --ratio "hostcontract lint" "TOMLKit parse and visit"
echo "target: hostcontract lint under 100 ms"
