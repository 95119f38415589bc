#!/usr/bin/env bash
# The bootstrap server under load (issue 3; docs/performance.md "Bootstrap
# server under load"): sztp-server and, side by side, nginx answering a static
# body of the same size, both over mutual TLS to the same simulated devices.
#
#   bench/load/run.sh [options]
#     --build DIR        build directory with bin/sztp, bin/sztp-server, bench/sztp_load
#                        (default build-load)
#     --devices N        simulated devices, each with its own IDevID (default 1000)
#     --concurrency "L"  closed-loop concurrency levels (default "50 200"; "" = none)
#     --rates "L"        then also open loop: onboardings started per second, each
#                        rate with at most --open-concurrency in flight (default: none)
#     --open-concurrency C   cap of the open-loop runs (default 200)
#     --arrivals A       open loop: poisson (default) or even
#     --reps R           repetitions of each (server, level), interleaved (default 3)
#     --warmup S --duration S   seconds of warm-up and of measured window (5, 25)
#     --registry-devices M      then also: registry grown to M devices in all, load at
#                        the last level against the N devices (0 = skip; default 0)
#     --fill-limit S     stop growing the registry after S seconds (default 600)
#     --servers "L"      which servers (default "sztp-server nginx")
#     --io-threads K --handler-threads H   sztp-server threads (2, 64: the defaults);
#                        nginx runs K worker processes
#     --work DIR         world directory (default: a new /tmp/sztp-load.XXXXXX, removed)
#     --out PREFIX       write PREFIX-<case>-<server>-<rep>.json and PREFIX.txt
#
# What it does: `sztp pki init` with N serials; `sztp_load prepare` issues a
# voucher per device and writes inventory.yaml; sztp-server is configured with
# it (2 I/O threads, 8 handler threads: the defaults) and started; one probe
# onboarding saves the real signed answer and checks it as a device would;
# nginx (2 workers, the same certificate, `ssl_verify_client optional_no_ca`)
# answers get-bootstrapping-data with that very body and report-progress with
# 204. Each server process is started afresh for each run; sztp_load reads its
# CPU time and peak RSS from /proc (nginx: master and workers summed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build="build-load"
devices=1000
levels="50 200"
rates=""
open_c=200
arrivals=poisson
reps=3
warmup=5
duration=25
registry_devices=0
fill_limit=600
servers="sztp-server nginx"
io_threads=2
handler_threads=64
work=""
out=""
sztp_port=${SZTP_LOAD_PORT:-18443}
nginx_port=${NGINX_LOAD_PORT:-18444}
admin_port=${ADMIN_LOAD_PORT:-18080}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --concurrency) levels=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --registry-devices) registry_devices=$2; shift 2 ;;
    --fill-limit) fill_limit=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --io-threads) io_threads=$2; shift 2 ;;
    --handler-threads) handler_threads=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --open-concurrency) open_c=$2; shift 2 ;;
    --arrivals) arrivals=$2; shift 2 ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

