#!/usr/bin/env bash
# opinion-votes.sh - vote ingestion over HTTP for a live opinion-map conversation (issue 5), with
# its baselines in the same run.
#
#   1. Data: a fresh SQLite database with the demo world (kyoso seed --demo), plus, written with SQL
#      in the sqlite3 CLI: conversation 1000 in かもめ市 (open, post-moderation) with KY_VOTES_STATEMENTS
#      accepted statements, and KY_VOTES_USERS generated users, each with a session (the tokens and
#      their hashes from bench/delib/tokens.c).
#   2. Ingestion: wrk -t2 -c64 with bench/opinion/vote.lua: every request is one participant voting
#      on one statement (PUT .../statements/{sid}/vote, session cookie + CSRF double submit), a new
#      (user, statement) pair each time, so every acknowledged vote is one new durable row. Counted
#      as rows committed to opinion_votes (COUNT(*) before/after each run). One warm-up, then
#      KY_BENCH_ROUNDS rounds (ABBA) of: kyoso with group commit (the default), kyoso restarted with
#      KYOSO_GROUP_COMMIT=false, and the two plain SQLite loops of bench/delib/loop.c (WAL +
#      synchronous=FULL: one commit per INSERT, 1,000 INSERTs per commit) on the same disk.
#   3. Freshness of the map, after the last round: kyoso restarted with group commit on and
#      KYOSO_LOG_LEVEL=info (so the worker's event=opinion.computed lines are logged); then
#      KY_VOTES_FRESH_BURSTS times a KY_VOTES_FRESH_DURATION burst of the same load, and the time
#      from the last vote (MAX(updated_at) of the votes) to the computed_at of the worker's first
#      result that includes it (opinion_results.seq = change_seq), polled every 50 ms and checked
#      with GET .../results ("fresh": true); and the worker's compute times for the conversation's
#      size from the server log.
# Results: bench/out/opinion-votes/results.md (and stdout); raw figures in the same directory.
#
# Settings (environment), defaults in brackets:
#   BUILD [build]  KY_BENCH_NO_BUILD [0]  KY_BENCH_THREADS [cores]  KY_BENCH_WRK_THREADS [2]
#   KY_BENCH_CONNECTIONS [64]  KY_BENCH_DURATION [10s]  KY_BENCH_WARMUP [3s]  KY_BENCH_ROUNDS [3]
#   KY_BENCH_TIMEOUT [10s]  KY_VOTES_USERS [5000]  KY_VOTES_STATEMENTS [200]
#   KY_VOTES_LOOP_SECS [10]  KY_VOTES_FRESH_DURATION [5s]  KY_VOTES_FRESH_BURSTS [3]
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
D=$ROOT/bench/out/opinion-votes
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KYOSO=$BUILD/kyoso
NCPU=$(nproc)
THREADS=${KY_BENCH_THREADS:-$NCPU}
WRK_THREADS=${KY_BENCH_WRK_THREADS:-2}
CONNS=${KY_BENCH_CONNECTIONS:-64}
DURATION=${KY_BENCH_DURATION:-10s}
WARMUP=${KY_BENCH_WARMUP:-3s}
ROUNDS=${KY_BENCH_ROUNDS:-3}
TIMEOUT=${KY_BENCH_TIMEOUT:-10s}
NUSERS=${KY_VOTES_USERS:-5000}
NSTMT=${KY_VOTES_STATEMENTS:-200}
LOOP_SECS=${KY_VOTES_LOOP_SECS:-10}
FRESH=${KY_VOTES_FRESH_DURATION:-5s}
FRESH_N=${KY_VOTES_FRESH_BURSTS:-3}
CONV=1000 # ids of the generated rows (the demo world uses small ids)
STMT_BASE=100001
USER_BASE=100001
CAPACITY=$((NUSERS * NSTMT)) # distinct (user, statement) pairs
CONV_PATH="/api/v1/municipalities/kamome/opinion/conversations/$CONV"

log() { printf 'opinion-votes: %s\n' "$*" >&2; }
die() {
	printf 'opinion-votes: error: %s\n' "$*" >&2
	exit 1
}
mkdir -p "$D"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$D/results.md
RAW=$D/raw.tsv

