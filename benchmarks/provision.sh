#!/usr/bin/env bash
# Provisioning 10,000 directories on a fresh root: `hostcontract provision` against
# `systemd-tmpfiles --create` of the fragment `hostcontract tmpfiles` writes for the same
# contract (benchmarks/directories.py), release build, alternating runs, a fresh root for each
# run (made before it, not timed). The roots live on a tmpfs: on ext4, creating
# inodes right after deleting the last run's 10,000 scans past the recently deleted ones
# (ext4's recently_deleted), which costs both tools alike and drowns what they do themselves.
#   benchmarks/provision.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
. benchmarks/prepare.sh
shm=$(mktemp -d /dev/shm/hostcontract-bench.XXXXXX)
trap 'rm -rf "$work" "$shm"' EXIT
python3 benchmarks/directories.py "$work/directories.toml" "$work/etc"
"$binary" tmpfiles "$work/directories.toml" > "$work/directories.conf"
fresh="rm -rf $shm/root && mkdir -p $shm/root && cp -a $work/etc $shm/root/"
# One run of each first: both must build the same tree.
for tool in hostcontract tmpfiles; do
    eval "$fresh"
    if [ $tool = hostcontract ]; then "$binary" provision "$work/directories.toml" --root "$shm/root" >/dev/null
    else systemd-tmpfiles --create --root="$shm/root" "$work/directories.conf"; fi
    (cd "$shm/root" && find . -printf '%p %m %U %G\n' | sort) > "$work/$tool.tree"
done
cmp "$work/hostcontract.tree" "$work/tmpfiles.tree" || { echo "the two trees differ" >&2; exit 1; }
echo "tree: $(wc -l < "$work/hostcontract.tree") paths, the same from both"
python3 benchmarks/alternate.py --runs "$runs" \
    --command "hostcontract provision" "$binary provision $work/directories.toml --root $shm/root" \
    --prepare "hostcontract provision" "$fresh" \
    --command "systemd-tmpfiles --create" "systemd-tmpfiles --create --root=$shm/root $work/directories.conf" \
    --prepare "systemd-tmpfiles --create" "$fresh" \
    --ratio "hostcontract provision" "systemd-tmpfiles --create"
echo "target: hostcontract / systemd-tmpfiles at most 0.6"
