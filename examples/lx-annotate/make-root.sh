#!/usr/bin/env bash
# Builds a sample lx-annotate host root under DIR that satisfies contracts/lx-annotate.toml:
# its own etc/passwd and etc/group, the runtime tree with the modes the guides observed, the
# environment file, and the two keys. Touches nothing outside DIR. Needs root for chown.
#   make-root.sh DIR [ROLE] [mtls]
# With "mtls", nginx serves HTTPS and verifies hub client certificates (test certificates are
# made with openssl), and the environment requires it. A central_hub always has it: the hub is
# the transfer receiver, whose intake needs mTLS (shared/seeds/001 lines 29, 54, 91-105).
set -euo pipefail
root=${1:?usage: make-root.sh DIR [ROLE] [mtls]}
role=${2:-standalone}
mtls=${3:-}
[ "$role" = central_hub ] && mtls=mtls
mkdir -p "$root"
root=$(cd "$root" && pwd)
chmod 0755 "$root"   # an image's / is searchable by everyone

svc=990 nginx=991 sensitive=989
mkdir -p "$root/etc"
cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
lx-annotate:x:$svc:$svc:lx-annotate service:/var/lib/lx-annotate:/usr/sbin/nologin
nginx:x:$nginx:$nginx:nginx worker:/nonexistent:/usr/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
lx-annotate:x:$svc:nginx
nginx:x:$nginx:
sensitiveServices:x:$sensitive:lx-annotate
GROUP

dir() { # dir PATH MODE UID GID
    mkdir -p "$root$1"
    chown "$3:$4" "$root$1"
    chmod "$2" "$root$1"
}
dir /var/lib/lx-annotate 0750 $svc $svc
dir /var/lib/lx-annotate/data 0750 $svc $svc
dir /var/lib/lx-annotate/data/storage 0750 $svc $svc
dir /var/lib/lx-annotate/data/storage/videos 0750 $svc $svc
dir /var/lib/lx-annotate/data/storage/streamable 0750 $svc $svc
dir /var/lib/lx-annotate/data/import 0770 $svc $svc
for sub in video_import report_import preanonymized_import sap_import sap_import_processed sap_import_failed; do
    dir "/var/lib/lx-annotate/data/import/$sub" 0770 $svc $svc
done
dir /var/lib/lx-annotate/staticfiles 0775 $svc $svc
printf 'sample video\n' > "$root/var/lib/lx-annotate/data/storage/videos/case-0001.mp4"
chown $svc:$svc "$root/var/lib/lx-annotate/data/storage/videos/case-0001.mp4"
chmod 0640 "$root/var/lib/lx-annotate/data/storage/videos/case-0001.mp4"

secret=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 60)
oidc=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
cat > "$root/var/lib/lx-annotate/.env.systemd" <<ENV
# lx-annotate runtime environment (EnvironmentFile= of lx-annotate.service)
LX_ANNOTATE_ENCRYPTED_DATA_DIR=/var/lib/lx-annotate/data
LX_ANNOTATE_DATA_DIR=/var/lib/lx-annotate/data
ENDOREG_DEPLOYMENT_ROLE=$role
TESSDATA_PREFIX=/usr/share/tesseract-ocr/5/tessdata
PYTORCH_ALLOC_CONF=expandable_segments:True
DJANGO_SECRET_KEY="$secret"
OIDC_RP_CLIENT_SECRET=$oidc
DJANGO_ALLOWED_HOSTS=annotate.example.org
BASE_URL=https://annotate.example.org
DJANGO_DB_ENGINE=django.db.backends.postgresql
DJANGO_CSRF_TRUSTED_ORIGINS=https://annotate.example.org
DJANGO_CORS_ALLOWED_ORIGINS=https://annotate.example.org
ENFORCE_AUTH=1
ENV
if [ "$mtls" = mtls ]; then
    cat >> "$root/var/lib/lx-annotate/.env.systemd" <<ENV