KY_PID=
stop_pid() {
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
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		port_in_use "$p" || {
			echo "$p"
			return
		}
	done
}
wait_http() {
	local _
	for _ in $(seq 300); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
sq() { sqlite3 -batch "$@"; }
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- tools and binaries ---------------------------------------------------------------------
"$ROOT/scripts/install-deps.sh" bench
command -v wrk >/dev/null || die "wrk is missing (scripts/install-deps.sh bench)"
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is missing (apt-get install sqlite3)"
command -v jq >/dev/null || die "jq is missing (apt-get install jq)"
if [ "${KY_BENCH_NO_BUILD:-0}" != 1 ]; then
	log "building $BUILD/kyoso"
	cmake -S "$ROOT" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" -j"$NCPU" --target kyoso >/dev/null || die "build failed"
fi
[ -x "$KYOSO" ] || die "$KYOSO is missing; build it or set BUILD"
for t in tokens:-lsodium loop:-lsqlite3; do
	n=${t%%:*}
	if [ ! -x "$D/$n" ] || [ "$ROOT/bench/delib/$n.c" -nt "$D/$n" ]; then
		cc -O2 -Wall -Wextra -o "$D/$n" "$ROOT/bench/delib/$n.c" "${t#*:}" || die "cannot compile bench/delib/$n.c"
	fi
done

# ---- 1. data --------------------------------------------------------------------------------
DB=$D/work.db
rm -f "$DB" "$DB-wal" "$DB-shm"
log "seeding the demo world into $DB"
KYOSO_PASSWORD_MEMLIMIT_KIB=8192 KYOSO_LOG_LEVEL=warn "$KYOSO" seed --demo --db "sqlite:$DB" >/dev/null
KAMOME=$(sq "$DB" "SELECT id FROM tenants WHERE slug = 'kamome' AND kind = 'municipality'")
[ -n "$KAMOME" ] || die "no かもめ市 in the demo world"
"$D/tokens" "$NUSERS" >"$D/tokens.tsv"
cut -f1 "$D/tokens.tsv" >"$D/tokens.txt"
NOW=$(now_ms)
log "generating conversation $CONV: $NSTMT accepted statements, $NUSERS users with sessions"
{
	cat <<EOF
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
INSERT INTO opinion_conversations (id, tenant_id, topic, description, moderation, participant_statements, status,
 pseudonym_key, change_seq, n_participants, n_statements, created_at, updated_at, opened_at)
VALUES ($CONV, $KAMOME, 'ベンチマーク用意見マップ：駅前広場の使い方（生成データ）', '投票の取り込み速度の計測用です。',
 'post', 1, 'open', lower(hex(randomblob(32))), 0, 0, $NSTMT, $NOW, $NOW, $NOW);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $NSTMT - 1)
INSERT INTO opinion_statements (id, conversation_id, sidx, body, seed, state, created_at, moderated_at)
SELECT $STMT_BASE + i, $CONV, i, '意見 ' || (i + 1) || '：駅前広場に' ||
 CASE i % 4 WHEN 0 THEN '日陰のベンチを増やすべきだ' WHEN 1 THEN 'キッチンカーを呼ぶべきだ'
 WHEN 2 THEN '駐輪場を広げるべきだ' ELSE '夜の照明を明るくするべきだ' END, 1, 'accepted', $NOW, $NOW FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $NUSERS - 1)
INSERT INTO users (id, email, email_verified, password_hash, display_name, lang, created_at)
SELECT $USER_BASE + i, 'voter' || i || '@example.invalid', 1, NULL, '参加者' || i, 'ja', $NOW FROM n;
EOF
	# now/expires are passed as strings: mawk's printf %d stops at 2^31.
	awk -F'\t' -v b="$USER_BASE" -v now="$NOW" -v expires="$((NOW + 86400000))" '
		{printf "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (\x27%s\x27, %s, %s, %s, %s);\n", $2, b + NR - 1, now, now, expires}' \
		"$D/tokens.tsv"
	echo "COMMIT;"
	echo "PRAGMA wal_checkpoint(TRUNCATE);"
} | sq "$DB" >/dev/null
read -r G_STMT G_SESS < <(sq -separator ' ' "$DB" "SELECT (SELECT COUNT(*) FROM opinion_statements WHERE conversation_id = $CONV AND state = 'accepted'), (SELECT COUNT(*) FROM sessions WHERE user_id >= $USER_BASE)")
if [ "$G_STMT" != "$NSTMT" ] || [ "$G_SESS" != "$NUSERS" ]; then
	die "generated $G_STMT statements and $G_SESS sessions"
fi

printf 'phase\tserver\tround\trps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\tbytes_per_resp\terrors\tcpu_us_per_req\twrk_cpu_us_per_req\trequests\tsecs\tcommitted\tload1\n' >"$RAW"

