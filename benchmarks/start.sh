#!/usr/bin/env bash
# What starting costs, against the floor in the same run (alternating runs, median ratios):
#   - `hostcontract --version` against /bin/true;
#   - `check` of a small contract (13 directories, a file, a key, an environment file of 25
#     variables: about 40 checks) against one C process making the same system calls
#     (benchmarks/check-floor.c);
#   - `gate contracts/lx-annotate.toml -- /bin/true` on the sample lx-annotate root against
#     /bin/true alone (the difference is what the gate adds to a service's start).
# Each also runs beside the floors the required stack sets (benchmarks/parser-floor): a static
# Swift program that does nothing, one whose only work is swift-argument-parser parsing the
# gate's options, and one that then also parses the contract with TOMLKit and visits every value.
#   benchmarks/start.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
. benchmarks/prepare.sh
cc -O2 -o "$work/check-floor" benchmarks/check-floor.c
swift build --package-path benchmarks/parser-floor -c release --static-swift-stdlib -q
floors=$(swift build --package-path benchmarks/parser-floor -c release --static-swift-stdlib --show-bin-path)

# The small contract and its root.
small=$work/small
mkdir -p "$small/etc" "$small/etc/app" "$small/etc/secrets"
printf 'root:x:0:0::/root:/bin/sh\napp:x:990:990::/:/bin/false\n' > "$small/etc/passwd"
printf 'root:x:0:\napp:x:990:\n' > "$small/etc/group"
paths=()
{
    echo 'contract = "start-benchmark"'
    echo 'schema = 1'
    echo '[environment]'
    echo 'file = "/etc/app/app.env"'
    for i in $(seq -w 1 13); do
        mkdir -p "$small/srv/app/d$i"
        chown 990:990 "$small/srv/app/d$i"
        chmod 0750 "$small/srv/app/d$i"
        paths+=("/srv/app/d$i")
        printf '[[directory]]\npath = "/srv/app/d%s"\nowner = "app"\nmode = "0750"\n' "$i"
    done
    printf '[[file]]\npath = "/etc/app/app.env"\nowner = "root"\ngroup = "app"\nmode = "0640"\n'
    printf '[[key]]\npath = "/etc/secrets/app.key"\nowner = "root"\ngroup = "app"\nmode = "0640"\nmin_bytes = 32\n'
} > "$work/small.toml"
for i in $(seq -w 1 25); do echo "VAR_$i=value-$i"; done > "$small/etc/app/app.env"
head -c 64 /dev/urandom > "$small/etc/secrets/app.key"
chown root:990 "$small/etc/app/app.env" "$small/etc/secrets/app.key"
chmod 0640 "$small/etc/app/app.env" "$small/etc/secrets/app.key"
paths+=(/etc/secrets/app.key /etc/app/app.env)
"$binary" check "$work/small.toml" --root "$small" | tail -n 1
"$work/check-floor" "$small" "${paths[@]}"

# The lx-annotate sample for the gate.
lx=$work/lx
bash examples/lx-annotate/make-root.sh "$lx" >/dev/null
set -a
. "$lx/var/lib/lx-annotate/.env.systemd"
set +a
"$binary" gate contracts/lx-annotate.toml --root "$lx" -- /bin/true && echo "gate: the lx-annotate sample holds"

echo "--- start-up"
python3 benchmarks/start-timing.py --runs "$runs" \
    "/bin/true=/bin/true" "static Swift, nothing=$floors/swift-floor" \
    "swift-argument-parser, --version=$floors/parser-floor --version" \
    "hostcontract --version=$binary --version"
echo "--- check of a 40-check contract"
python3 benchmarks/start-timing.py --runs "$runs" \
    "C floor=$work/check-floor $small ${paths[*]}" \
    "swift-argument-parser, gate options=$floors/parser-floor gate $work/small.toml --root $small -- /bin/true" \
    "... and TOMLKit reading the contract=$floors/toml-floor gate $work/small.toml --root $small -- /bin/true" \
    "hostcontract check=$binary check $work/small.toml --root $small"
echo "--- gate on the lx-annotate sample"
python3 benchmarks/start-timing.py --runs "$runs" \
    "/bin/true=/bin/true" \
    "swift-argument-parser, gate options=$floors/parser-floor gate contracts/lx-annotate.toml --root $lx -- /bin/true" \
    "... and TOMLKit reading the contract=$floors/toml-floor gate contracts/lx-annotate.toml --root $lx -- /bin/true" \
    "hostcontract gate -- /bin/true=$binary gate contracts/lx-annotate.toml --root $lx -- /bin/true"
