#!/usr/bin/env bash
# run.sh - kyoso's load benchmark, measured side by side with nginx in the same run.
#
# What it measures (see bench/README.md for the reading):
#   1. GET /api/v1/organizations?limit=20&after=50000 on a table of 100,000 organizations
#      (SQLite), against nginx serving the exact same response bytes from a file. Same wrk
#      settings, both on 127.0.0.1, alternated over several rounds; reported as a ratio.
#   2. The same endpoint on a throwaway PostgreSQL 15 (tests/pg/pg-ctl.sh), again beside nginx.
#   3. Idle RSS of the server after start and after the load (VmRSS from /proc/PID/status).
#   4. Start-up time to ready on an existing, already-migrated database: from fork/exec until
#      GET /readyz answers 200 (bench/startup.c), median of several starts, plus the server's
#      own ready_us log figure.
#   5. What encoding the page's JSON costs in-process (bench/json_cost.c), jansson vs a direct writer.
# Results go to bench/out/results.md (bench/out/ is not committed) and to stdout.
#
# Settings (environment):
#   BUILD=build                  build directory holding kyoso
#   KY_BENCH_NO_BUILD=1          use BUILD/kyoso as it is (no cmake --build)
#   KY_BENCH_SCALE=100000        organizations in the table
#   KY_BENCH_AFTER=50000         keyset cursor: the page starts after this id
#   KY_BENCH_LIMIT=20            page size
#   KY_BENCH_THREADS=2           kyoso worker threads (KYOSO_THREADS); default: the machine's cores
#   KY_BENCH_NGINX_WORKERS=2     nginx worker_processes; default: the machine's cores
#   KY_BENCH_WRK_THREADS=2       wrk -t
#   KY_BENCH_CONNECTIONS=64      wrk -c
#   KY_BENCH_DURATION=10s        wrk -d of each measured run
#   KY_BENCH_WARMUP=3s           wrk -d of the warm-up run of each server (not counted)
#   KY_BENCH_ROUNDS=3            measured runs per server, alternated with the baseline
#   KY_BENCH_STARTS=10           starts for the start-up time median
#   KY_BENCH_PG=1                0 skips the PostgreSQL part
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KYOSO=$BUILD/kyoso
NCPU=$(nproc)
SCALE=${KY_BENCH_SCALE:-100000}
AFTER=${KY_BENCH_AFTER:-50000}
LIMIT=${KY_BENCH_LIMIT:-20}
THREADS=${KY_BENCH_THREADS:-$NCPU}
NGINX_WORKERS=${KY_BENCH_NGINX_WORKERS:-$NCPU}
WRK_THREADS=${KY_BENCH_WRK_THREADS:-2}
CONNS=${KY_BENCH_CONNECTIONS:-64}
DURATION=${KY_BENCH_DURATION:-10s}
WARMUP=${KY_BENCH_WARMUP:-3s}
ROUNDS=${KY_BENCH_ROUNDS:-3}
STARTS=${KY_BENCH_STARTS:-10}
WITH_PG=${KY_BENCH_PG:-1}
URLPATH="/api/v1/organizations?limit=$LIMIT&after=$AFTER"
WRK_ARGS=(-t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/report.lua")

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$OUT/results.md
RAW=$OUT/raw.tsv

# ---- processes we start, and their cleanup -------------------------------------------------
KY_PID=
NGINX_PID=
PG_STARTED=0
stop_pid() { # pid: SIGTERM, wait up to 10 s, then SIGKILL
	local pid=$1 _
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	stop_pid "$KY_PID"
	KY_PID=
	stop_pid "$NGINX_PID"
	NGINX_PID=
	if [ "$PG_STARTED" = 1 ]; then
		"$ROOT/tests/pg/pg-ctl.sh" stop "$OUT/pg" || true
		PG_STARTED=0
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p
	while :; do
		# Below the kernel's ephemeral range (32768+): wrk's own client sockets take ports there,
		# and a restarted server could then find its port taken.
		p=$((20000 + RANDOM % 12000))
		port_in_use "$p" || {
			echo "$p"
			return
		}
	done
}
wait_http() { # url: until it answers 200, at most 30 s
	local _
	for _ in $(seq 300); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
vmrss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
vmhwm_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }

# ---- tools and binary -------------------------------------------------------------------------
"$ROOT/scripts/install-deps.sh" bench
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || die "wrk not found after scripts/install-deps.sh bench"
[ -x "$NGINX" ] || die "nginx not found after scripts/install-deps.sh bench"
if [ "${KY_BENCH_NO_BUILD:-0}" != 1 ]; then
	log "building $BUILD/kyoso"
	cmake -S "$ROOT" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" -j"$NCPU" --target kyoso >/dev/null || die "build failed (cmake --build $BUILD)"
fi
[ -x "$KYOSO" ] || die "$KYOSO is missing; build it (make build) or set BUILD (a directory holding kyoso)"
STARTUP=$OUT/startup
if [ ! -x "$STARTUP" ] || [ "$ROOT/bench/startup.c" -nt "$STARTUP" ]; then
	cc -O2 -Wall -Wextra -o "$STARTUP" "$ROOT/bench/startup.c" || die "cannot compile bench/startup.c"
fi

printf 'phase\tserver\tround\trps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\tbytes_per_resp\terrors\tcpu_us_per_req\twrk_cpu_us_per_req\n' >"$RAW"

# ---- helpers for one server -------------------------------------------------------------------
# start_kyoso DBURL PORT LOGFILE: starts the server in the background (warn level: no
# per-request log lines during the load), sets KY_PID, waits for /readyz.
start_kyoso() {
	KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=warn "$KYOSO" serve --db "$1" --listen "127.0.0.1:$2" \
		--web-root "$OUT/no-web" >"$3" 2>&1 &
	KY_PID=$!
	wait_http "http://127.0.0.1:$2/readyz" || {
		tail -n 20 "$3" >&2
		die "kyoso did not become ready on port $2"
	}
}

# cpu_ticks PID...: user+system CPU time of these processes (all their threads), in clock ticks.
cpu_ticks() {
	local pid t=0 u s
	for pid in "$@"; do
		# Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may hold spaces.
		read -r u s < <(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f12,13)
		t=$((t + u + s))
	done
	echo "$t"
}
nginx_workers() { ps -o pid= --ppid "$NGINX_PID" | tr -d ' '; }
# children_cpu_s FILE: user+system CPU seconds of this shell's finished children, from the output
# of bash's `times` saved in FILE (`times` must run in this shell, not in a $(...) subshell).
children_cpu_s() {
	sed -n 2p "$1" | awk '{s=0; for (i=1;i<=2;i++) {split($i,a,"m"); sub("s","",a[2]); s+=a[1]*60+a[2]} printf "%.3f", s}'
}

# kv LINE KEY: the value of KEY=VALUE in a space-separated line.
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# wrk_run PHASE LABEL ROUND URL PID...: one measured wrk run; appends a row to raw.tsv. The
# server's CPU time (PIDs) during the run gives its CPU cost per request.
wrk_run() {
	local phase=$1 label=$2 round=$3 url=$4 f c0 c1
	shift 4
	f=$OUT/wrk-$phase-$label-$round.txt
	c0=$(cpu_ticks "$@")
	local w0 w1
	times >"$OUT/.times0"
	wrk "${WRK_ARGS[@]}" "$url" >"$f" 2>&1 || die "wrk failed against $url (see $f)"
	times >"$OUT/.times1"
	w0=$(children_cpu_s "$OUT/.times0")
	w1=$(children_cpu_s "$OUT/.times1")
	c1=$(cpu_ticks "$@")
	local line
	line=$(grep '^KYBENCH ' "$f") || die "no summary line in $f"
	local rps p50_us p90_us p99_us p999_us max_us requests bytes errors bpr
	rps=$(kv "$line" rps) p50_us=$(kv "$line" p50_us) p90_us=$(kv "$line" p90_us)
	p99_us=$(kv "$line" p99_us) p999_us=$(kv "$line" p999_us) max_us=$(kv "$line" max_us)
	requests=$(kv "$line" requests) bytes=$(kv "$line" bytes)
	errors=$(($(kv "$line" err_connect) + $(kv "$line" err_read) + $(kv "$line" err_write) +
		$(kv "$line" err_timeout) + $(kv "$line" non2xx)))
	bpr=$((requests > 0 ? bytes / requests : 0))
	local cpr wpr
	cpr=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
	wpr=$(awk -v a="$w0" -v b="$w1" -v n="$requests" 'BEGIN {printf "%.1f", n ? (b - a) * 1e6 / n : 0}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$label" "$round" "$rps" "$p50_us" \
		"$p90_us" "$p99_us" "$p999_us" "$max_us" "$bpr" "$errors" "$cpr" "$wpr" >>"$RAW"
	log "$phase $label round $round: $rps req/s, p99 $((p99_us / 1000)).$(((p99_us % 1000) / 100)) ms, server CPU $cpr us/request, wrk CPU $wpr us/request, errors $errors"
}

# compare PHASE LABEL URL: warm-up both, then ROUNDS alternating rounds (ABBA order, so a slow
# drift of the machine hits both servers alike).
compare() {
	local phase=$1 label=$2 url=$3 nurl="http://127.0.0.1:$NGINX_PORT$URLPATH" r
	log "$phase: warm-up ($WARMUP each)"
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "$url" >/dev/null
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "$nurl" >/dev/null
	local -a workers
	mapfile -t workers < <(nginx_workers)
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then
			wrk_run "$phase" "$label" "$r" "$url" "$KY_PID"
			wrk_run "$phase" nginx "$r" "$nurl" "${workers[@]}"
		else
			wrk_run "$phase" nginx "$r" "$nurl" "${workers[@]}"
			wrk_run "$phase" "$label" "$r" "$url" "$KY_PID"
		fi
	done
}

# fetch_body PORT FILE: the exact bytes kyoso answers, checked to be a full page.
fetch_body() {
	local code n
	code=$(curl -sS -o "$2.tmp" -D "$OUT/headers-$(basename "$2" .json).txt" -w '%{http_code}' \
		"http://127.0.0.1:$1$URLPATH")
	[ "$code" = 200 ] || die "GET $URLPATH answered $code: $(head -c 300 "$2.tmp")"
	n=$(grep -o '"id":' "$2.tmp" | wc -l)
	[ "$n" = "$LIMIT" ] || die "GET $URLPATH returned $n items, expected $LIMIT (is the table seeded?)"
	mv -f "$2.tmp" "$2"
}

# startup_times PHASE DBURL: STARTS starts on an existing database; medians into SU_EXT[PHASE]
# (fork/exec to /readyz 200, us), SU_RSS[PHASE] (kB at that moment), SU_LOG[PHASE] (ready_us logged).
declare -A SU_EXT SU_RSS SU_LOG
startup_times() {
	local phase=$1 db=$2 port f
	port=$(free_port)
	f=$OUT/startup-$phase.log
	: >"$f"
	KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=info "$STARTUP" "$port" "$STARTS" "$f" -- \
		"$KYOSO" serve --db "$db" --listen "127.0.0.1:$port" --web-root "$OUT/no-web" \
		>"$OUT/startup-$phase.txt" || die "start-up measurement failed (see $f)"
	SU_EXT[$phase]=$(sed -n 's/.*ready_us=\([0-9]*\).*/\1/p' "$OUT/startup-$phase.txt" | median)
	SU_RSS[$phase]=$(sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p' "$OUT/startup-$phase.txt" | median)
	SU_LOG[$phase]=$(grep -o 'event=server.ready.*' "$f" | sed -n 's/.*ready_us=\([0-9]*\).*/\1/p' | median)
}

# ---- SQLite ---------------------------------------------------------------------------------
SQLITE_DB=$OUT/sqlite/kyoso.db
if [ ! -f "$OUT/sqlite/seeded-$SCALE" ] || [ ! -f "$SQLITE_DB" ]; then
	log "seeding SQLite with $SCALE organizations ($SQLITE_DB)"
	rm -rf "$OUT/sqlite"
	mkdir -p "$OUT/sqlite"
	KYOSO_LOG_LEVEL=warn "$KYOSO" seed --scale "$SCALE" --db "sqlite:$SQLITE_DB" >/dev/null
	touch "$OUT/sqlite/seeded-$SCALE"
else
	log "reusing $SQLITE_DB ($SCALE organizations)"
fi

KY_PORT=$(free_port)
start_kyoso "sqlite:$SQLITE_DB" "$KY_PORT" "$OUT/kyoso-sqlite.log"
sleep 1
RSS_START_sqlite=$(vmrss_kb "$KY_PID")
mkdir -p "$OUT/www"
fetch_body "$KY_PORT" "$OUT/www/orgs-sqlite.json"
cp -f "$OUT/www/orgs-sqlite.json" "$OUT/www/orgs.json"

# ---- nginx: the same bytes from a file ------------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$OUT/nginx/tmp"
cat >"$OUT/nginx/nginx.conf" <<EOF
# written by bench/run.sh: a private nginx serving kyoso's response bytes from a file
worker_processes $NGINX_WORKERS;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    types { }
    sendfile on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $OUT/nginx/tmp/body;
    proxy_temp_path $OUT/nginx/tmp/proxy;
    fastcgi_temp_path $OUT/nginx/tmp/fastcgi;
    uwsgi_temp_path $OUT/nginx/tmp/uwsgi;
    scgi_temp_path $OUT/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /api/v1/organizations { alias $OUT/www/orgs.json; }
    }
}
EOF
"$NGINX" -p "$OUT/nginx" -e "$OUT/nginx/error.log" -c "$OUT/nginx/nginx.conf" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_PORT$URLPATH" || die "nginx did not start (see $OUT/nginx/error.log)"
curl -sS -o "$OUT/www/check.json" -D "$OUT/headers-nginx.txt" "http://127.0.0.1:$NGINX_PORT$URLPATH"
cmp -s "$OUT/www/check.json" "$OUT/www/orgs.json" || die "nginx does not serve the same bytes"

compare sqlite kyoso "http://127.0.0.1:$KY_PORT$URLPATH"
sleep 2
RSS_LOAD_sqlite=$(vmrss_kb "$KY_PID")
HWM_sqlite=$(vmhwm_kb "$KY_PID")
stop_pid "$KY_PID"
KY_PID=
log "sqlite: start-up time, $STARTS starts"
startup_times sqlite "sqlite:$SQLITE_DB"

# ---- PostgreSQL -----------------------------------------------------------------------------
if [ "$WITH_PG" = 1 ]; then
	"$ROOT/tests/pg/pg-ctl.sh" stop "$OUT/pg" # a leftover from an interrupted run
	PG_STARTED=1
	PG_URL=$("$ROOT/tests/pg/pg-ctl.sh" start "$OUT/pg")
	log "seeding PostgreSQL with $SCALE organizations ($PG_URL)"
	KYOSO_LOG_LEVEL=warn "$KYOSO" seed --scale "$SCALE" --db "$PG_URL" >/dev/null
	# Planner statistics and the visibility map, as autovacuum would leave them on a live site.
	psql -X -q "$PG_URL" -c 'VACUUM ANALYZE organizations' >/dev/null
	KY_PORT=$(free_port)
	start_kyoso "$PG_URL" "$KY_PORT" "$OUT/kyoso-postgres.log"
	sleep 1
	RSS_START_postgres=$(vmrss_kb "$KY_PID")
	fetch_body "$KY_PORT" "$OUT/www/orgs-postgres.json"
	# nginx now serves the PostgreSQL answer's bytes (created_at differs from the SQLite seed).
	cp -f "$OUT/www/orgs-postgres.json" "$OUT/www/orgs.json"
	curl -sS -o "$OUT/www/check.json" "http://127.0.0.1:$NGINX_PORT$URLPATH"
	cmp -s "$OUT/www/check.json" "$OUT/www/orgs.json" || die "nginx does not serve the same bytes"
	compare postgres kyoso-pg "http://127.0.0.1:$KY_PORT$URLPATH"
	sleep 2
	RSS_LOAD_postgres=$(vmrss_kb "$KY_PID")
	HWM_postgres=$(vmhwm_kb "$KY_PID")
	stop_pid "$KY_PID"
	KY_PID=
	log "postgres: start-up time, $STARTS starts"
	startup_times postgres "$PG_URL"
fi
stop_pid "$NGINX_PID"
NGINX_PID=

# ---- JSON encoding cost, in-process ---------------------------------------------------------
JSON_COST=$OUT/json_cost
if [ ! -x "$JSON_COST" ] || [ "$ROOT/bench/json_cost.c" -nt "$JSON_COST" ]; then
	read -ra JANSSON_FLAGS <<<"$(pkg-config --cflags --libs jansson)"
	cc -O2 -Wall -Wextra -o "$JSON_COST" "$ROOT/bench/json_cost.c" "${JANSSON_FLAGS[@]}" ||
		die "cannot compile bench/json_cost.c"
fi
log "json encoding cost (bench/json_cost.c)"
"$JSON_COST" >"$OUT/json-cost.txt" || die "bench/json_cost.c failed"

# ---- report ---------------------------------------------------------------------------------
col() { # phase server column -> values, one a line
	awk -F'\t' -v p="$1" -v s="$2" -v c="$3" 'NR==1 {for (i=1;i<=NF;i++) if ($i==c) k=i; next}
		$1==p && $2==s {print $k}' "$RAW"
}
range() { sort -g | awk '{a[NR]=$1} END {printf "%s–%s", a[1], a[NR]}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u/1000}'; }
errsum() { col "$1" "$2" errors | awk '{s+=$1} END {print s+0}'; }
verdict() { if [ "$1" = 1 ]; then echo met; else echo "**missed**"; fi; }

row() { # phase server label
	local rps p99 rr
	rps=$(col "$1" "$2" rps | median)
	p99=$(col "$1" "$2" p99_us | median)
	rr=$(col "$1" "$2" rps | awk '{printf "%d\n", $1}' | range)
	printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$3" "$rps" "$rr" "$(ms "$p99")" \
		"$(ms "$(col "$1" "$2" p50_us | median)")" "$(col "$1" "$2" cpu_us_per_req | median)" \
		"$(col "$1" "$2" wrk_cpu_us_per_req | median)" \
		"$(col "$1" "$2" bytes_per_resp | median)" "$(errsum "$1" "$2")"
}
ratio() { # phase server
	awk -v a="$(col "$1" "$2" rps | median)" -v b="$(col "$1" nginx rps | median)" 'BEGIN {printf "%.2f", a/b}'
}
round_ratios() { # phase server: the ratio of each round, against the nginx run next to it
	paste <(col "$1" "$2" rps) <(col "$1" nginx rps) | awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $1 / $2}'
}

