#!/usr/bin/env bash
# How fast `[[tree]]` audits a large tree: ENTRIES files in 1,000 directories under a fixture
# root, `check --only tree` (owner, group, max modes, every entry stat'ed without following
# links), release build, median of several runs (hyperfine).
#   benchmarks/tree.sh [ENTRIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-100000}
runs=${2:-10}
. benchmarks/prepare.sh
root=$work/root
mkdir -p "$root"
chmod 0755 "$root"
mkdir -p "$root/etc" "$root/srv/store"
printf 'root:x:0:0::/root:/bin/sh\nsvc:x:990:990::/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nsvc:x:990:\n' > "$root/etc/group"
python3 - "$root/srv/store" "$entries" <<'PY'
import os, sys
base, total = sys.argv[1], int(sys.argv[2])
os.umask(0o027)
per = max(1, total // 1000)
made = 0
for d in range(1000):
    directory = os.path.join(base, f"case-{d:04d}")
    os.mkdir(directory, 0o750)
    for f in range(per):
        with open(os.path.join(directory, f"frame-{f:05d}.dcm"), "wb") as handle:
            handle.write(b"x")
        made += 1
print(f"{made} files in 1000 directories")
PY
chown -R 990:990 "$root/srv/store"
chmod 0750 "$root/srv/store"
cat > "$root/tree.toml" <<'TOML'
contract = "tree-benchmark"
schema = 1
[[tree]]
path = "/srv/store"
owner = "svc"
group = "svc"
max_dir_mode = "0750"
max_file_mode = "0640"
TOML
"$binary" check "$root/tree.toml" --root "$root" --only tree | tail -1
# Baseline: find(1) stat'ing every entry and printing owner, group and mode, judging nothing.
hyperfine --runs "$runs" --warmup 2 --export-json "$root/tree.json" -N \
    "$binary check $root/tree.toml --root $root --only tree" \
    "find $root/srv/store -printf '%U %G %m\\n'"
python3 - "$root/tree.json" "$entries" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"median {r['median'] * 1000:6.0f} ms  {r['command'].split(' ')[0].split('/')[-1]} ({sys.argv[2]} files)")
PY
