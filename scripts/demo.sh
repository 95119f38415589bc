#!/usr/bin/env bash
# The main job (README quick start): the whole SZTP deployment on one
# machine, played end to end by build/bin/sztp-lab (lab/sztp_lab_main.cc).
#   As root: network namespaces — dnsmasq announcing the redirect server in
#   DHCPv4 option 143 and DHCPv6 option 136, a redirect and an onboarding
#   sztp-server with its file server, three devices (one IPv6 only) running
#   sztp-agent, onboarding at once: boot image, reboot, scripts,
#   configuration, every report.
#   Otherwise: the same servers on loopback, two devices given the URL.
# Each step is printed, then each device's `ztp status`. The embedded SQLite
# registry throughout. Namespaces, processes and files are removed at the
# end, failed runs included. Exit 0 when every device completed.
#   scripts/demo.sh [--loopback] [--keep] [--dir DIR]   (sztp-lab --help)
# The toolkit-only walkthrough (PKI, vouchers, sztp verify) is
# scripts/demo-artifacts.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --runtime >/dev/null
targets=(sztp-lab sztp sztp-server sztp-agent ztp sztp-step-runner)
if [[ ! -x build/bin/sztp-lab ]] ||
   [[ -n "$(find src lab CMakeLists.txt -newer build/bin/sztp-lab -print -quit)" ]]; then
  echo "Building (cmake --preset release; ${targets[*]})..."
  cmake --preset release >/dev/null
  cmake --build --preset release --target "${targets[@]}" -j "$(nproc)" >/dev/null
fi
exec build/bin/sztp-lab "$@"