ENDOREG_HUB_TRANSFER_REQUIRE_SECURE_TRANSPORT=true
ENDOREG_HUB_TRANSFER_REQUIRE_MTLS=true
ENDOREG_HUB_TRANSFER_MTLS_META_KEY=HTTP_X_CLIENT_CERT_VERIFIED
ENDOREG_HUB_TRANSFER_MTLS_META_VALUE=SUCCESS
ENV
fi
# The secrets file: read by the service user through sensitiveServices (as the master key is),
# not through the service group, which nginx joins (shared/seeds/001 lines 30, 162, 174).
chown 0:$sensitive "$root/var/lib/lx-annotate/.env.systemd"
chmod 0640 "$root/var/lib/lx-annotate/.env.systemd"

dir /etc/secrets 0755 0 0
dir /etc/secrets/vault 0750 0 $sensitive
head -c 32 /dev/urandom > "$root/etc/secrets/vault/lx-annotate-master.key"
chown 0:$sensitive "$root/etc/secrets/vault/lx-annotate-master.key"
chmod 0640 "$root/etc/secrets/vault/lx-annotate-master.key"
head -c 64 /dev/urandom > "$root/etc/secrets/vault/lx-annotate-luks.key"
chown 0:0 "$root/etc/secrets/vault/lx-annotate-luks.key"
chmod 0400 "$root/etc/secrets/vault/lx-annotate-luks.key"

# dpkg's database: what deploy/bootstrap-host.sh installs from Debian 12, FFmpeg and Tesseract
# held (apt-mark hold) so that their upgrades are reviewed.
dir /var/lib/dpkg 0755 0 0
pkg() { # pkg NAME VERSION SELECTION ARCHITECTURE
    printf 'Package: %s\nStatus: %s ok installed\nPriority: optional\nSection: misc\nMaintainer: Debian\nArchitecture: %s\nVersion: %s\nDescription: %s\n\n' \
        "$1" "$3" "$4" "$2" "$1" >> "$root/var/lib/dpkg/status"
}
: > "$root/var/lib/dpkg/status"
pkg python3 3.11.2-1+b1 install amd64
pkg python3-venv 3.11.2-1+b1 install amd64
pkg ffmpeg 7:5.1.6-0+deb12u1 hold amd64
pkg tesseract-ocr 5.3.0-2 hold amd64
pkg tesseract-ocr-eng 1:4.1.0-2 install all
pkg tesseract-ocr-deu 1:4.1.0-2 install all
pkg libgl1 1.6.0-1 install amd64
pkg libglib2.0-0 2.74.6-2+deb12u5 install amd64
pkg libxcb1 1.15-1 install amd64
chmod 0644 "$root/var/lib/dpkg/status"

# nginx: static from the runtime root, protected media as an internal location, everything
# else proxied to Daphne. On a hub, client certificates are verified optionally: nginx forwards
# the verdict as X-Client-Cert-Verified and Django refuses transfers without SUCCESS, while the
# acceptance smoke still fetches the static manifest without one (shared/seeds/001 lines 93-100,
# 124-125). sendfile on, so that what Django hands over with X-Accel-Redirect goes out through
# the kernel (guide 000 lines 126-128).
mkdir -p "$root/etc/nginx/conf.d"
cat > "$root/etc/nginx/nginx.conf" <<'NGINX'
user nginx;
worker_processes auto;
pid /run/nginx-lx-annotate.pid;
error_log stderr;

events {
    worker_connections 512;
}

