#!/usr/bin/env bash
# Builds a sample DICOM backup application host root under DIR satisfying
# contracts/dicom-backup.toml. Needs root for chown.
#   make-root.sh DIR [UCLA|TJU]
# environments.toml defines both environments the guide names (UCLA first, then TJU); ENVIRONMENT
# (default UCLA) is the one this host backs up: DICOM_BACKUP_ENVIRONMENT and that environment's
# Mosaiq database password in the environment file.
set -euo pipefail
root=${1:?usage: make-root.sh DIR [UCLA|TJU]}
environment=${2:-UCLA}
case $environment in UCLA|TJU) ;; *) echo "make-root.sh: environment is UCLA or TJU" >&2; exit 2 ;; esac
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
mosaiq_backup_sql_query = "SELECT PatientID, StudyDate FROM RadOncOutputTable WHERE ExportDate >= CAST(GETDATE() - 1 AS date)"

[UCLA.sources.MIM_MAIN]
type = "mim"
aet = "MIM_SCP"
ip = "10.20.0.12"
port = 104

[TJU]
description = "TJU radiation oncology"
default_source = "ARIA_MAIN"
default_backup = "ORTHANC_MAIN"

[TJU.script_ae]
aet = "TJU_BACKUP"
port = 11113

[TJU.sources.ARIA_MAIN]
type = "aria"
aet = "TJU_ARIA"
ip = "10.30.0.11"
port = 104
dicom_query_level = "STUDY"

[TJU.sources.MIM_MAIN]
type = "mim"
aet = "TJU_MIM"
ip = "10.30.0.12"
port = 104

[TJU.sources.MOSAIQ_DB]
type = "mosaiq"
db_server = "mosaiq-db.tju.internal"
db_database = "MOSAIQ"
db_username = "tju_backup_reader"
db_password = "generated-at-deploy-time"
odbc_driver = "ODBC Driver 17 for SQL Server"
staging_target_alias = "MOSAIQ_STAGE"

[TJU.backup_targets.ORTHANC_MAIN]
type = "orthanc"
aet = "TJU_ORTHANC"
ip = "10.30.0.50"
port = 4242

[TJU.backup_targets.MOSAIQ_STAGE]
type = "dicom_scp"
aet = "TJU_STAGE"
ip = "10.30.0.51"
port = 11112

[TJU.settings]
max_uids_per_run = 200
mosaiq_backup_sql_query = "SELECT PatientID, StudyDate FROM RadOncOutputTable WHERE ExportDate >= CAST(GETDATE() - 1 AS date)"
dicom_query_level = "STUDY"
TOML
chown -R $svc:$svc "$root/opt/dicom-backup/src/config/environments.toml" "$root/var/log/dicom-backup" "$root/var/lib/dicom-backup/work"
chmod 0600 "$root/opt/dicom-backup/src/config/environments.toml"
chmod 0750 "$root/var/log/dicom-backup"
chmod 0700 "$root/var/lib/dicom-backup/work"
printf 'DICOM_BACKUP_ENVIRONMENT=%s\nLOG_LEVEL=INFO\n%s_MOSAIQ_DB_PASSWORD=%s\n' "$environment" "$environment" \
    "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > "$root/etc/dicom-backup/backup.env"
chmod 0600 "$root/etc/dicom-backup/backup.env"

# The checkout (a Git clone of a release tag: only its .git directory is made here), the backup
# script, requirements.txt and the virtual environment, whose python is the system's python3
# (an empty stand-in here). Owned by root: the service account reads and runs the code.
app="$root/opt/dicom-backup"
mkdir -p "$app/.git/refs/tags" "$app/.git/objects" "$app/src/cli" "$app/.venv/bin" "$root/usr/bin"
printf 'ref: refs/heads/main\n' > "$app/.git/HEAD"
printf '# python -m src.cli.backup ENVIRONMENT [SOURCE]\n' > "$app/src/cli/backup.py"
printf 'pydicom>=2.4\npynetdicom>=2.0\npyodbc>=5.0\ntoml>=0.10\n' > "$app/requirements.txt"
printf '#!/bin/sh\n' > "$root/usr/bin/python3"
chmod 0755 "$root/usr/bin/python3"
ln -s /usr/bin/python3 "$app/.venv/bin/python"
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' > "$app/.venv/pyvenv.cfg"

# The Microsoft ODBC driver the Mosaiq source names, registered with unixODBC.
cat > "$root/etc/odbcinst.ini" <<'INI'
[ODBC Driver 17 for SQL Server]
Description=Microsoft ODBC Driver 17 for SQL Server
Driver=/opt/microsoft/msodbcsql17/lib64/libmsodbcsql-17.10.so.6.1
UsageCount=1
INI

# The schedule: a nightly timer and the one-shot backup it starts, enabled as `systemctl enable`
# does.
units="$root/etc/systemd/system"
mkdir -p "$units/timers.target.wants"
cat > "$units/dicom-backup.service" <<'UNIT'
[Unit]
Description=DICOM backup (src/cli/backup.py)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User=dicom-backup
Group=dicom-backup
WorkingDirectory=/opt/dicom-backup
EnvironmentFile=/etc/dicom-backup/backup.env
Environment=PYTHONPATH=/opt/dicom-backup/src
ExecStart=/opt/dicom-backup/.venv/bin/python -m src.cli.backup ${DICOM_BACKUP_ENVIRONMENT}
StandardOutput=append:/var/log/dicom-backup/backup.log
StandardError=inherit
UNIT
cat > "$units/dicom-backup.timer" <<'UNIT'
[Unit]
Description=Nightly DICOM backup

[Timer]
OnCalendar=*-*-* 01:30:00
Persistent=true

[Install]
WantedBy=timers.target
UNIT
ln -sf /etc/systemd/system/dicom-backup.timer "$units/timers.target.wants/dicom-backup.timer"
# The stamp systemd keeps for a Persistent= timer: the backup last started now.
mkdir -p "$root/var/lib/systemd/timers"
touch "$root/var/lib/systemd/timers/stamp-dicom-backup.timer"
