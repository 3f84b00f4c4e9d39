#!/usr/bin/env bash
# Builds a sample EDM annotator host root under DIR that satisfies contracts/edm-annotator.toml,
# deployed as the guide (shared/seeds/002) deploys it: accounts, the shared audio and annotation
# directories, the built frontend, gunicorn, the backend unit with its Environment= lines (the
# guide uses no environment file), the nginx site after `certbot --nginx` (a self-signed stand-in
# for Let's Encrypt's certificate, in certbot's layout) with basic authentication, certbot's
# renewal timer, ufw enabled and sshd without password logins. Needs root for chown.
#   make-root.sh DIR
set -euo pipefail
root=${1:?usage: make-root.sh DIR}
mkdir -p "$root"
root=$(cd "$root" && pwd)
chmod 0755 "$root"
edm=980
mkdir -p "$root/etc/nginx/sites-available" "$root/etc/nginx/sites-enabled"
cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/bash
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
edm:x:$edm:$edm:EDM annotator:/srv/edm:/usr/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
www-data:x:33:
nogroup:x:65534:
edm:x:$edm:
GROUP

# The shared data, the built frontend (pnpm run build: dist/) and the backend's checkout.
mkdir -p "$root/srv/edm/audio" "$root/srv/edm/annotations" "$root/srv/edm/frontend/dist/assets" \
    "$root/srv/edm/backend/edm_annotator"
chmod 0755 "$root/srv" "$root/srv/edm" "$root/srv/edm/frontend" "$root/srv/edm/frontend/dist" \
    "$root/srv/edm/frontend/dist/assets" "$root/srv/edm/audio" "$root/srv/edm/backend" "$root/srv/edm/backend/edm_annotator"
printf '<!doctype html><title>EDM annotator</title><script type="module" src="/assets/index-3f9a2c.js"></script>\n' \
    > "$root/srv/edm/frontend/dist/index.html"
printf 'console.log("EDM annotator");\n' > "$root/srv/edm/frontend/dist/assets/index-3f9a2c.js"
printf 'RIFF' > "$root/srv/edm/audio/session-001.wav"
printf 'from flask import Flask\napp = Flask(__name__)\n' > "$root/srv/edm/backend/edm_annotator/app.py"
chmod 0644 "$root/srv/edm/frontend/dist/index.html" "$root/srv/edm/frontend/dist/assets/index-3f9a2c.js" \
    "$root/srv/edm/audio/session-001.wav" "$root/srv/edm/backend/edm_annotator/app.py"
chown $edm:$edm "$root/srv/edm/annotations"
chmod 0750 "$root/srv/edm/annotations"

# gunicorn, installed with pip as the guide does (a stand-in script).
mkdir -p "$root/usr/local/bin"
printf '#!/usr/bin/python3\nimport sys\nfrom gunicorn.app.wsgiapp import run\nsys.exit(run())\n' > "$root/usr/local/bin/gunicorn"
chmod 0755 "$root/usr/local/bin/gunicorn"

