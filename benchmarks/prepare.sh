# Sourced by the benchmarks: installs what they need, builds the release binary as the package
# ships it (static Swift runtime: scripts/package-deb.sh) into $binary,
# and makes a temporary directory $work removed on exit.
bash scripts/setup-machine.sh
command -v hyperfine >/dev/null || { apt-get update -q && apt-get install -y -q hyperfine; }
swift build -c release --static-swift-stdlib -q
binary=$(swift build -c release --static-swift-stdlib --show-bin-path)/hostcontract
work=$(mktemp -d /tmp/hostcontract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