cpu_ticks() {
	local pid t=0 u s
	for pid in "$@"; do
		read -r u s < <(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f12,13)
		t=$((t + u + s))
	done
	echo "$t"
}
children_cpu_s() {
	sed -n 2p "$1" | awk '{s=0; for (i=1;i<=2;i++) {split($i,a,"m"); sub("s","",a[2]); s+=a[1]*60+a[2]} printf "%.3f", s}'
}
votes() { sq "$DB" "SELECT COUNT(*) FROM opinion_votes WHERE conversation_id = $CONV"; }

KY_PORT=$(free_port)
KY_MODE=
start_kyoso() { # group_commit (true|false) [log level]: (re)starts kyoso on the same port and database
	local level=${2:-warn}
	[ "$KY_MODE" = "$1-$level" ] && [ -n "$KY_PID" ] && return 0
	stop_pid "$KY_PID"
	KYOSO_GROUP_COMMIT=$1 KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=$level "$KYOSO" serve --db "sqlite:$DB" \
		--listen "127.0.0.1:$KY_PORT" --web-root "$D/no-web" >>"$D/kyoso-$level.log" 2>&1 &
	KY_PID=$!
	KY_MODE=$1-$level
	wait_http "http://127.0.0.1:$KY_PORT/readyz" || {
		tail -n 20 "$D/kyoso-$level.log" >&2
		die "kyoso did not become ready"
	}
}

# vote_wrk DURATION OUTFILE: one wrk run of the vote load from pair number NEXT_K on; NEXT_K moves
# past every pair the run may have used.
NEXT_K=1 # pair 0 is the check vote below
vote_wrk() {
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"$1" --timeout "$TIMEOUT" --latency -s "$ROOT/bench/opinion/vote.lua" \
		"http://127.0.0.1:$KY_PORT/" -- "$D/tokens.txt" "$CSRF" "$CONV" "$STMT_BASE" "$NSTMT" "$NEXT_K" \
		"$WRK_THREADS" >"$2" 2>&1 || die "wrk failed (see $2)"
	local line
	line=$(grep '^KYBENCH ' "$2") || die "no summary line in $2"
	NEXT_K=$(kv "$line" next_k)
	[ "$NEXT_K" -le "$CAPACITY" ] || die "the runs used $NEXT_K (user, statement) pairs of $CAPACITY: raise KY_VOTES_USERS"
}

