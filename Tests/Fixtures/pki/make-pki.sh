#!/usr/bin/env bash
# Makes test PKI material with the real openssl command under DIR/pki: a CA, an intermediate,
# a server certificate and key, a key that does not match, an expired certificate, one that
# expires in five days, a bundle with a leaf in it, a weak key, an encrypted key, garbage.
set -euo pipefail
out=${1:?usage: make-pki.sh DIR}/pki
mkdir -p "$out/newcerts"
cd "$out"
quiet() { "$@" >/dev/null 2>&1; }
quiet openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/O=Example Hospital/CN=Example Root CA" -keyout ca.key -out ca.pem
quiet openssl req -newkey rsa:2048 -nodes -subj "/O=Example Hospital/CN=Example Intermediate CA" -keyout intermediate.key -out intermediate.csr
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
quiet openssl x509 -req -in intermediate.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1825 -extfile ca.ext -out intermediate.pem
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=annotate.example.org" -keyout server.key -out server.csr
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:annotate.example.org\n' > leaf.ext
quiet openssl x509 -req -in server.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial -days 365 -extfile leaf.ext -out server.pem
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak.key
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass pass:test-passphrase -out encrypted.key
# Dates in the past and five days out need openssl ca.
touch index.txt
echo 1000 > serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
[ leaf ]
basicConstraints = CA:FALSE
CNF
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=expired.example.org" -keyout expired.key -out expired.csr
quiet openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem -notext \
    -startdate 20200101000000Z -enddate 20210101000000Z -extensions leaf
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=soon.example.org" -keyout soon.key -out soon.csr
quiet openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in soon.csr -out soon.pem -notext -days 5 -extensions leaf
cat ca.pem intermediate.pem > ca-bundle.pem
cat ca.pem server.pem > mixed-bundle.pem
head -c 600 /dev/urandom > garbage.pem
chmod 0600 ./*.key
