#!/usr/bin/env bash
# Builds a sample EDM annotator host root under DIR that satisfies contracts/edm-annotator.toml:
# accounts, the shared audio and annotation directories, the built frontend, the backend's
# environment file and the nginx site of the deployment guide. Needs root for chown.
#   make-root.sh DIR
set -euo pipefail
root=${1:?usage: make-root.sh DIR}
mkdir -p "$root"
root=$(cd "$root" && pwd)
chmod 0755 "$root"
edm=980
mkdir -p "$root/etc/nginx/sites-enabled" "$root/etc/edm-annotator"
cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
edm:x:$edm:$edm:EDM annotator:/srv/edm:/usr/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
www-data:x:33:
edm:x:$edm:
GROUP
mkdir -p "$root/srv/edm/audio" "$root/srv/edm/annotations" "$root/srv/edm/frontend/dist"
chmod 0755 "$root/srv" "$root/srv/edm" "$root/srv/edm/frontend" "$root/srv/edm/frontend/dist" "$root/srv/edm/audio"
printf '<!doctype html><title>EDM annotator</title>\n' > "$root/srv/edm/frontend/dist/index.html"
printf 'RIFF' > "$root/srv/edm/audio/session-001.wav"
chmod 0644 "$root/srv/edm/frontend/dist/index.html" "$root/srv/edm/audio/session-001.wav"
chown $edm:$edm "$root/srv/edm/annotations"
chmod 0750 "$root/srv/edm/annotations"
cat > "$root/etc/edm-annotator/edm.env" <<ENV
EDM_AUDIO_DIR=/srv/edm/audio
EDM_ANNOTATION_DIR=/srv/edm/annotations
EDM_LOG_LEVEL=INFO
FLASK_ENV=production
ENV
cat > "$root/etc/nginx/nginx.conf" <<'NGINX'
user www-data;
worker_processes auto;
pid /run/nginx-edm.pid;
error_log stderr;
events {
    worker_connections 768;
}
http {
    access_log off;
    include /etc/nginx/sites-enabled/*;
}
NGINX
cat > "$root/etc/nginx/sites-enabled/edm-annotator" <<'NGINX'
server {
    listen 80;
    server_name annotator.example.com;

    # Frontend static files
    location / {
        root /srv/edm/frontend/dist;
        try_files $uri $uri/ /index.html;
    }

    # Proxy API requests to backend
    location /api/ {
        proxy_pass http://localhost:5000/;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        # WebSocket support
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }

    # Audio file serving
    location /audio/ {
        alias /srv/edm/audio/;
        add_header Access-Control-Allow-Origin *;
    }
}
NGINX

# The backend unit as the guide writes it (guide 002 lines 171-199), with its paths filled in
# and gunicorn bound to loopback (the guide's 0.0.0.0:5000 serves the API past nginx), enabled
# as `systemctl enable` does.
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
cat > "$root/etc/systemd/system/edm-annotator-backend.service" <<'UNIT'
[Unit]
Description=EDM Annotator Backend
After=network.target

[Service]
Type=simple
User=edm
Group=edm
WorkingDirectory=/srv/edm/backend
Environment="EDM_AUDIO_DIR=/srv/edm/audio"
Environment="EDM_ANNOTATION_DIR=/srv/edm/annotations"
Environment="EDM_LOG_LEVEL=INFO"
ExecStart=/usr/local/bin/gunicorn \
    --bind 127.0.0.1:5000 \
    --workers 4 \
    --timeout 120 \
    edm_annotator.app:app
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/edm-annotator-backend.service "$root/etc/systemd/system/multi-user.target.wants/edm-annotator-backend.service"
