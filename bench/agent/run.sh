#!/usr/bin/env bash
# The device agent (issue 4; docs/performance.md "Device agent"), each figure
# beside a baseline measured in the same run:
#   1. a boot-image download plus verification: sztp_fetch (the agent's own
#      downloader: streamed to disk through one buffer, SHA-256 computed as
#      the octets arrive, fsync and rename) against `curl | openssl dgst
#      -sha256` (no file written) and `curl -o F && sync F && openssl dgst F`
#      (the same work as the agent), all from one nginx over TLS on loopback;
#      wall time and peak RSS of each;
#   2. onboarding time without an image: `sztp-agent --once` from start to
#      exit against sztp-server on loopback (signed onboarding information,
#      pre-script, configuration, post-script, every report), against curl
#      making the same get-bootstrapping-data and report-progress requests;
#   3. the stripped binaries' sizes.
#
#   bench/agent/run.sh [--build DIR] [--image-mib N] [--reps R] [--onboardings K] [--out PREFIX]
#     --build DIR      a Release build with bin/{sztp,sztp-server,sztp-agent,ztp,sztp-step-runner}
#                      and bench/sztp_fetch (default build-load)
#     --image-mib N    image size (default 512)
#     --reps R         interleaved repetitions of each download (default 3)
#     --onboardings K  onboardings timed, and as many curl runs (default 10)
#     --out PREFIX     also write PREFIX.txt (default: print only)
#   KEEP_WORK=1 keeps the work directory (logs, configs) for a look afterwards.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=build-load
mib=512
reps=3
onboardings=10
out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --image-mib) mib=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --onboardings) onboardings=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $build = /* ]] || build="$repo/$build"
bin=$build/bin
fetch=$build/bench/sztp_fetch
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
for b in "$bin/sztp" "$bin/sztp-server" "$bin/sztp-agent" "$bin/ztp" "$bin/sztp-step-runner" "$fetch" "$nginx_bin"; do
  [[ -x $b ]] || { echo "run.sh: missing $b (cmake --build $build --target sztp sztp-server sztp-agent ztp sztp-step-runner sztp_fetch; apt-get install nginx)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/sztp-agent-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n ${KEEP_WORK:-} ]]; then echo "run.sh: work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
[[ -z $out ]] || { [[ $out = /* ]] || out="$PWD/$out"; mkdir -p "$(dirname "$out")"; : > "$out.txt"; }
say() { echo "$@"; [[ -z $out ]] || echo "$@" >> "$out.txt"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "run.sh: port $1 not open" >&2; exit 1; }
    sleep 0.1
  done
}
# Runs a shell command; prints "<wall seconds> <peak RSS KiB of the largest process it waited for>".
measure() {
  python3 - "$1" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
subprocess.run(["bash", "-c", sys.argv[1]], check=True, stdout=subprocess.DEVNULL)
wall = time.monotonic() - t0
print(f"{wall:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

say "# sztp-agent benchmark — $(date -u '+%F %T') UTC; $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo snapshot); $(nproc) CPUs, $(openssl version), $("$nginx_bin" -v 2>&1), $(curl --version | head -1 | cut -d' ' -f1-2)"
cd "$work"
"$bin/sztp" pki init --dir pki --server-name localhost --server-address 127.0.0.1 --serial BENCH-0001 > /dev/null
cat pki/tls/server.crt pki/tls/ca.crt > pki/tls/server-chain.crt

# ---- 1. download ----
mkdir -p www nginx/tmp
head -c $((mib * 1024 * 1024)) /dev/urandom > www/image.img
sha=$(openssl dgst -sha256 -r www/image.img | cut -d' ' -f1)
nginx_port=$(free_port)
cat > nginx/nginx.conf <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  sendfile on;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/pki/tls/server-chain.crt;
    ssl_certificate_key $work/pki/tls/server.key;
    ssl_protocols TLSv1.3;
    root $work/www;
  }
}
NGINX
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
wait_port "$nginx_port"
url="https://127.0.0.1:$nginx_port/image.img"
say "# 1. ${mib} MiB image over TLS 1.3 from nginx on loopback, $reps interleaved reps (seconds, peak RSS KiB)"
for ((r = 1; r <= reps; r++)); do
  rm -f dl.img dl.img.part curl.img
  read -r t rss < <(measure "$fetch '$url' -o $work/dl.img --sha256 $sha")
  say "sztp_fetch           rep $r  $t s  $rss KiB"
  read -r t rss < <(measure "curl -sk '$url' | openssl dgst -sha256 | grep -q $sha")
  say "curl|openssl-dgst    rep $r  $t s  $rss KiB"
  read -r t rss < <(measure "curl -sk -o $work/curl.img '$url' && sync $work/curl.img && openssl dgst -sha256 $work/curl.img | grep -q $sha")
  say "curl-o+sync+dgst     rep $r  $t s  $rss KiB"
done
rm -f dl.img curl.img www/image.img

# ---- 2. onboarding without an image ----
mkdir -p vouchers device/ssh device/config device/state
"$bin/sztp" voucher create --serial BENCH-0001 --pinned-domain-cert pki/owner/ca.crt \
  --signer-cert pki/masa/masa.crt --signer-key pki/masa/masa.key \
  --idevid pki/manufacturer/idevid/BENCH-0001.crt --expires-in 30d -o vouchers/BENCH-0001.vcj
cat > inventory.yaml <<INV
version: 1
device-types:
  - name: bench
    idevid-trust-anchors: pki/manufacturer/ca.crt
owners:
  - name: owner
    certificate-chain: [pki/owner/owner.crt, pki/owner/ca.crt]
    signing-key: pki/owner/owner.key
scripts:
  - name: pre
    text: "#!/bin/sh\nexit 0\n"
  - name: post
    text: "#!/bin/sh\nexit 0\n"
configurations:
  - name: base
    handling: merge
    text: "<config xmlns=\"urn:example:dpu\"><hostname>dpu</hostname></config>"
onboarding-profiles:
  - name: noimage
    pre-configuration-script: pre
    configuration: base
    post-configuration-script: post
devices:
  - serial-number: BENCH-0001
    device-type: bench
    owner: owner
    ownership-voucher: vouchers/BENCH-0001.vcj
    responses:
      - profile: noimage
        reporting-level: verbose
INV
sztp_port=$(free_port)
admin_port=$(free_port)
cat > sztp-server.yaml <<CFG
registry: state/registry.db
inventory: inventory.yaml
bootstrap:
  listen: ["127.0.0.1:$sztp_port"]
  tls: {certificate: pki/tls/server-chain.crt, key: pki/tls/server.key}
admin:
  listen: ["127.0.0.1:$admin_port"]
CFG
"$bin/sztp-server" --config sztp-server.yaml > server.log 2>&1 &
pids+=($!)
wait_port "$sztp_port"
printf 'ID=bench\nNAME=BenchOS\nVERSION_ID=1.0\n' > device/os-release
printf 'boot-1\n' > device/boot_id
cat > device/agent.yaml <<CFG
state-directory: $work/device/state
step-runner: $bin/sztp-step-runner
identity:
  certificate: $work/pki/manufacturer/idevid/BENCH-0001.crt
  key: $work/pki/manufacturer/idevid/BENCH-0001.key
  hw-model: bench
trust:
  voucher-trust-anchors: [$work/pki/masa/ca.crt]
sources:
  order: [well-known]
  well-known:
    - {host: 127.0.0.1, port: $sztp_port, trust-anchor: $work/pki/tls/ca.crt}
onboarding:
  configuration-directory: $work/device/config
  os-release-file: $work/device/os-release
  boot-id-file: $work/device/boot_id
  ssh-host-key-directory: $work/device/ssh
retry: {max-cycles: 1}
CFG
gbd="https://127.0.0.1:$sztp_port/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data"
rpt="https://127.0.0.1:$sztp_port/restconf/operations/ietf-sztp-bootstrap-server:report-progress"
curl_run="curl -s --fail --cacert pki/tls/ca.crt --cert pki/manufacturer/idevid/BENCH-0001.crt --key pki/manufacturer/idevid/BENCH-0001.key -H 'Content-Type: application/yang-data+json' -H 'Accept: application/yang-data+json'"
# The requests the agent makes for this profile at the verbose level.
reports="bootstrap-initiated parsing-initiated parsing-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete"
curl_cmd="$curl_run -d '{\"ietf-sztp-bootstrap-server:input\":{\"hw-model\":\"bench\"}}' '$gbd' > /dev/null"
for p in $reports; do
  curl_cmd+=" && $curl_run -d '{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"$p\"}}' '$rpt'"
done
say "# 2. onboarding without an image (signed, verbose: GBD + 10 reports), $onboardings runs each (seconds)"
agent_times=()
curl_times=()
for ((r = 1; r <= onboardings; r++)); do
  "$bin/ztp" --config device/agent.yaml erase --yes > /dev/null
  read -r t _ < <(measure "cd $work && $bin/sztp-agent --config device/agent.yaml --once 2> device/agent.log")
  "$bin/ztp" --config device/agent.yaml status --json | grep -q '"state": *"completed"' || { echo "run.sh: onboarding did not complete:" >&2; tail -20 device/agent.log >&2; exit 1; }
  agent_times+=("$t")
  read -r t _ < <(measure "cd $work && $curl_cmd")
  curl_times+=("$t")
done
say "sztp-agent --once     runs: ${agent_times[*]}"
say "curl (11 requests)    runs: ${curl_times[*]}"
python3 - "${agent_times[*]}" "${curl_times[*]}" <<'PY' | while read -r line; do say "$line"; done
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
c = [float(x) for x in sys.argv[2].split()]
print(f"median: sztp-agent {statistics.median(a)*1000:.0f} ms, curl {statistics.median(c)*1000:.0f} ms, ratio {statistics.median(a)/statistics.median(c):.2f}")
PY

# ---- 3. sizes ----
say "# 3. stripped sizes (bytes)"
for b in sztp-agent ztp sztp-step-runner; do
  strip -o "$work/$b.stripped" "$bin/$b"
  say "$b $(stat -c %s "$work/$b.stripped")"
done
say "curl (for scale, + its shared libraries) $(stat -c %s "$(command -v curl)")"
