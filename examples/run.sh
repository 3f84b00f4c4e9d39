#!/usr/bin/env bash
# The main job on a built-in example: build a sample lx-annotate host root in a temporary
# directory, check it (the contract holds), plant the faults the guides warn about, check again
# (each reported with its fix), let provision repair the metadata, and check again; then one
# realistic fault per other guide on its own example root, caught and repaired: the MMT
# backend's guest logins left on by default, the EDM backend bound to every address, the DICOM
# host's work directory opened to everyone. Touches nothing on the real host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
swift build -q 2>&1 | grep -v '^$' || true
hostcontract=$(swift build --show-bin-path)/hostcontract

root=$(mktemp -d /tmp/hostcontract-example.XXXXXX)
trap 'rm -rf "$root"' EXIT
bash examples/lx-annotate/make-root.sh "$root" standalone

echo "== hostcontract check contracts/lx-annotate.toml --root $root"
"$hostcontract" check contracts/lx-annotate.toml --root "$root"

echo
echo "== planting faults: master key root:root 0400, sap_import missing, LX_ANNOTATE_DATA_DIR drifting"
chown 0:0 "$root/etc/secrets/vault/lx-annotate-master.key"
chmod 0400 "$root/etc/secrets/vault/lx-annotate-master.key"
rmdir "$root/var/lib/lx-annotate/data/import/sap_import"
sed -i 's#^LX_ANNOTATE_DATA_DIR=.*#LX_ANNOTATE_DATA_DIR=/var/lib/lx-annotate/data-old#' "$root/var/lib/lx-annotate/.env.systemd"

echo "== hostcontract check contracts/lx-annotate.toml --root $root"
status=0
"$hostcontract" check contracts/lx-annotate.toml --root "$root" || status=$?
echo "(exit status $status: 0 holds, 1 violations, 2 invalid contract)"
[ "$status" -eq 1 ]

echo
echo "== hostcontract provision contracts/lx-annotate.toml --root $root   (repairs what metadata can fix)"
"$hostcontract" provision contracts/lx-annotate.toml --root "$root"
echo "== hostcontract check contracts/lx-annotate.toml --root $root --only directory,key,access"
"$hostcontract" check contracts/lx-annotate.toml --root "$root" --only directory,key,access
echo "(the environment file is the operator's to edit: LX_ANNOTATE_DATA_DIR still drifts)"

echo
echo "== the MMT backend's production root; planting the fault: ALLOW_GUEST_AUTH left out (unset it is 1)"
mmt=$(mktemp -d /tmp/hostcontract-mmt.XXXXXX)
trap 'rm -rf "$root" "$mmt"' EXIT
bash examples/mmt-backend/make-root.sh "$mmt" prod
sed -i '/^ALLOW_GUEST_AUTH=/d' "$mmt/etc/mmt/backend.env"
status=0
"$hostcontract" check contracts/mmt-backend.toml --root "$mmt" || status=$?
[ "$status" -eq 1 ]
echo "== repaired (ALLOW_GUEST_AUTH=0): hostcontract check contracts/mmt-backend.toml --root $mmt"
echo ALLOW_GUEST_AUTH=0 >> "$mmt/etc/mmt/backend.env"
"$hostcontract" check contracts/mmt-backend.toml --root "$mmt"

echo
echo "== the EDM annotator's root; planting the guide's own fault: gunicorn bound to 0.0.0.0:5000 (past nginx's authentication)"
edm=$(mktemp -d /tmp/hostcontract-edm.XXXXXX)
dicom=$(mktemp -d /tmp/hostcontract-dicom.XXXXXX)
trap 'rm -rf "$root" "$mmt" "$edm" "$dicom"' EXIT
bash examples/edm-annotator/make-root.sh "$edm"
unit="$edm/etc/systemd/system/edm-annotator-backend.service"
sed -i 's/--bind 127.0.0.1:5000/--bind 0.0.0.0:5000/' "$unit"
status=0
"$hostcontract" check contracts/edm-annotator.toml --root "$edm" --only unit,file || status=$?
[ "$status" -eq 1 ]
echo "== repaired (--bind 127.0.0.1:5000): hostcontract check contracts/edm-annotator.toml --root $edm"
sed -i 's/--bind 0.0.0.0:5000/--bind 127.0.0.1:5000/' "$unit"
"$hostcontract" check contracts/edm-annotator.toml --root "$edm"

echo
echo "== the DICOM backup host's root; planting the fault: its work directory of patient instances opened to everyone (0777)"
bash examples/dicom-backup/make-root.sh "$dicom"
chmod 0777 "$dicom/var/lib/dicom-backup/work"
status=0
"$hostcontract" check contracts/dicom-backup.toml --root "$dicom" --only directory || status=$?
[ "$status" -eq 1 ]
echo "== hostcontract provision contracts/dicom-backup.toml --root $dicom, then check"
"$hostcontract" provision contracts/dicom-backup.toml --root "$dicom"
"$hostcontract" check contracts/dicom-backup.toml --root "$dicom"
