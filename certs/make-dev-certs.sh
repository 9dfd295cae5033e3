#!/usr/bin/env bash
# Makes a DEVELOPMENT certificate authority and one mutual-TLS certificate per registry party.
# Never use anything this script makes in production: the keys are unencrypted files made on a developer machine.
#
# Usage: make-dev-certs.sh [--expired PARTY]... [--foreign PARTY]... OUTDIR [PARTY...]
#   OUTDIR             created if missing; must not already hold a ca.key (keys are never reused or overwritten)
#   PARTY              registry codes (default: ITL CDM CH GB DE JP); CN = code, SAN URI urn:kyoto:registry:CODE
#   --expired PARTY    also make PARTY-expired.{crt,key}: signed by the dev CA, validity entirely in the past
#   --foreign PARTY    also make PARTY-foreign.{crt,key}: same identity, signed by another CA (other-ca.{crt,key})
#
# Output (PEM; keys are PKCS#8 "BEGIN PRIVATE KEY", mode 0600):
#   ca.crt ca.key            the development CA (EC P-256, CA:TRUE, keyCertSign/cRLSign)
#   CODE.crt CODE.key        per party: digitalSignature; serverAuth+clientAuth (every party is server and client);
#                            SAN DNS:localhost, IP:127.0.0.1, URI:urn:kyoto:registry:CODE
#   CODE-chain.crt           the party certificate followed by the CA certificate
set -euo pipefail

usage() {
    echo "usage: $0 [--expired PARTY]... [--foreign PARTY]... OUTDIR [PARTY...]" >&2
    exit 2
}

expired=()
foreign=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --expired) [[ $# -ge 2 ]] || usage; expired+=("$2"); shift 2 ;;
        --foreign) [[ $# -ge 2 ]] || usage; foreign+=("$2"); shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "error: unknown option '$1'" >&2; usage ;;
        *) break ;;
    esac
done
[[ $# -ge 1 ]] || usage
outdir="$1"; shift
parties=("$@")
[[ ${#parties[@]} -gt 0 ]] || parties=(ITL CDM CH GB DE JP)

# Party codes go into subjects, SANs and file names: allow only what registry codes look like.
for code in "${parties[@]}" "${expired[@]}" "${foreign[@]}"; do
    if [[ ! "$code" =~ ^[A-Z][A-Z0-9]{1,15}$ ]]; then
        echo "error: party code '$code' is not a registry code (A-Z then A-Z/0-9, 2-16 characters)" >&2
        exit 2
    fi
done

command -v openssl >/dev/null || { echo "error: openssl not found in PATH" >&2; exit 1; }
mkdir -p "$outdir"
if [[ -e "$outdir/ca.key" ]]; then
    echo "error: $outdir/ca.key exists; use a new directory (keys are never reused or overwritten)" >&2
    exit 1
fi
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# make_ca NAME CN: a self-signed EC P-256 CA valid for 10 years.
make_ca() {
    local name="$1" cn="$2"
    new_key "$outdir/$name.key"
    openssl req -x509 -new -key "$outdir/$name.key" -out "$outdir/$name.crt" -days 3650 -sha256 \
        -subj "/O=cdm-registry development/CN=$cn" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# leaf_ext CODE FILE: the extensions every party certificate carries.
leaf_ext() {
    cat >"$2" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,URI:urn:kyoto:registry:$1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EOF
}

# make_leaf CODE CA_NAME OUT_NAME: a 1-year party certificate signed by CA_NAME.
make_leaf() {
    local code="$1" ca="$2" out="$3"
    new_key "$outdir/$out.key"
    openssl req -new -key "$outdir/$out.key" -out "$work/$out.csr" \
        -subj "/O=cdm-registry development/CN=$code" 2>/dev/null
    leaf_ext "$code" "$work/$out.ext"
    openssl x509 -req -in "$work/$out.csr" -CA "$outdir/$ca.crt" -CAkey "$outdir/$ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 \
        -extfile "$work/$out.ext" -out "$outdir/$out.crt" 2>/dev/null
    cat "$outdir/$out.crt" "$outdir/$ca.crt" >"$outdir/$out-chain.crt"
}

# make_expired CODE: signed by the dev CA with a validity period that ended in the past. OpenSSL 3.0's
# `x509 -req` cannot back-date, so this uses `openssl ca` with explicit -startdate/-enddate and a throwaway database.
make_expired() {
    local code="$1" out="$1-expired" db="$work/cadb-$1"
    mkdir -p "$db/new"
    : >"$db/index.txt"
    openssl rand -hex 16 >"$db/serial"
    cat >"$db/ca.cnf" <<EOF
[ ca ]
default_ca = dev
[ dev ]
database = $db/index.txt
new_certs_dir = $db/new
serial = $db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
organizationName = optional
commonName = supplied
EOF
    new_key "$outdir/$out.key"
    openssl req -new -key "$outdir/$out.key" -out "$work/$out.csr" \
        -subj "/O=cdm-registry development/CN=$code" 2>/dev/null
    leaf_ext "$code" "$work/$out.ext"
    openssl ca -batch -notext -config "$db/ca.cnf" -cert "$outdir/ca.crt" -keyfile "$outdir/ca.key" \
        -startdate 20200101000000Z -enddate 20200201000000Z \
        -extfile "$work/$out.ext" -in "$work/$out.csr" -out "$outdir/$out.crt" 2>/dev/null
}

make_ca ca "cdm-registry development CA"
for code in "${parties[@]}"; do make_leaf "$code" ca "$code"; done
for code in "${expired[@]}"; do make_expired "$code"; done
if [[ ${#foreign[@]} -gt 0 ]]; then
    make_ca other-ca "another development CA (not trusted)"
    for code in "${foreign[@]}"; do make_leaf "$code" other-ca "$code-foreign"; done
fi
chmod 0644 "$outdir"/*.crt
chmod 0600 "$outdir"/*.key

# Fail loudly if something did not verify the way the tests and the daemon expect.
for code in "${parties[@]}"; do
    openssl verify -CAfile "$outdir/ca.crt" -purpose sslclient "$outdir/$code.crt" >/dev/null
    openssl verify -CAfile "$outdir/ca.crt" -purpose sslserver "$outdir/$code.crt" >/dev/null
done
summary="ca ${parties[*]}${expired:+ expired: ${expired[*]}}${foreign:+ foreign: ${foreign[*]}}"
echo "development certificates in $outdir: $summary"
