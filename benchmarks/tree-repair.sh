#!/usr/bin/env bash
# How fast `provision` repairs a `[[tree]]` of 1,000 directories of ENTRIES/1,000 files
# (1,001,001 entries by default), alternating with its peer, median ratios
# (benchmarks/alternate.py), peak memory:
#   - no-op (the tree already in line) against systemd-tmpfiles --create with a Z line on the
#     same tree: `Z /srv/store ~0750 990 990 -`. tmpfiles sets a mode where hostcontract only
#     clears bits beyond a maximum; with `~` tmpfiles keeps each r/w/x class a file lacks, so on
#     this tree (directories 0750, files 0640) both check every entry and change none.
#   - a change of every entry (the tree root-owned, made so untimed before each run) against
#     chown -R 990:990.
#   benchmarks/tree-repair.sh [ENTRIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000000}
runs=${2:-5}
. benchmarks/prepare.sh
. benchmarks/tree-fixture.sh
root=$work/root
tree "$root" "$entries"
store=$root/srv/store
echo 'Z /srv/store ~0750 990 990 -' > "$work/tree.conf"
provision="$binary provision $root/tree.toml --root $root"
$provision | tail -1
python3 benchmarks/alternate.py --runs "$runs" --warmup 1 \
    --command "provision, no-op" "$provision" \
    --command "systemd-tmpfiles Z, no-op" "systemd-tmpfiles --create --root=$root $work/tree.conf" \
    --ratio "provision, no-op" "systemd-tmpfiles Z, no-op"
python3 benchmarks/alternate.py --runs "$runs" --warmup 0 \
    --command "provision, every entry" "$provision" \
    --prepare "provision, every entry" "chown -R 0:0 $store" \
    --command "chown -R" "chown -R 990:990 $store" \
    --prepare "chown -R" "chown -R 0:0 $store" \
    --ratio "provision, every entry" "chown -R"
chown -R 0:0 "$store"
$binary provision "$root/tree.toml" --root "$root" --dry-run | tail -1
$provision | tail -1
$provision | tail -1
