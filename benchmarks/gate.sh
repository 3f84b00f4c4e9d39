#!/usr/bin/env bash
# What starting costs (`hostcontract --version`) and what the startup gate costs: `hostcontract gate contracts/lx-annotate.toml -- /bin/true` on the
# sample lx-annotate root (190 checks, nginx configuration, access traces) against `/bin/true`
# alone, release build, median of many runs (hyperfine).
#   benchmarks/gate.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
. benchmarks/prepare.sh
root=$work/root
bash examples/lx-annotate/make-root.sh "$root" >/dev/null
set -a
. "$root/var/lib/lx-annotate/.env.systemd"
set +a
hyperfine --runs "$runs" --warmup 5 --export-json "$root/gate.json" -N \
    "/bin/true" \
    "$binary --version" \
    "$binary gate contracts/lx-annotate.toml --root $root -- /bin/true" \
    "$binary check contracts/lx-annotate.toml --root $root --format json --output $root/report.json"
python3 - "$root/gate.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for r in results:
    print(f"median {r['median'] * 1000:8.1f} ms   {r['command'].split(' --root')[0]}")
PY
