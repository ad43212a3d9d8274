#!/usr/bin/env bash
# pim serve under load: wrk against a server holding the generated microdata (issue 7's performance targets).
#
#   bench/serve-bench.sh [--rows 1000000] [--duration 20s] [--connections 16] [--threads 2] [--no-build] [--bin PATH]
#
# Steps: generate the data if missing (shared/bench/gen_microdata.py), build pim in release (.build-release),
# import the file once into a throwaway data directory (reused by later runs: $SERVE_BENCH_DIR, default
# /tmp/pim-serve-bench-ROWS), start `pim serve` on a free port, sign in with curl, time each endpoint's first
# (cold-cache) request, then run wrk with the session cookie (wrk Lua script) on:
#   GET /api/v1/datasets/pm/output                     the category output (JSON)
#   GET /datasets/pm                                   the dataset page (HTML, chart)
#   GET /api/v1/datasets/pm/aggregate?by=adm1_code,sex an aggregate request
#   GET /static/pim.css, GET /login                    static pages
# The microdata's `incident_type` column is renamed `protection_risk` (header only) so that the file is laid
# out for the protection-monitoring output. Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${BENCH_SHARED:-$ROOT/../shared/bench}
[ -d "$SHARED" ] || SHARED=/work/shared/bench
DATA=${BENCH_DATA_DIR:-/tmp/bench-data}
ROWS=1000000
DURATION=20s
CONNS=16
THREADS=2
BUILD=1
BIN=
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --bin) BIN=$2; BUILD=0; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

csv=$DATA/microdata_$ROWS.csv
[ -f "$csv" ] || python3 "$SHARED/gen_microdata.py" "$ROWS" --out "$DATA"
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && swift build -c release --scratch-path .build-release --product pim 2>&1 | tail -1)
fi
pim=${BIN:-$ROOT/.build-release/release/pim}

work=${SERVE_BENCH_DIR:-/tmp/pim-serve-bench-$ROWS}
mkdir -p "$work"
if [ ! -f "$work/imported" ]; then
  rm -rf "$work/pim"
  echo "bench-password-1234" > "$work/pw"
  "$pim" init --data-dir "$work/pim" --workspace "serve bench" --country ZZZ --admin bench --password-file "$work/pw" >/dev/null
  sed '1s/incident_type/protection_risk/' "$csv" > "$work/pm.csv"
  start=$(date +%s.%N)
  "$pim" import "$work/pm.csv" --data-dir "$work/pim" --dataset pm --category protection-monitoring \
    --purpose "serve benchmark" --sensitivity low --as bench
  echo "import of $ROWS rows: $(echo "$(date +%s.%N) - $start" | bc) s"
  rm -f "$work/pm.csv"
  touch "$work/imported"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$pim" serve --data-dir "$work/pim" --port "$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 1 120); do curl -fs "$base/health" >/dev/null && break; sleep 0.5; done

jar=$work/cookies.txt
rm -f "$jar"
csrf=$(curl -fs -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "user_name=bench" --data-urlencode "password=$(cat "$work/pw")" \
  --data-urlencode "csrf_token=$csrf" "$base/login"
cookie=$(awk '$6 ~ /pim_session$/ { print $6 "=" $7 }' "$jar" | tail -1)
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
cat > "$work/cookie.lua" <<LUA
wrk.headers["Cookie"] = "$cookie"
LUA
# The login page as a visitor who has not signed in yet (one anonymous session, as a browser keeps it).
anon_jar=$work/anon-cookies.txt
rm -f "$anon_jar"
curl -fs -c "$anon_jar" -o /dev/null "$base/login"
anon=$(awk '$6 ~ /pim_session$/ { print $6 "=" $7 }' "$anon_jar" | tail -1)
cat > "$work/anon.lua" <<LUA
wrk.headers["Cookie"] = "$anon"
LUA

endpoints=(
  "category output (JSON)|/api/v1/datasets/pm/output|cookie"
  "dataset page (HTML)|/datasets/pm|cookie"
  "aggregate by adm1_code,sex|/api/v1/datasets/pm/aggregate?by=adm1_code,sex|cookie"
  "static /static/pim.css|/static/pim.css|anon"
  "static /login (not signed in)|/login|anon"
)
echo
echo "First request of each (cold cache), seconds:"
for e in "${endpoints[@]}"; do
  name=${e%%|*}; rest=${e#*|}; path=${rest%|*}; who=${rest#*|}
  c=$cookie; [ "$who" = anon ] && c=$anon
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $c" "$base$path")
  echo "  $name: HTTP ${out% *}, ${out#* } s"
  [ "${out% *}" = 200 ] || { echo "unexpected status for $path" >&2; exit 1; }
done
# A second aggregate with other dimensions, cold too (columns of the first already cached).
out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$base/api/v1/datasets/pm/aggregate?by=adm2_code,sex,settlement_type")
echo "  aggregate by adm2_code,sex,settlement_type (cold): HTTP ${out% *}, ${out#* } s"

echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency (pim $("$pim" --version), $ROWS rows, $(nproc) cores)"
echo
echo "| request | requests/s | median | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
for e in "${endpoints[@]}"; do
  name=${e%%|*}; rest=${e#*|}; path=${rest%|*}; who=${rest#*|}
  r=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$work/$who.lua" "$base$path")
  rps=$(echo "$r" | awk '/Requests\/sec/ { print $2 }')
  p50=$(echo "$r" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$r" | awk '$1 == "99%" { print $2 }')
  bad=$(echo "$r" | awk '/Non-2xx/ { print $5 }')
  echo "| $name | $rps | $p50 | $p99 | ${bad:-0} |"
done