# ingest ROUND LABEL (kyoso: group commit on; kyoso-single: off): one measured wrk run
GC_OPS=0
GC_BATCHES=0
gc_metrics() { # "ops batches" of the running kyoso's group-commit writer
	curl -sS "http://127.0.0.1:$KY_PORT/metrics" |
		awk '$1=="kyoso_group_commit_ops_total" {o=$2} $1=="kyoso_group_commit_batches_total" {b=$2} END {print o+0, b+0}'
}
ingest() {
	local r=$1 label=$2 f=$D/wrk-$2-$1.txt before after c0 c1 w0 w1 m0 m1
	if [ "$label" = kyoso ]; then start_kyoso true; else start_kyoso false; fi
	before=$(votes)
	m0=$(gc_metrics)
	c0=$(cpu_ticks "$KY_PID")
	times >"$D/.times0"
	vote_wrk "$DURATION" "$f"
	times >"$D/.times1"
	c1=$(cpu_ticks "$KY_PID")
	m1=$(gc_metrics)
	after=$(votes)
	if [ "$label" = kyoso ]; then
		GC_OPS=$((GC_OPS + ${m1% *} - ${m0% *}))
		GC_BATCHES=$((GC_BATCHES + ${m1#* } - ${m0#* }))
	fi
	w0=$(children_cpu_s "$D/.times0")
	w1=$(children_cpu_s "$D/.times1")
	local line rps p50 p90 p99 p999 mx requests bytes errors secs cpr wpr
	line=$(grep '^KYBENCH ' "$f")
	rps=$(kv "$line" rps) p50=$(kv "$line" p50_us) p90=$(kv "$line" p90_us) p99=$(kv "$line" p99_us)
	p999=$(kv "$line" p999_us) mx=$(kv "$line" max_us) requests=$(kv "$line" requests) bytes=$(kv "$line" bytes)
	secs=$(kv "$line" secs)
	errors=$(($(kv "$line" err_connect) + $(kv "$line" err_read) + $(kv "$line" err_write) +
		$(kv "$line" err_timeout) + $(kv "$line" non2xx)))
	cpr=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
	wpr=$(awk -v a="$w0" -v b="$w1" -v n="$requests" 'BEGIN {printf "%.1f", n ? (b - a) * 1e6 / n : 0}')
	printf 'ingest\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$r" "$rps" "$p50" \
		"$p90" "$p99" "$p999" "$mx" "$((requests > 0 ? bytes / requests : 0))" "$errors" "$cpr" "$wpr" \
		"$requests" "$secs" "$((after - before))" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RAW"
	log "$label round $r: $((after - before)) votes committed in $secs s ($rps answers/s), p99 $((p99 / 1000)) ms, server CPU $cpr us/request, errors $errors, load $(loadavg)"
}
loop_run() { # batch round
	local f=$D/loop-$1-$2.txt line
	"$D/loop" "$D/loop-$1.db" "$1" "$LOOP_SECS" >"$f" || die "bench/delib/loop.c failed"
	line=$(cat "$f")
	printf 'loop-%s\t%s\t%s\t%s\n' "$1" "$2" "$(kv "$line" rows_per_s)" "$(cut -d' ' -f1 /proc/loadavg)" >>"$D/loops.tsv"
	log "loop batch=$1 round $2: $(kv "$line" rows_per_s) rows/s"
}

# ---- 2. ingestion ---------------------------------------------------------------------------
: >"$D/kyoso-warn.log"
: >"$D/kyoso-info.log"
start_kyoso true
CSRF=$(head -n 1 "$D/tokens.txt" | rev) # any 43 characters, sent as cookie and header alike
tok1=$(head -n 1 "$D/tokens.txt")
code=$(curl -sS -o "$D/vote-check.json" -w '%{http_code}' -X PUT -H "Cookie: kyoso_session=$tok1; kyoso_csrf=$CSRF" \
	-H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data '{"vote":1}' \
	"http://127.0.0.1:$KY_PORT$CONV_PATH/statements/$STMT_BASE/vote")
[ "$code" = 200 ] || die "PUT vote answered $code: $(cat "$D/vote-check.json")"
[ "$(votes)" = 1 ] || die "the check vote was not stored"
: >"$D/loops.tsv"
rm -f "$D"/loop-*.db*
log "warm-up ($WARMUP)"
vote_wrk "$WARMUP" "$D/wrk-warmup.txt"
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		ingest "$r" kyoso
		ingest "$r" kyoso-single
		loop_run 1 "$r"
		loop_run 1000 "$r"
	else
		loop_run 1000 "$r"
		loop_run 1 "$r"
		ingest "$r" kyoso-single
		ingest "$r" kyoso
	fi
done
LOOP_MODE=$(sq "$D/loop-1.db" "PRAGMA journal_mode")

# ---- 3. freshness of the map ----------------------------------------------------------------
start_kyoso true info
FRESH_LOG_FROM=$(($(wc -l <"$D/kyoso-info.log") + 1))
: >"$D/fresh.tsv"
for b in $(seq "$FRESH_N"); do
	log "freshness $b/$FRESH_N: $FRESH burst with group commit on, log level info"
	before=$(votes)
	vote_wrk "$FRESH" "$D/wrk-fresh-$b.txt"
	t_end=$(now_ms)
	last=$(sq "$DB" "SELECT MAX(updated_at) FROM opinion_votes WHERE conversation_id = $CONV")
	seen=
	for _ in $(seq 1200); do # up to 60 s
		row=$(sq -separator ' ' "$DB" "SELECT r.computed_at, r.compute_ms, r.n_votes, r.n_participants FROM opinion_results r
			JOIN opinion_conversations c ON c.id = r.conversation_id WHERE r.conversation_id = $CONV AND r.seq = c.change_seq")
		if [ -n "$row" ]; then
			seen=$(now_ms)
			break
		fi
		sleep 0.05
	done
	[ -n "$seen" ] || die "the worker did not compute conversation $CONV within 60 s of the last vote"
	read -r computed cms nv np <<<"$row"
	curl -sS -o "$D/results-$b.json" "http://127.0.0.1:$KY_PORT$CONV_PATH/results"
	[ "$(jq -r .fresh "$D/results-$b.json")" = true ] || die "GET results is not fresh after the worker ran"
	[ "$(jq -r .computed_at "$D/results-$b.json")" = "$computed" ] || die "GET results shows another computed_at"
	# burst votes_committed last_vote ms_before_wrk_end fresh_ms seen_ms compute_ms n_votes n_participants status k
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$(($(votes) - before))" "$last" "$((t_end - last))" \
		"$((computed - last))" "$((seen - last))" "$cms" "$nv" "$np" "$(jq -r .status "$D/results-$b.json")" \
		"$(jq -r .k "$D/results-$b.json")" >>"$D/fresh.tsv"
	log "freshness $b: last vote → computed_at $((computed - last)) ms (seen $((seen - last)) ms after), compute $cms ms for $nv votes / $np participants"
	sleep 1.5 # a pause between bursts (and for a late computation's log line)
done
F_ROWS=$(votes)
stop_pid "$KY_PID"
KY_PID=
# The worker's computations of this conversation during and after the bursts (server log).
tail -n +"$FRESH_LOG_FROM" "$D/kyoso-info.log" | grep 'event=opinion.computed' | grep "conversation=$CONV " |
	sed 's/^ts=\([^ ]*\) .* votes=\([0-9]*\) participants=\([0-9]*\) groups=\([0-9]*\) ms=\([0-9]*\).*/\1 \2 \3 \4 \5/' \
		>"$D/computed.txt" || true
N_COMPUTED=$(wc -l <"$D/computed.txt")
[ "$N_COMPUTED" -gt 0 ] || die "no event=opinion.computed line for conversation $CONV in $D/kyoso-info.log"
# the computation that produced the last burst's fresh result: the log line with its number of votes
read -r _ _ _ _ _ _ _ F_VOTES _ _ _ < <(tail -n 1 "$D/fresh.tsv")
L_MS=
read -r _ L_VOTES L_PART L_GROUPS L_MS < <(awk -v v="$F_VOTES" '$2 == v' "$D/computed.txt" | tail -n 1) || true
[ -n "$L_MS" ] || read -r _ L_VOTES L_PART L_GROUPS L_MS < <(tail -n 1 "$D/computed.txt") || true
BURST_MS_MED=$(awk '{print $5}' "$D/computed.txt" | median)
BURST_MS_MAX=$(awk '{print $5}' "$D/computed.txt" | sort -g | tail -n 1)
FRESH_MED=$(cut -f5 "$D/fresh.tsv" | median)

# ---- report ---------------------------------------------------------------------------------
col() { awk -F'\t' -v s="$1" -v c="$2" 'NR==1 {for (i=1;i<=NF;i++) if ($i==c) k=i; next} $2==s {print $k}' "$RAW"; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u/1000}'; }
rate() { # label: committed rows / wrk seconds, one line per round (in round order)
	paste <(col "$1" committed) <(col "$1" secs) | awk '{printf "%.1f\n", $1 / $2}'
}
rate kyoso >"$D/rate.txt"
rate kyoso-single >"$D/rate-single.txt"
ING=$(median <"$D/rate.txt")
ING1=$(median <"$D/rate-single.txt")
L1=$(awk -F'\t' '$1=="loop-1" {print $3}' "$D/loops.tsv" | median)
L1000=$(awk -F'\t' '$1=="loop-1000" {print $3}' "$D/loops.tsv" | median)
ack() { paste <(col "$1" requests) <(col "$1" errors) <(col "$1" secs) | awk '{printf "%.1f\n", ($1 - $2) / $3}' | median; }
ACK=$(ack kyoso)
ACK1=$(ack kyoso-single)
perround() { paste -sd ' ' "$1" | awk '{for (i=1;i<=NF;i++) printf "%s%.0f", (i>1 ? ", " : ""), $i}'; }
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN {printf f, b ? a/b : 0}'; }
{
	echo "# kyoso opinion-map vote ingestion (issue 5)"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $NCPU cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo); $(df -h "$D" | awk 'NR==2 {print $1}') for the databases"
	echo "- versions: $("$KYOSO" --version), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), SQLite $(sqlite3 --version | cut -d' ' -f1)"
	echo "- data: demo world + conversation $CONV in かもめ市 (open): $NSTMT accepted statements, $NUSERS generated users with sessions"
	echo "- load: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency -s bench/opinion/vote.lua\`, one $WARMUP warm-up, $ROUNDS rounds (ABBA with the loops); figures are medians of the rounds; kyoso KYOSO_THREADS=$THREADS, log level warn, SQLite WAL + synchronous=FULL"
	echo "- load average before: $LOAD_BEFORE; during the rounds (1 min, at each run's end): $(awk -F'\t' 'NR>1 {print $NF}' "$RAW" | paste -sd ' ' | sed 's/ /, /g'); after: $(loadavg)"
	echo
	echo "## Vote ingestion (PUT .../statements/{sid}/vote, a new (user, statement) pair per request)"
	echo
	echo "| what | votes/s (median of $ROUNDS) | per round |"
	echo "| --- | ---: | --- |"
	echo "| kyoso over HTTP, group commit on, rows committed | $(printf '%.0f' "$ING") | $(perround "$D/rate.txt") |"
	echo "| kyoso over HTTP, group commit on, 2xx answers | $(printf '%.0f' "$ACK") | |"
	echo "| kyoso over HTTP, group commit off (one transaction per vote), rows committed | $(printf '%.0f' "$ING1") | $(perround "$D/rate-single.txt") |"
	echo "| kyoso over HTTP, group commit off, 2xx answers | $(printf '%.0f' "$ACK1") | |"
	echo "| C loop (bench/delib/loop.c), 1 INSERT per commit | $(printf '%.0f' "$L1") | $(awk -F'\t' '$1=="loop-1" {printf "%s%.0f", (n++ ? ", " : ""), $3}' "$D/loops.tsv") |"
	echo "| C loop, 1,000 INSERTs per commit | $(printf '%.0f' "$L1000") | $(awk -F'\t' '$1=="loop-1000" {printf "%s%.0f", (n++ ? ", " : ""), $3}' "$D/loops.tsv") |"
	echo
	echo "- group commit on/off: **$(ratio "$ING" "$ING1" '%.1f')×**; on/loop-each: **$(ratio "$ING" "$L1" '%.2f')×**; on/loop-1000: **$(ratio "$ING" "$L1000" '%.3f')×**; off/loop-each: $(ratio "$ING1" "$L1" '%.2f')×"
	echo "- group-commit writer during the measured runs: $GC_OPS votes in $GC_BATCHES transactions ($(ratio "$GC_OPS" "$GC_BATCHES" '%.1f') per commit; /metrics)"
	echo "- group commit on: p50 $(ms "$(col kyoso p50_us | median)") ms, p99 $(ms "$(col kyoso p99_us | median)") ms, server CPU $(col kyoso cpu_us_per_req | median) µs/vote, wrk CPU $(col kyoso wrk_cpu_us_per_req | median) µs/vote, errors $(col kyoso errors | awk '{s+=$1} END {print s+0}')"
	echo "- group commit off: p50 $(ms "$(col kyoso-single p50_us | median)") ms, p99 $(ms "$(col kyoso-single p99_us | median)") ms, server CPU $(col kyoso-single cpu_us_per_req | median) µs/vote, errors $(col kyoso-single errors | awk '{s+=$1} END {print s+0}')"
	echo "- pairs used: $NEXT_K of $CAPACITY; votes in the conversation at the end: $F_ROWS; loop journal_mode: $LOOP_MODE (the loops insert delib_supports rows: one INSERT, where a vote is an UPDATE of the conversation row, two lookups and one INSERT, plus a participant row on a user's first vote)"
	echo
	echo "## Freshness of the map ($FRESH_N bursts of $FRESH, group commit on, log level info)"
	echo
	echo "After each burst: the last vote (MAX(updated_at)), then opinion_results polled every 50 ms until a result includes it (seq = change_seq), checked with GET .../results (\"fresh\": true)."
	echo
	echo "| burst | votes committed | last vote before wrk returned, ms | last vote → computed_at, ms | last vote → seen, ms | compute_ms (opinion_results) | votes in the map | participants | status, k |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s, %s |\n", $1, $2, $4, $5, $6, $7, $8, $9, $10, $11}' "$D/fresh.tsv"
	echo
	echo "- last vote → computed_at: **median $(printf '%.0f' "$FRESH_MED") ms** (range $(cut -f5 "$D/fresh.tsv" | sort -g | awk '{a[NR]=$1} END {print a[1] "–" a[NR]}') ms)"
	echo "- the last burst's computation: $L_VOTES votes, $L_PART participants, $NSTMT statements, $L_GROUPS groups: **$L_MS ms** in the server log (event=opinion.computed, including the write)"
	echo "- all computations of conversation $CONV during and after the bursts: $N_COMPUTED, median $BURST_MS_MED ms, max $BURST_MS_MAX ms (the worker: a pass every 250 ms, at most one computation per conversation per 1,000 ms; under load a computation shares the 2 cores with the server and wrk)"
	echo
	echo "Raw figures: bench/out/opinion-votes/raw.tsv, loops.tsv, computed.txt; wrk output: wrk-*.txt; server logs: kyoso-warn.log, kyoso-info.log."
} >"$RESULTS"
cat "$RESULTS"