# nginx: the http block as Debian ships it (access log, gzip), a request zone for the API.
cat > "$root/etc/nginx/nginx.conf" <<'NGINX'
user www-data;
worker_processes auto;
pid /run/nginx-edm.pid;
error_log stderr;
events {
    worker_connections 768;
}
http {
    access_log /var/log/nginx/access.log;
    gzip on;
    limit_req_zone $binary_remote_addr zone=edm_api:10m rate=20r/s;
    include /etc/nginx/sites-enabled/*;
}
NGINX
# The guide's site (lines 121-151) after `certbot --nginx -d annotator.example.com` (HTTPS, with
# plain HTTP redirected), basic authentication for the whole site (lines 223-233: in the server,
# so that /api/ and /audio/ are behind it too), the API rate-limited, and audio allowed to the
# site's own origin rather than to any (line 619).
cat > "$root/etc/nginx/sites-available/edm-annotator" <<'NGINX'
server {
    server_name annotator.example.com;

    auth_basic "EDM Annotator";
    auth_basic_user_file /etc/nginx/.htpasswd;

    # Frontend static files
    location / {
        root /srv/edm/frontend/dist;
        try_files $uri $uri/ /index.html; add_header Content-Security-Policy "default-src 'self'" always;
    }

    # Proxy API requests to backend
    location /api/ {
        limit_req zone=edm_api burst=40 nodelay;
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
        add_header Access-Control-Allow-Origin https://annotator.example.com;
    }

    listen 443 ssl; # managed by Certbot
    ssl_certificate /etc/letsencrypt/live/annotator.example.com/fullchain.pem; # managed by Certbot
    ssl_certificate_key /etc/letsencrypt/live/annotator.example.com/privkey.pem; # managed by Certbot
}

server {
    if ($host = annotator.example.com) {
        return 301 https://$host$request_uri;
    } # managed by Certbot

    listen 80;
    server_name annotator.example.com;
    return 404; # managed by Certbot
}
NGINX
# Enabled (line 157) by a relative link, which resolves inside this root wherever it is read.
ln -s ../sites-available/edm-annotator "$root/etc/nginx/sites-enabled/edm-annotator"
# htpasswd -c /etc/nginx/.htpasswd annotator (an APR1 hash of a throwaway password), readable by
# nginx's workers and nobody else.
printf 'annotator:%s\n' "$(openssl passwd -apr1 "$(head -c 18 /dev/urandom | base64)")" > "$root/etc/nginx/.htpasswd"
chown 0:33 "$root/etc/nginx/.htpasswd"
chmod 0640 "$root/etc/nginx/.htpasswd"

# Let's Encrypt's layout: archive/ holds the files, live/ links to the newest (a 90-day
# certificate, as Let's Encrypt issues).
le="$root/etc/letsencrypt"
mkdir -p "$le/archive/annotator.example.com" "$le/live/annotator.example.com"
chmod 0700 "$le/archive" "$le/live"
openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=annotator.example.com" \
    -addext "subjectAltName=DNS:annotator.example.com" \
    -keyout "$le/archive/annotator.example.com/privkey1.pem" -out "$le/archive/annotator.example.com/cert1.pem" 2>/dev/null
cp "$le/archive/annotator.example.com/cert1.pem" "$le/archive/annotator.example.com/fullchain1.pem"
: > "$le/archive/annotator.example.com/chain1.pem"
chmod 0600 "$le/archive/annotator.example.com/privkey1.pem"
for name in cert chain fullchain privkey; do
    ln -s "../../archive/annotator.example.com/${name}1.pem" "$le/live/annotator.example.com/$name.pem"
done

# Units: the backend as the guide writes it (lines 171-199) with its paths filled in and
# gunicorn bound to loopback (the guide's 0.0.0.0:5000 serves the API past nginx); nginx and
# certbot's renewal timer as Debian's packages ship them. Enabled as `systemctl enable` does.
units="$root/etc/systemd/system"
vendor="$root/usr/lib/systemd/system"
mkdir -p "$units/multi-user.target.wants" "$units/timers.target.wants" "$vendor"
cat > "$units/edm-annotator-backend.service" <<'UNIT'
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
ln -sf /etc/systemd/system/edm-annotator-backend.service "$units/multi-user.target.wants/edm-annotator-backend.service"
cat > "$vendor/nginx.service" <<'UNIT'
[Unit]
Description=A high performance web server and a reverse proxy server
After=network-online.target remote-fs.target nss-lookup.target
Wants=network-online.target

[Service]
Type=forking
PIDFile=/run/nginx.pid
ExecStartPre=/usr/sbin/nginx -t -q -g 'daemon on; master_process on;'
ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'
ExecReload=/usr/sbin/nginx -g 'daemon on; master_process on;' -s reload
ExecStop=-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile /run/nginx.pid
TimeoutStopSec=5
KillMode=mixed

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /usr/lib/systemd/system/nginx.service "$units/multi-user.target.wants/nginx.service"
cat > "$vendor/certbot.service" <<'UNIT'
[Unit]
Description=Certbot
Documentation=file:///usr/share/doc/python-certbot-doc/html/index.html
Documentation=https://certbot.eff.org/docs

[Service]
Type=oneshot
ExecStart=/usr/bin/certbot -q renew
PrivateTmp=true
UNIT
cat > "$vendor/certbot.timer" <<'UNIT'
[Unit]
Description=Run certbot twice daily

[Timer]
OnCalendar=*-*-* 00,12:00:00
RandomizedDelaySec=43200
Persistent=true

[Install]
WantedBy=timers.target
UNIT
ln -sf /usr/lib/systemd/system/certbot.timer "$units/timers.target.wants/certbot.timer"

# Server security (lines 621-628): ufw enabled, sshd taking keys only.
mkdir -p "$root/etc/ufw" "$root/etc/ssh/sshd_config.d"
printf '# /etc/ufw/ufw.conf\nENABLED=yes\nLOGLEVEL=low\n' > "$root/etc/ufw/ufw.conf"
cat > "$root/etc/ssh/sshd_config" <<'SSHD'
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
SSHD
chmod 0644 "$root/etc/ufw/ufw.conf" "$root/etc/ssh/sshd_config"
