#!/usr/bin/env bash
# Builds a sample MMT backend host root under DIR that satisfies contracts/mmt-backend.toml: the
# backend's environment file /etc/mmt/backend.env (root's, 0600) as the deployment guide
# (shared/seeds/003) sets it up for MODE:
#   prod  the production backend (sections 2, 3.1, 8, 12): ENV=prod, DEMO_MODE=0, guest and local
#         logins off, explicit CORS origins, PHI stored with field encryption, a retention
#         policy, cloud transcription only (no ML stack); the JWT secret and the two AES-256
#         field keys are made here with openssl, fresh for every root, as
#         scripts/generate_secrets.py --encryption 2 would make them.
#   demo  the lightweight demo (section 5): the matrix's demo defaults, no secrets.
# Needs root for chown.
#   make-root.sh DIR [prod|demo]     (default prod)
set -euo pipefail
root=${1:?usage: make-root.sh DIR [prod|demo]}
mode=${2:-prod}
case $mode in prod | demo) ;; *) echo "make-root.sh: MODE is prod or demo, not '$mode'" >&2; exit 2 ;; esac
mkdir -p "$root"
root=$(cd "$root" && pwd)
chmod 0755 "$root"
mkdir -p "$root/etc/mmt"
chmod 0755 "$root/etc" "$root/etc/mmt"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

env="$root/etc/mmt/backend.env"
(umask 077; : > "$env")
if [ "$mode" = prod ]; then
    # Strong secrets (section 12), made at build time: never the same twice, never in git.
    jwt=$(openssl rand -base64 48 | tr -d '\n')
    k1=$(openssl rand -base64 32 | tr -d '\n')
    k2=$(openssl rand -base64 32 | tr -d '\n')
    cat > "$env" <<ENV
# MMT backend, production (shared/seeds/003 sections 2, 3.1 and 8).
ENV=prod
DEMO_MODE=0
INTERNAL_JWT_SECRET=$jwt
USE_RSA_INTERNAL_JWT=0
ALLOW_GUEST_AUTH=0
ALLOW_LOCAL_LOGIN=0
ENABLE_CLOUD_TRANSCRIPTION=1
ENABLE_LOCAL_TRANSCRIPTION=0
CORS_ALLOW_ORIGINS=https://app.mmt.example,https://mmt.example
RATE_LIMIT_PER_MINUTE=300
RETENTION_DAYS=90
STORE_PHI=true
ENABLE_FIELD_ENCRYPTION=1
ENCRYPTION_KEYS=k1:$k1,k2:$k2
PRIMARY_ENCRYPTION_KEY_ID=k2
REMOTE_API_BASE_URL=https://api.mmt.example
ENV
else
    cat > "$env" <<'ENV'
# MMT backend, lightweight demo (shared/seeds/003 sections 2 and 5): no queue, no integrations.
ENV=dev
DEMO_MODE=1
ALLOW_GUEST_AUTH=1
ALLOW_LOCAL_LOGIN=1
ENABLE_CLOUD_TRANSCRIPTION=1
ENABLE_LOCAL_TRANSCRIPTION=0
RATE_LIMIT_PER_MINUTE=120
CORS_ALLOW_ORIGINS=*
RETENTION_DAYS=0
STORE_PHI=true
ENABLE_FIELD_ENCRYPTION=0
ENV
fi
chown 0:0 "$env"
chmod 0600 "$env"
