#!/usr/bin/env bash
# Installs the Debian 12 packages sztp needs, and only those that are missing.
#   scripts/install-deps.sh            everything: build, tests, fuzzing, benchmarks
#   scripts/install-deps.sh --runtime  enough to build the binaries and run the demo
# Uses sudo when not root. Every dependency comes from Debian (docs/building.md).
set -euo pipefail

build=(cmake ninja-build pkg-config g++ openssl libssl-dev nlohmann-json3-dev libpugixml-dev
       libyaml-cpp-dev libcli11-dev libcurl4-openssl-dev
       libboost-dev libsqlite3-dev
       iproute2 dnsmasq-base)  # the demo's namespace lab (scripts/demo.sh as root)
test=(libgtest-dev libgmock-dev libbenchmark-dev libyang2-dev libyang2-tools clang
      libclang-rt-14-dev kea-dhcp4-server kea-dhcp6-server dnsmasq-base isc-dhcp-server
      isc-dhcp-client
      python3-prometheus-client curl sqlite3
      tpm2-openssl tpm2-tools swtpm swtpm-tools rsyslog
      tpm2-abrmd libtss2-tcti-tabrmd0 dbus-daemon  # the lab's TPM device (resource manager)
      nginx  # the lab's separate deployment file server
      nsd)  # the lab's authoritative DNS server (binary TXT over UDP and TCP)

packages=("${build[@]}")
if [[ "${1:-}" != "--runtime" ]]; then
  packages+=("${test[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing packages and not root; run as root:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
# nginx, nsd, rsyslog, tpm2-abrmd, dnsmasq and Kea would start system services on
# installation (nginx on port 80); the tests and the demo run their own
# instances, so nothing is started while installing (policy-rc.d, see
# invoke-rc.d(8)), unless the machine has a policy of its own.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
