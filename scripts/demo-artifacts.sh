#!/usr/bin/env bash
# The artifacts walkthrough (docs/cli.md): an offline SZTP demonstration of
# the toolkit alone (the README's main job is scripts/demo.sh, the whole
# deployment). It builds the toolkit if needed, then plays each party:
#   manufacturer: a demo PKI (IDevIDs, voucher signer) and ownership vouchers;
#   owner:        an owner certificate and signed, encrypted onboarding information;
#   device:       the RFC 8572 §5.4 check of what it received, printing every check;
# and shows the device refusing a voucher for another device and altered data.
# Everything is written to demo-out/ (recreated each run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --runtime >/dev/null
if [[ ! -x build/bin/sztp ]] || [[ -n "$(find src CMakeLists.txt -newer build/bin/sztp -print -quit)" ]]; then
  echo "Building the toolkit (cmake --preset release)..."
  cmake --preset release >/dev/null
  cmake --build --preset release --target sztp -j "$(nproc)" >/dev/null
fi
sztp=$PWD/build/bin/sztp
out=demo-out
rm -rf "$out"
mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s|$PWD/||g"; "$@"; }
expect_reject() {
  local reason=$1; shift
  printf '$ %s\n' "$*" | sed "s|$PWD/||g"
  local status=0 output
  output=$("$@") || status=$?
  printf '%s\n' "$output" | sed -n '/\[FAIL\]/p;/REJECTED/p'
  if [[ $status -ne 1 ]] || ! grep -q "REJECTED $reason" <<<"$output"; then
    echo "demo: expected rejection $reason, got exit $status" >&2
    exit 1
  fi
}

step "Manufacturer and owner: a demo PKI (EC P-256)"
run "$sztp" pki init --dir "$out/pki" --serial SZTP-DEMO-0001 --serial SZTP-DEMO-0002

step "Manufacturer (MASA): an ownership voucher per device, pinning the owner's CA"
for sn in SZTP-DEMO-0001 SZTP-DEMO-0002; do
  run "$sztp" voucher create --serial "$sn" --pinned-domain-cert "$out/pki/owner/ca.crt" \
    --signer-cert "$out/pki/masa/masa.crt" --signer-key "$out/pki/masa/masa.key" \
    --idevid "$out/pki/manufacturer/idevid/$sn.crt" --expires-in 30d -o "$out/$sn.vcj"
done

step "Owner: a fresh owner certificate (RFC 8572 §9.11) and its artifact"
run "$sztp" owner-cert create --ca-cert "$out/pki/owner/ca.crt" --ca-key "$out/pki/owner/ca.key" \
  --cert-out "$out/owner.crt" --key-out "$out/owner.key" -o "$out/owner-certificate.cms"

step "Owner: onboarding information from a readable description, signed, then encrypted to the device"
cp -r examples/onboarding "$out/onboarding"
# A stand-in boot image: its SHA-256 goes into the onboarding information.
head -c 4194304 /dev/urandom > "$out/onboarding/images/demo-os-2.0.img"
run "$sztp" conveyed-info create --description "$out/onboarding/onboarding.yaml" \
  --sign-cert "$out/owner.crt" --sign-key "$out/owner.key" \
  --encrypt-to "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.crt" -o "$out/conveyed-information.cms"
run "$sztp" show "$out/conveyed-information.cms" --compact | cut -c1-200

step "Device SZTP-DEMO-0001: verify exactly as RFC 8572 §5.4 says"
run "$sztp" verify --conveyed-info "$out/conveyed-information.cms" \
  --owner-cert "$out/owner-certificate.cms" --voucher "$out/SZTP-DEMO-0001.vcj" \
  --voucher-trust-anchor "$out/pki/masa/ca.crt" \
  --idevid "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.crt" \
  --idevid-key "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.key" | cut -c1-160

step "Device SZTP-DEMO-0002 is handed SZTP-DEMO-0001's voucher: refused"
expect_reject voucher-serial-mismatch "$sztp" verify --conveyed-info "$out/conveyed-information.cms" \
  --owner-cert "$out/owner-certificate.cms" --voucher "$out/SZTP-DEMO-0001.vcj" \
  --voucher-trust-anchor "$out/pki/masa/ca.crt" --serial SZTP-DEMO-0002 \
  --idevid-key "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.key" \
  --idevid "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.crt"

step "Altered onboarding information (unencrypted, one byte changed): refused"
run "$sztp" conveyed-info create --description "$out/onboarding/onboarding.yaml" \
  --sign-cert "$out/owner.crt" --sign-key "$out/owner.key" -o "$out/plain.cms"
# perl-base is on every Debian system; change the first occurrence only.
perl -0777 -pi -e 's/DemoOS/XemoOS/' "$out/plain.cms"
expect_reject conveyed-info-signature-invalid "$sztp" verify --conveyed-info "$out/plain.cms" \
  --owner-cert "$out/owner-certificate.cms" --voucher "$out/SZTP-DEMO-0001.vcj" \
  --voucher-trust-anchor "$out/pki/masa/ca.crt" \
  --idevid "$out/pki/manufacturer/idevid/SZTP-DEMO-0001.crt"

step "DHCP: option 143 pointing devices at the bootstrap server (length-prefixed, not text)"
run "$sztp" dhcp encode https://bootstrap.example.net:8443
run "$sztp" dhcp decode --hex "$("$sztp" dhcp encode https://bootstrap.example.net:8443)"

step "Done: artifacts are in $out/"
