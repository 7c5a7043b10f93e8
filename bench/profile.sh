#!/usr/bin/env bash
# profile.sh - where kyoso's time goes on the benchmark endpoint (companion to bench/run.sh).
#
#   bench/profile.sh [perf|callgrind] [sqlite|postgres]   (defaults: perf, sqlite)
#
# perf:      kyoso under the same load as bench/run.sh (wrk -t2 -c64), sampled with
#            `perf record -e cpu-clock` (a software clock: it works in VMs without hardware
#            counters). Prints the split of CPU time by library and the top functions.
# callgrind: kyoso under valgrind --tool=callgrind with a light load (wrk -t1 -c4 -d10s; valgrind
#            runs the threads one at a time and ~50x slower, so only the proportions mean anything).
#            Prints the top functions by instructions, inclusive and exclusive.
# Uses the SQLite database bench/run.sh seeded (bench/out/sqlite/kyoso.db); for postgres it
# starts and seeds a throwaway server in bench/out/pg-profile and removes it at the end.
# Output files: bench/out/profile-*.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KYOSO=$BUILD/kyoso
TOOL=${1:-perf}
BACKEND=${2:-sqlite}
SCALE=${KY_BENCH_SCALE:-100000}
URLPATH="/api/v1/organizations?limit=${KY_BENCH_LIMIT:-20}&after=${KY_BENCH_AFTER:-50000}"
THREADS=${KY_BENCH_THREADS:-$(nproc)}

die() {
	printf 'profile: error: %s\n' "$*" >&2
	exit 1
}
[ -x "$KYOSO" ] || die "$KYOSO is missing; run make build (or bench/run.sh) first"
command -v wrk >/dev/null || die "wrk is missing; run scripts/install-deps.sh bench"

KY_PID=
PG_STARTED=0
cleanup() {
	if [ -n "$KY_PID" ]; then
		kill -TERM "$KY_PID" 2>/dev/null || true
		wait "$KY_PID" 2>/dev/null || true
	fi
	if [ "$PG_STARTED" = 1 ]; then
		"$ROOT/tests/pg/pg-ctl.sh" stop "$OUT/pg-profile" || true
	fi
}
trap cleanup EXIT

case "$BACKEND" in
sqlite)
	[ -f "$OUT/sqlite/seeded-$SCALE" ] || die "no seeded database; run bench/run.sh first"
	DB=sqlite:$OUT/sqlite/kyoso.db
	;;
postgres)
	"$ROOT/tests/pg/pg-ctl.sh" stop "$OUT/pg-profile"
	PG_STARTED=1
	DB=$("$ROOT/tests/pg/pg-ctl.sh" start "$OUT/pg-profile")
	KYOSO_LOG_LEVEL=warn "$KYOSO" seed --scale "$SCALE" --db "$DB" >/dev/null
	psql -X -q "$DB" -c 'VACUUM ANALYZE organizations' >/dev/null
	;;
*) die "backend is sqlite or postgres" ;;
esac

PORT=$((20000 + RANDOM % 40000))
URL="http://127.0.0.1:$PORT$URLPATH"
wait_ready() {
	local _
	for _ in $(seq 600); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] && return 0
		kill -0 "$KY_PID" 2>/dev/null || die "kyoso exited"
		sleep 0.1
	done
	die "kyoso did not become ready"
}

case "$TOOL" in
perf)
	KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=warn "$KYOSO" serve --db "$DB" --listen "127.0.0.1:$PORT" \
		--web-root "$OUT/no-web" >"$OUT/profile-kyoso.log" 2>&1 &
	KY_PID=$!
	wait_ready
	wrk -t2 -c64 -d3s "$URL" >/dev/null # warm-up
	perf record -q -e cpu-clock -F 4999 -g -p "$KY_PID" -o "$OUT/profile-perf.data" -- sleep 10 \
		2>/dev/null &
	PERF_PID=$!
	wrk -t2 -c64 -d10s --latency "$URL" >"$OUT/profile-wrk-$TOOL-$BACKEND.txt"
	wait "$PERF_PID" || true
	echo "== wrk while sampled (perf adds some overhead)"
	grep -E 'Requests/sec|99%' "$OUT/profile-wrk-$TOOL-$BACKEND.txt"
	echo
	echo "== CPU time of the kyoso process by library (perf, cpu-clock)"
	perf report -i "$OUT/profile-perf.data" --stdio --no-children --sort dso -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' | grep '%' | head -n 15 | tee "$OUT/profile-perf-dso.txt"
	echo
	echo "== top functions (self time)"
	perf report -i "$OUT/profile-perf.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' | grep '%' | head -n 40 | tee "$OUT/profile-perf-top.txt"
	;;
callgrind)
	command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind)"
	rm -f "$OUT"/profile-callgrind.out*
	KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=warn valgrind --tool=callgrind --separate-threads=no \
		--callgrind-out-file="$OUT/profile-callgrind.out" \
		"$KYOSO" serve --db "$DB" --listen "127.0.0.1:$PORT" --web-root "$OUT/no-web" \
		>"$OUT/profile-kyoso.log" 2>&1 &
	KY_PID=$!
	wait_ready
	wrk -t1 -c4 -d10s "$URL" >"$OUT/profile-wrk-$TOOL-$BACKEND.txt"
	grep -E 'requests in' "$OUT/profile-wrk-$TOOL-$BACKEND.txt"
	kill -TERM "$KY_PID"
	wait "$KY_PID" || true
	KY_PID=
	echo "== top functions by instructions, exclusive"
	callgrind_annotate --threshold=99 "$OUT/profile-callgrind.out" 2>/dev/null | sed -n '1,60p' |
		tee "$OUT/profile-callgrind-self.txt"
	echo "== inclusive"
	callgrind_annotate --inclusive=yes --threshold=99 "$OUT/profile-callgrind.out" 2>/dev/null |
		sed -n '1,60p' | tee "$OUT/profile-callgrind-incl.txt"
	;;
*) die "tool is perf or callgrind" ;;
esac
