#!/usr/bin/env bash
# pim's benchmark against the reference tools in shared/bench/peers, measured in one run.
#
#   bench/run.sh [--sizes "1000000 5000000"] [--runs 3] [--tasks "parse kanon5 …"] [--no-build]
#                [--no-cli] [--no-anjana] [--max-s 90] [--prior OLD/runs.jsonl] [--bin DIR]
#
# Steps: generate the data if missing (shared/bench/gen_microdata.py into $BENCH_DATA_DIR or /tmp/bench-data),
# set up the peers' venv (shared/bench/setup_peers.sh), build pim and pim-bench in release
# (.build-release), then for each size run every task with pim-bench and the peers, N times each under
# GNU time -v (peak RSS), and the whole-process CLI measurements (pim inspect, pim import vs the sqlite3
# shell's .import, pim risk, pim anonymize). A peer whose median at the previous size, scaled linearly,
# predicts more than --max-s seconds is skipped at the next size (--prior: also from an earlier run's sizes). --bin DIR uses the pim and pim-bench
# already built in DIR (no build). Results: bench-out/<UTC time>/ (runs.jsonl,
# machine.md, summary.md, the canonical texts); summary.md is printed at the end (Markdown for BENCHMARKS.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${BENCH_SHARED:-$ROOT/../shared/bench}
[ -d "$SHARED" ] || SHARED=/work/shared/bench
DATA=${BENCH_DATA_DIR:-/tmp/bench-data}
export BENCH_DATA_DIR=$DATA
SIZES="1000000"
RUNS=3
TASKS="parse kanon5 kanon3 ldiv5 ldiv3 agg hxl risk anonymize"
BUILD=1
BIN=
CLI=1
ANJANA=1
MAX_S=90
PRIOR=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --tasks) TASKS=$2; shift 2 ;;
    --max-s) MAX_S=$2; shift 2 ;;
    --prior) PRIOR=(--prior "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --bin) BIN=$(cd "$2" && pwd); BUILD=0; shift 2 ;;
    --no-cli) CLI=0; shift ;;
    --no-anjana) ANJANA=0; shift ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

GNU_TIME=/usr/bin/time
[ -x "$GNU_TIME" ] || { echo "GNU time is needed at /usr/bin/time (apt-get install -y time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { [ "$CLI" = 0 ] || apt-get install -y sqlite3 >/dev/null; }
OUT=$ROOT/bench-out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT/texts" "$OUT/tmp"
RUNS_FILE=$OUT/runs.jsonl
COMPARE="python3 $ROOT/bench/compare.py"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- data, peers, build
NEED_SIZES="$SIZES"
[ "$ANJANA" = 1 ] && case " $TASKS " in *" anonymize "*) NEED_SIZES="$NEED_SIZES 100000" ;; esac
for n in $NEED_SIZES; do
  if [ ! -f "$DATA/microdata_$n.csv" ]; then
    log "generating $DATA/microdata_$n.csv"
    python3 "$SHARED/gen_microdata.py" "$n" --out "$DATA"
  fi
done
log "peers venv"
PY=$(bash "$SHARED/setup_peers.sh" | tail -1)
if [ "$BUILD" = 1 ]; then
  # Linked as pim ships: one file with the Swift runtime inside (see the README), which also starts faster.
  log "building pim and pim-bench (release, static Swift runtime)"
  for product in pim pim-bench; do  # one --product per invocation (SwiftPM builds only the last one given)
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --scratch-path "$ROOT/.build-static" --product "$product")
  done
fi
[ -n "$BIN" ] || BIN=$(cd "$ROOT" && swift build -c release --static-swift-stdlib --scratch-path "$ROOT/.build-static" --show-bin-path)
PIM=$BIN/pim
BENCH=$BIN/pim-bench
"$BENCH" --self-test >/dev/null

# ---------------------------------------------------------------- machine
{
  echo "## Machine and run"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; memory $(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr)"
  echo "- $(swift --version 2>&1 | head -1); pim built with \`swift build -c release --static-swift-stdlib\`"
  echo "- peers: $("$PY" -c 'import polars, pandas, duckdb, numpy, importlib.metadata as m; print("polars %s, pandas %s, DuckDB %s, numpy %s, libhxl %s, pycanon %s, anjana %s" % (polars.__version__, pandas.__version__, duckdb.__version__, numpy.__version__, m.version("libhxl"), m.version("pycanon"), m.version("anjana")))'); $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/sqlite3 /')"
  echo "- runs per measurement: $RUNS (medians); data: $(for n in $SIZES; do echo -n "microdata_$n.csv ($(du -m "$DATA/microdata_$n.csv" | cut -f1) MB) "; done)"
  echo "- load average at start (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.md"

# run GROUP TASK TOOL SIZE I -- command...  (times one run, records it)
run() {
  local group=$1 task=$2 tool=$3 size=$4 i=$5
  shift 6
  local tf=$OUT/tmp/time.txt so=$OUT/tmp/stdout.txt se=$OUT/tmp/stderr.txt rc=0
  "$GNU_TIME" -v -o "$tf" "$@" >"$so" 2>"$se" || rc=$?
  $COMPARE record "$RUNS_FILE" --group "$group" --task "$task" --tool "$tool" --size "$size" --run "$i" --rc "$rc" \
    --time-file "$tf" --stdout-file "$so" --stderr-file "$se"
}

peer_cmd() {  # task tool csv -> the peer's command line
  local task=$1 tool=$2 csv=$3 P=$SHARED/peers
  case $task in
    parse) echo "$PY $P/parse.py --tool $tool --csv $csv" ;;
    kanon5) echo "$PY $P/kanon.py --qi 5 --tool $tool --csv $csv" ;;
    kanon3) echo "$PY $P/kanon.py --qi 3 --tool $tool --csv $csv" ;;
    ldiv5) echo "$PY $P/ldiv.py --qi 5 --tool $tool --csv $csv" ;;
    ldiv3) echo "$PY $P/ldiv.py --qi 3 --tool $tool --csv $csv" ;;
    agg) echo "$PY $P/agg.py --tool $tool --csv $csv" ;;
    hxl) echo "$PY $P/hxl_filter.py --tool $tool --csv $csv" ;;
    risk) echo "$PY $P/risk.py --tool $tool --csv $csv" ;;
    anonymize) echo "$PY $P/anonymize.py --tool $tool --csv $csv" ;;
  esac
}