http {
    access_log off;
    include /etc/nginx/conf.d/*.conf;
    sendfile on;
}
NGINX
if [ "$mtls" = mtls ]; then
    listen="listen 443 ssl;
    ssl_certificate /etc/nginx/server.pem;
    ssl_certificate_key /etc/nginx/server.key;
    ssl_client_certificate /etc/nginx/hub-ca.pem;
    ssl_verify_client optional;"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=hub test CA" \
        -keyout "$root/etc/nginx/hub-ca.key" -out "$root/etc/nginx/hub-ca.pem" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=annotate.example.org" \
        -keyout "$root/etc/nginx/server.key" -out "$root/etc/nginx/server.pem" 2>/dev/null
    chmod 0600 "$root/etc/nginx/server.key" "$root/etc/nginx/hub-ca.key"
else
    listen="listen 80;"
fi
cat > "$root/etc/nginx/conf.d/lx-annotate.conf" <<NGINX
server {
    $listen
    server_name annotate.example.org;
    client_max_body_size 2g;

    location /static/ {
        alias /var/lib/lx-annotate/staticfiles/;
    }

    # No public /media/ alias onto the data root: it holds the patient video under storage/;
    # media leaves only through /protected_media/ once Django has authorised the request
    # (shared/seeds/001 lines 73, 162, 174).

    # Django authorises, then hands the file over with X-Accel-Redirect.
    location /protected_media/ {
        internal;
        alias /var/lib/lx-annotate/data/storage/;
    }

    location /api/media/hub/transfers/ {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host \$host;
        proxy_set_header X-Client-Cert-Verified \$ssl_client_verify;
    }

    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_http_version 1.1;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
NGINX

# systemd units as the guide's deploy/ ships them (wheel mode): the web and watcher services
# read the same environment file as the same user, under ProtectSystem=strict with the runtime
# state writable; the SAP import path unit watches the provisioned drop folder. Enabled the way
# `systemctl enable` does it: links in multi-user.target.wants.
units="$root/etc/systemd/system"
mkdir -p "$units/multi-user.target.wants"
for unit in lx-annotate lx-annotate-watcher; do
    case $unit in
        lx-annotate) description="lx-annotate Daphne ASGI service"
            start="/home/lx-annotate/lx-annotate-wheel/.venv/bin/daphne -b 127.0.0.1 -p 8000 lx_annotate.asgi:application" ;;
        lx-annotate-watcher) description="lx-annotate file watcher"
            start="/home/lx-annotate/lx-annotate-wheel/.venv/bin/python -m lx_annotate.watcher" ;;
    esac
    cat > "$units/$unit.service" <<UNIT
[Unit]
Description=$description
After=network.target postgresql.service

[Service]
Type=simple
User=lx-annotate
Group=lx-annotate
WorkingDirectory=/home/lx-annotate/lx-annotate-wheel
EnvironmentFile=/var/lib/lx-annotate/.env.systemd
ExecStart=$start
Restart=on-failure
ProtectSystem=strict
ReadWritePaths=/var/lib/lx-annotate

[Install]
WantedBy=multi-user.target
UNIT
    ln -sf "/etc/systemd/system/$unit.service" "$units/multi-user.target.wants/$unit.service"
done
cat > "$units/lx-annotate-sap-import.service" <<'UNIT'
[Unit]
Description=lx-annotate SAP IS-H zip import

[Service]
Type=oneshot
User=lx-annotate
Group=lx-annotate
WorkingDirectory=/home/lx-annotate/lx-annotate-wheel
EnvironmentFile=/var/lib/lx-annotate/.env.systemd
ExecStart=/home/lx-annotate/lx-annotate-wheel/.venv/bin/python manage.py import_sap_ish_zip --output_dir /var/lib/lx-annotate/data/import/preanonymized_import
ProtectSystem=strict
ReadWritePaths=/var/lib/lx-annotate
UNIT
cat > "$units/lx-annotate-sap-import.path" <<'UNIT'
[Unit]
Description=Watch the SAP IS-H import drop folder

[Path]
PathExistsGlob=/var/lib/lx-annotate/data/import/sap_import/*.zip
Unit=lx-annotate-sap-import.service

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/lx-annotate-sap-import.path "$units/multi-user.target.wants/lx-annotate-sap-import.path"

# The wheel's virtual environment under the units' app root (guide 000 lines 222-223 and 240, and
# line 13: production installs the wheel into a virtualenv): deploy.sh pip-installs the wheel,
# lx-annotate with Daphne, into it. Only the metadata pip records for them is written here.
venv=/home/lx-annotate/lx-annotate-wheel/.venv
site=$venv/lib/python3.11/site-packages
dir /home/lx-annotate 0755 $svc $svc
dir /home/lx-annotate/lx-annotate-wheel 0755 $svc $svc
mkdir -p "$root$site"
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' > "$root$venv/pyvenv.cfg"
dist() { # dist NAME VERSION: the dist-info directory pip leaves
    mkdir -p "$root$site/${1//-/_}-$2.dist-info"
    printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$1" "$2" > "$root$site/${1//-/_}-$2.dist-info/METADATA"
}
dist lx-annotate 0.0.1
dist daphne 4.1.2
chown -R $svc:$svc "$root$venv"
