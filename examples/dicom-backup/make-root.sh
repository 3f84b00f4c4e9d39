#!/usr/bin/env bash
# Builds a sample DICOM backup application host root under DIR satisfying
# contracts/dicom-backup.toml. Needs root for chown.
#   make-root.sh DIR
set -euo pipefail
root=${1:?usage: make-root.sh DIR}
mkdir -p "$root"
root=$(cd "$root" && pwd)
chmod 0755 "$root"
svc=970
mkdir -p "$root/etc/dicom-backup" "$root/opt/dicom-backup/src/config" "$root/var/log/dicom-backup" "$root/var/lib/dicom-backup/work"
printf 'root:x:0:0:root:/root:/bin/bash\ndicom-backup:x:%s:%s:DICOM backup:/opt/dicom-backup:/usr/sbin/nologin\n' $svc $svc > "$root/etc/passwd"
printf 'root:x:0:\ndicom-backup:x:%s:\n' $svc > "$root/etc/group"
cat > "$root/opt/dicom-backup/src/config/environments.toml" <<'TOML'
[UCLA]
description = "UCLA radiation oncology"
default_source = "MOSAIQ_DB"
default_backup = "ORTHANC_MAIN"

[UCLA.script_ae]
aet = "UCLA_BACKUP"
port = 11112

[UCLA.sources.ARIA_MAIN]
type = "aria"
aet = "ARIA_SCP"
ip = "10.20.0.11"
port = 104

[UCLA.sources.MOSAIQ_DB]
type = "mosaiq"
db_server = "mosaiq-db.ucla.internal"
db_database = "MOSAIQ"
db_username = "backup_reader"
db_password = "substituted-at-deploy-time"
odbc_driver = "ODBC Driver 17 for SQL Server"
staging_target_alias = "MOSAIQ_STAGE"

[UCLA.backup_targets.ORTHANC_MAIN]
type = "orthanc"
aet = "ORTHANC_MAIN"
ip = "10.20.0.50"
port = 4242

[UCLA.backup_targets.MOSAIQ_STAGE]
type = "dicom_scp"
aet = "MOSAIQ_STAGE"
ip = "10.20.0.51"
port = 11112

[UCLA.settings]
max_uids_per_run = 500

[UCLA.sources.MIM_MAIN]
type = "mim"
aet = "MIM_SCP"
ip = "10.20.0.12"
port = 104
TOML
chown -R $svc:$svc "$root/opt/dicom-backup/src/config/environments.toml" "$root/var/log/dicom-backup" "$root/var/lib/dicom-backup/work"
chmod 0600 "$root/opt/dicom-backup/src/config/environments.toml"
chmod 0750 "$root/var/log/dicom-backup"
chmod 0700 "$root/var/lib/dicom-backup/work"
printf 'LOG_LEVEL=INFO\nUCLA_MOSAIQ_DB_PASSWORD=%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > "$root/etc/dicom-backup/backup.env"
chmod 0600 "$root/etc/dicom-backup/backup.env"