R_SQLITE=$(ratio sqlite kyoso)
P99_SQLITE=$(col sqlite kyoso p99_us | median)
SU_EXT_sqlite_ms=$(ms "${SU_EXT[sqlite]}")
RATIO_OK=$(awk -v r="$R_SQLITE" 'BEGIN {print (r >= 0.5)}')
P99_OK=$(awk -v p="$P99_SQLITE" 'BEGIN {print (p < 10000)}')
RSS_OK=$(awk -v a="$RSS_START_sqlite" -v b="$RSS_LOAD_sqlite" 'BEGIN {print (a < 30720 && b < 30720)}')
SU_OK=$(awk -v u="${SU_EXT[sqlite]}" 'BEGIN {print (u < 100000)}')

{
	echo "# kyoso bench results"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $NCPU cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
	echo "- versions: $("$KYOSO" --version), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)$([ "$WITH_PG" = 1 ] && echo ", $(/usr/lib/postgresql/15/bin/postgres --version)")"
	echo "- endpoint: \`GET $URLPATH\` ($LIMIT rows of $SCALE, keyset seek)"
	echo "- load: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency\`, one ${WARMUP} warm-up per server, then $ROUNDS rounds alternated with nginx (ABBA); figures are the median of the rounds"
	echo "- kyoso: KYOSO_THREADS=$THREADS, KYOSO_LOG_LEVEL=warn; nginx: worker_processes $NGINX_WORKERS, access_log off, sendfile on, keepalive_requests 1000000"
	echo "- wrk, the server (and PostgreSQL) share the same $NCPU cores on 127.0.0.1"
	echo "- load average (1, 5, 15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) — other programs on the machine take CPU too, so compare the ratios, not the absolute figures"
	echo
	echo "## Throughput and latency"
	echo
	echo "| server | req/s (median) | req/s range | p99 ms | p50 ms | server CPU µs/request | wrk CPU µs/request | bytes/response | errors |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	row sqlite kyoso "kyoso, SQLite"
	row sqlite nginx "nginx, same bytes (SQLite phase)"
	if [ "$WITH_PG" = 1 ]; then
		row postgres kyoso-pg "kyoso, PostgreSQL 15"
		row postgres nginx "nginx, same bytes (PostgreSQL phase)"
	fi
	echo
	echo "- ratio kyoso/nginx, SQLite: **$R_SQLITE** (per round: $(round_ratios sqlite kyoso))"
	echo "- server CPU µs/request: user+system CPU time of the server's processes during the run divided by its requests (kyoso: one process; nginx: its workers). It does not depend on how much CPU wrk and other programs took, so it is the steadier figure on a shared machine. wrk CPU µs/request: the same for the load generator (user+system, from bash \`times\`)."
	[ "$WITH_PG" = 1 ] && echo "- ratio kyoso/nginx, PostgreSQL: **$(ratio postgres kyoso-pg)** (per round: $(round_ratios postgres kyoso-pg))"
	echo
	echo "## Memory and start-up"
	echo
	echo "| backend | RSS idle after start | RSS idle after load | peak RSS (VmHWM) | start-up to /readyz 200 (median of $STARTS) | ready_us in log (median) | RSS right at ready (median) |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	echo "| SQLite | $(mb "$RSS_START_sqlite") MB | $(mb "$RSS_LOAD_sqlite") MB | $(mb "$HWM_sqlite") MB | $SU_EXT_sqlite_ms ms | $(ms "${SU_LOG[sqlite]}") ms | $(mb "${SU_RSS[sqlite]}") MB |"
	[ "$WITH_PG" = 1 ] &&
		echo "| PostgreSQL | $(mb "$RSS_START_postgres") MB | $(mb "$RSS_LOAD_postgres") MB | $(mb "$HWM_postgres") MB | $(ms "${SU_EXT[postgres]}") ms | $(ms "${SU_LOG[postgres]}") ms | $(mb "${SU_RSS[postgres]}") MB |"
	echo
	echo "## Encoding one page (bench/json_cost.c, in-process, best of 5)"
	echo
	echo "| method | ns/page | × direct |"
	echo "| --- | ---: | ---: |"
	sed -n 's/^method=\([^ ]*\) ns=\([0-9]*\) ratio_to_direct=\([0-9.]*\)/| \1 | \2 | \3 |/p' "$OUT/json-cost.txt"
	echo
	echo "jansson-2pass is what kyoso does today (json_pack per row, json_dumpb twice); direct appends the same bytes to one buffer. $(head -n 1 "$OUT/json-cost.txt")."
	echo
	echo "## Goals (SQLite)"
	echo
	echo "- ≥ 0.5× nginx req/s at $CONNS connections: $R_SQLITE× — $(verdict "$RATIO_OK")"
	echo "- p99 < 10 ms at $CONNS connections: $(ms "$P99_SQLITE") ms — $(verdict "$P99_OK")"
	echo "- idle RSS < 30 MB: $(mb "$RSS_START_sqlite") MB after start, $(mb "$RSS_LOAD_sqlite") MB after load — $(verdict "$RSS_OK")"
	echo "- start-up to ready < 100 ms on an existing database: $SU_EXT_sqlite_ms ms — $(verdict "$SU_OK")"
	echo
	echo "Raw figures: bench/out/raw.tsv; wrk output: bench/out/wrk-*.txt; response headers: bench/out/headers-*.txt."
} >"$RESULTS"
cat "$RESULTS"
