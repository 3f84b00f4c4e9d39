#!/usr/bin/env bash
# How fast `[[tree]]` audits a large tree, warm cache: 1,000 directories of ENTRIES/1,000 files
# under one top (1,001,001 entries by default), `check --only tree` (owner, group, max modes,
# every entry stat'ed without following links) with 1 thread, 2 threads and one per CPU
# (HOSTCONTRACT_THREADS), against the floor, a 2-thread C walker doing the same system calls and
# judgments (benchmarks/tree-walker.c: readdir + fstatat, counting violations), and GNU find
# with the same predicates. Alternating runs, median ratios (benchmarks/alternate.py); peak
# memory, and peak memory over a tree a tenth the size (flat: it holds no tree).
#   benchmarks/tree.sh [ENTRIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000000}
runs=${2:-10}
. benchmarks/prepare.sh
cc -O2 -pthread -o "$work/tree-walker" benchmarks/tree-walker.c

. benchmarks/tree-fixture.sh
root=$work/root
tree "$root" "$entries"
store=$root/srv/store
check="$binary check $root/tree.toml --root $root --only tree"
find_same="find $store '(' ! -uid 990 -o ! -gid 990 -o '(' -type d -perm /7027 ')' -o '(' ! -type d ! -type l -perm /7137 ')' ')' -print"
$check | tail -1
"$work/tree-walker" 2 "$store" 990 990 0750 0640
echo "find: $(sh -c "$find_same" | wc -l) entries with a violation"
all=$(nproc)
python3 benchmarks/alternate.py --runs "$runs" --warmup 1 \
    --command "hostcontract, 1 thread" "env HOSTCONTRACT_THREADS=1 $check" \
    --command "hostcontract, 2 threads" "env HOSTCONTRACT_THREADS=2 $check" \
    --command "hostcontract, $all threads (all)" "$check" \
    --command "C walker, 2 threads" "$work/tree-walker 2 $store 990 990 0750 0640" \
    --command "GNU find" "$find_same" \
    --ratio "hostcontract, 2 threads" "C walker, 2 threads" \
    --ratio "hostcontract, $all threads (all)" "C walker, 2 threads" \
    --ratio "GNU find" "hostcontract, $all threads (all)" \
    --ratio "hostcontract, 1 thread" "hostcontract, 2 threads"
# Flat memory: the same audit over a tree a tenth the size.
small=$work/small
tree "$small" $((entries / 10)) >/dev/null
for r in "$small" "$root"; do
    n=$(find "$r/srv/store" | wc -l)
    /usr/bin/time -f "max RSS %M KiB: hostcontract, all threads, $n entries" \
        "$binary" check "$r/tree.toml" --root "$r" --only tree >/dev/null || true
done
