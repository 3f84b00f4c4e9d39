# Sourced by tree.sh and tree-repair.sh.
# tree ROOT FILES: a fixture root with FILES files in 1,000 directories under /srv/store.
tree() {
    local root=$1
    mkdir -p "$root/etc" "$root/srv/store"
    chmod 0755 "$root"
    printf 'root:x:0:0::/root:/bin/sh\nsvc:x:990:990::/:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nsvc:x:990:\n' > "$root/etc/group"
    python3 - "$root/srv/store" "$2" <<'PY'
import os, sys
base, total = sys.argv[1], int(sys.argv[2])
os.umask(0o027)
per = max(1, total // 1000)
for d in range(1000):
    directory = os.path.join(base, f"case-{d:04d}")
    os.mkdir(directory, 0o750)
    for f in range(per):
        fd = os.open(os.path.join(directory, f"frame-{f:05d}.dcm"), os.O_WRONLY | os.O_CREAT, 0o640)
        os.write(fd, b"x")
        os.close(fd)
print(f"{1 + 1000 + per * 1000} entries: 1000 directories of {per} files")
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
}