[[ $build = /* ]] || build="$repo/$build"
sztp="$build/bin/sztp"
server_bin="$build/bin/sztp-server"
load="$build/bench/sztp_load"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
for b in "$sztp" "$server_bin" "$load" "$nginx_bin"; do
  [[ -x $b ]] || { echo "run.sh: missing $b (build: cmake --build $build --target sztp sztp-server sztp_load; nginx: apt-get install nginx)" >&2; exit 1; }
done

remove_work=false
if [[ -z $work ]]; then
  work=$(mktemp -d /tmp/sztp-load.XXXXXX)
  remove_work=true
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
chmod 755 "$work"
[[ -n $out ]] || out="$work/results/load"
[[ $out = /* ]] || out="$PWD/$out"
mkdir -p "$(dirname "$out")"
log="$out.txt"
: > "$log"
say() { echo "$@" | tee -a "$log"; }

server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  stop_server
  if $remove_work; then rm -rf "$work"; fi
}
trap cleanup EXIT

wait_port() {  # port pid seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "run.sh: server $2 exited" >&2; return 1; }
    ((SECONDS < deadline)) || { echo "run.sh: port $1 not open after $3 s" >&2; return 1; }
    sleep 0.1
  done
}

# Which sources the binaries were built from: a checkout, or a snapshot
# (git archive) that records its commit in .snapshot-commit.
src_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
if [[ -f $src_dir/.snapshot-commit ]]; then
  sources="snapshot of $(cat "$src_dir/.snapshot-commit") in $src_dir"
elif git -C "$src_dir" rev-parse --short HEAD > /dev/null 2>&1; then
  sources="commit $(git -C "$src_dir" rev-parse --short HEAD)$(git -C "$src_dir" diff --quiet HEAD -- src || echo ' + uncommitted changes in src')"
else
  sources=$src_dir
fi
say "# sztp-server under load — $(date -u '+%F %T') UTC; binaries of $build built from $sources"
say "# machine: $(nproc) CPUs, $(uname -r), $(openssl version), $("$nginx_bin" -v 2>&1)"
say "# N=$devices, levels: $levels, open-loop rates: ${rates:-none} (C=$open_c, $arrivals), reps $reps, warm-up ${warmup}s, window ${duration}s, servers: $servers, sztp-server io-threads $io_threads handler-threads $handler_threads, work dir $work"

# ---- the world ----
cd "$work"
if [[ ! -f serials.txt ]]; then
  seq -f 'LOAD-%06g' 0 $((devices - 1)) > serials.txt
  t0=$SECONDS
  # shellcheck disable=SC2046
  "$sztp" pki init --dir pki --server-name localhost --server-address 127.0.0.1 \
    $(sed 's/^/--serial /' serials.txt) > /dev/null
  "$load" prepare --dir . --serials serials.txt
  cat pki/tls/server.crt pki/tls/ca.crt > pki/tls/server-chain.crt
  printf 'load-benchmark-admin-token-0123456789\n' > admin.token
  say "# world: PKI, $devices IDevIDs and vouchers in $((SECONDS - t0)) s"
fi

cat > sztp-server.yaml <<EOF
registry: state/registry.db
inventory: inventory.yaml
io-threads: $io_threads
handler-threads: $handler_threads
bootstrap:
  listen: ["127.0.0.1:$sztp_port"]
  tls: {certificate: pki/tls/server-chain.crt, key: pki/tls/server.key}
admin:
  listen: ["127.0.0.1:$admin_port"]
  token-files: [admin.token]
EOF

mkdir -p nginx/tmp
cat > nginx/nginx.conf <<EOF
# The baseline: what serving the same bytes over the same mutual TLS costs
# with no work behind it. Same certificate; as many workers as sztp-server has I/O threads.
worker_processes $io_threads;
daemon off;
master_process on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  keepalive_timeout 30s;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    server_name localhost;
    ssl_certificate $work/pki/tls/server-chain.crt;
    ssl_certificate_key $work/pki/tls/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_verify_client optional_no_ca;
    # The same TLS choices as sztp-server (src/lib/net): its cipher suites in
    # server order, no session cache, no tickets (TLS 1.3 NewSessionTicket too).
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_conf_command NumTickets 0;
    ssl_prefer_server_ciphers on;
    ssl_session_cache off;
    ssl_session_tickets off;
    # The static module refuses POST with 405; error_page re-serves the file
    # to the same request as GET with status 200.
    location = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data" {
      alias $work/nginx/answer.json;
      error_page 405 =200 /answer;
    }
    location = /answer {
      internal;
      types { }
      default_type application/yang-data+json;
      alias $work/nginx/answer.json;
    }
    location = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress" {
      return 204;
    }
  }
}
EOF

start_sztp() {
  local t0=$SECONDS
  "$server_bin" --config sztp-server.yaml >> server.log 2>&1 &
  server_pid=$!
  wait_port "$sztp_port" "$server_pid" 900
  pids=("$server_pid")
  started_in=$((SECONDS - t0))
}
start_nginx() {
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
  server_pid=$!
  wait_port "$nginx_port" "$server_pid" 30
  pids=("$server_pid")
  local tries=0
  while (( $(pgrep -P "$server_pid" | wc -l) < io_threads && tries < 50 )); do sleep 0.1; tries=$((tries + 1)); done
  mapfile -t workers < <(pgrep -P "$server_pid")
  pids+=("${workers[@]}")
  started_in=0
}

# The real answer, checked as the device checks it; nginx serves these bytes.
start_sztp
say "# sztp-server started in ${started_in} s; $("$server_bin" --config sztp-server.yaml --check-config | grep '^devices')"
"$load" probe --port "$sztp_port" --dir . --serial "$(head -1 serials.txt)" \
  --out nginx/answer.json --validate | tee -a "$log"
stop_server
answer_bytes=$(stat -c %s nginx/answer.json)
start_nginx
"$load" probe --port "$nginx_port" --dir . --serial "$(head -1 serials.txt)" | tee -a "$log"
stop_server

run_one() {  # server case concurrency rep [rate]
  local server=$1 case=$2 c=$3 rep=$4 rate=${5:-0}
  if [[ $server = sztp-server ]]; then start_sztp; port=$sztp_port; else start_nginx; port=$nginx_port; fi
  say "# $case rep $rep: $server started in ${started_in} s (pids ${pids[*]})"
  local pid_args=()
  for p in "${pids[@]}"; do pid_args+=(--pid "$p"); done
  local status=0
  "$load" run --port "$port" --dir . --serials serials.txt -c "$c" \
    --warmup "$warmup" --duration "$duration" "${pid_args[@]}" \
    --expect-answer-bytes "$answer_bytes" --label "$server" --case "$case" \
    --rate "$rate" --arrivals "$arrivals" \
    --json "$out-$case-$server-$rep.json" | tee -a "$log" || status=$?
  stop_server
  return $status
}

failed=0
for c in $levels; do
  for rep in $(seq 1 "$reps"); do
    for server in $servers; do
      run_one "$server" "n$devices-c$c" "$c" "$rep" || failed=1
    done
  done
done

for rate in $rates; do
  for rep in $(seq 1 "$reps"); do
    for server in $servers; do
      run_one "$server" "n$devices-c$open_c-r$rate" "$open_c" "$rep" "$rate" || failed=1
    done
  done
done

if (( registry_devices > devices )); then
  c=${levels##* }
  say "# growing the registry to $registry_devices devices (limit ${fill_limit} s)"
  fill_status=0
  timeout "$fill_limit" "$load" fill --registry state/registry.db \
    --count $((registry_devices - devices)) --voucher "vouchers/$(head -1 serials.txt).vcj" \
    | tee -a "$log" || fill_status=$?
  say "# fill exit status $fill_status (124 = stopped at the time limit; each batch is a transaction)"
  in_registry=$("$server_bin" --config sztp-server.yaml --check-config | sed -n 's/^devices: //p')
  say "# registry: $in_registry devices, $(du -sh state | cut -f1) on disk"
  label="reg$((in_registry / 1000))k-c$c"
  for rep in $(seq 1 "$reps"); do
    run_one sztp-server "$label" "$c" "$rep" || failed=1
  done
fi

# This run's reports only (case names start n<N>- or reg<K>k-), not those of
# another run whose prefix extends this one.
shopt -s nullglob
python3 "$here/table.py" "$out"-n[0-9]*.json "$out"-reg[0-9]*.json | tee -a "$log"
say "# raw: $out-{n,reg}*.json; server log: $work/server.log"
exit $failed
