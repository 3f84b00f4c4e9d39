# Sourced by the benchmarks: installs what they need, builds the release binary as the package
# ships it (static Swift runtime, not position-independent: scripts/package-deb.sh) into $binary,
# and makes a temporary directory $work removed on exit.
bash scripts/setup-machine.sh
command -v hyperfine >/dev/null || { apt-get update -q && apt-get install -y -q hyperfine; }
release=(-c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie)
swift build "${release[@]}" -q
binary=$(swift build "${release[@]}" --show-bin-path)/hostcontract
work=$(mktemp -d /tmp/hostcontract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