peers_of() {
  case $1 in
    parse|agg) echo "pandas polars duckdb libhxl" ;;
    kanon5|kanon3|ldiv5|ldiv3) echo "pandas polars duckdb pycanon" ;;
    hxl) echo "libhxl pandas polars duckdb" ;;
    risk) echo "pandas polars duckdb" ;;
    anonymize) echo "" ;;  # anjana runs on the 100k file only (below)
  esac
}

warm() { cat "$1" > /dev/null; }  # every program starts from the page cache

# ---------------------------------------------------------------- tasks
for n in $SIZES; do
  csv=$DATA/microdata_$n.csv
  warm "$csv"
  for task in $TASKS; do
    log "task $task, $n rows"
    for i in $(seq 1 "$RUNS"); do
      run task "$task" pim "$n" "$i" -- "$BENCH" --task "$task" --csv "$csv" --dump "$OUT/texts/$task-$n-pim.txt"
    done
    for tool in $(peers_of "$task"); do
      $COMPARE predict "$RUNS_FILE" --task "$task" --tool "$tool" --size "$n" --max-s "$MAX_S" "${PRIOR[@]}" || continue
      for i in $(seq 1 "$RUNS"); do
        # shellcheck disable=SC2046
        run task "$task" "$tool" "$n" "$i" -- $(peer_cmd "$task" "$tool" "$csv") --dump "$OUT/texts/$task-$n-$tool.txt"
      done
    done
  done
done
if [ "$ANJANA" = 1 ] && case " $TASKS " in *" anonymize "*) true ;; *) false ;; esac; then
  csv=$DATA/microdata_100000.csv
  warm "$csv"
  log "anonymize, 100000 rows (anjana's own scenario: k = 5 on adm1_code, sex, age)"
  for i in $(seq 1 "$RUNS"); do
    case " $SIZES " in *" 100000 "*) ;; *) run task anonymize pim 100000 "$i" -- "$BENCH" --task anonymize --csv "$csv" ;; esac
    # shellcheck disable=SC2046
    run task anonymize anjana 100000 "$i" -- $(peer_cmd anonymize anjana "$csv")
  done
fi

# ---------------------------------------------------------------- whole-process CLI measurements
if [ "$CLI" = 1 ]; then
  KEYS=adm2_code,sex,age,nationality,legal_status
  printf 'benchmark-password-0000\n' > "$OUT/tmp/admin.pw"
  for n in $SIZES; do
    csv=$DATA/microdata_$n.csv
    warm "$csv"
    log "CLI measurements, $n rows"
    for i in $(seq 1 "$RUNS"); do
      run cli inspect "pim inspect --format json" "$n" "$i" -- "$PIM" inspect "$csv" --format json
    done
    for i in $(seq 1 "$RUNS"); do
      d=$OUT/tmp/pim-data-$i
      rm -rf "$d"
      "$PIM" init --data-dir "$d" --workspace "Benchmark" --country SDN --admin bench --password-file "$OUT/tmp/admin.pw" >/dev/null
      sync
      run cli import "pim import" "$n" "$i" -- "$PIM" import "$csv" --dataset bench --category protection-monitoring \
        --purpose bench --data-dir "$d"
      rm -rf "$d"
      db=$OUT/tmp/sqlite-$i.db
      rm -f "$db" "$db-wal" "$db-shm"
      sync
      run cli import "sqlite3 .import (WAL, synchronous=FULL)" "$n" "$i" -- sqlite3 "$db" \
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" ".mode csv" ".import $csv t"
      rm -f "$db" "$db-wal" "$db-shm"
    done
    for i in $(seq 1 "$RUNS"); do
      run cli risk "pim risk" "$n" "$i" -- "$PIM" risk "$csv" --keys "$KEYS" --sensitive specific_needs \
        --household household_id --data-dir "$OUT/tmp/none"
    done
    for i in $(seq 1 "$RUNS"); do
      run cli anonymize "pim anonymize --k 5" "$n" "$i" -- "$PIM" anonymize "$csv" --k 5 --keys "$KEYS" \
        --recode age=bands --generalize adm2_code=adm1 --out "$OUT/tmp/anonymized-$n.csv" --data-dir "$OUT/tmp/none"
    done
    rm -f "$OUT/tmp/anonymized-$n.csv"*
  done
fi

echo "- load average at end (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.md"
$COMPARE summary "$RUNS_FILE" --machine "$OUT/machine.md" > "$OUT/summary.md"
cat "$OUT/summary.md"
log "results in $OUT"
