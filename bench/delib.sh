#!/usr/bin/env bash
# delib.sh - the deliberation benchmark of issue 3, measured beside baselines in the same run.
#
#   1. Data: the demo world (kyoso seed --demo) plus one generated theme in process 1 of かもめ市
#      holding KY_DELIB_IDEAS ideas and KY_DELIB_SUPPORTS supports (support_count kept equal to the
#      rows), and a closed survey with 20 questions and KY_DELIB_RESPONSES responses. Generated with
#      SQL in the sqlite3 CLI once, cached in bench/out/delib/base.db, copied fresh for every run.
#   2. GET .../themes/{tid}/ideas?sort=supported&limit=20 against nginx serving the same bytes,
#      wrk -t2 -c64 as bench/run.sh (warm-up, rounds alternated ABBA), req/s, p99, ratio, server
#      CPU µs/request; plus the query plan and the query's own time in the sqlite3 CLI (on a
#      copy of the database).
#   3. Durable support ingestion: 64 connections POSTing supports (session cookie + CSRF header),
#      with group commit (the default) and, in the same rounds, with KYOSO_GROUP_COMMIT=false,
#      each request a new (user, idea) pair (bench/delib/support.lua), counted as committed rows;
#      beside it, in the same rounds, two plain C loops with the same pragmas (bench/delib/loop.c):
#      one commit per INSERT, and 1,000 INSERTs per commit.
#   4. Survey results and cross-tab on the 100,000-response survey: median of KY_DELIB_TIMES
#      curl time_total.
# Results: bench/out/delib-results.md (and stdout); raw figures bench/out/delib/raw.tsv.
#
# Settings (environment), defaults in brackets:
#   BUILD [build]  KY_BENCH_NO_BUILD [0]  KY_BENCH_THREADS [cores]  KY_BENCH_NGINX_WORKERS [cores]
#   KY_BENCH_WRK_THREADS [2]  KY_BENCH_CONNECTIONS [64]  KY_BENCH_DURATION [10s]
#   KY_BENCH_WARMUP [3s]  KY_BENCH_ROUNDS [3]  KY_BENCH_TIMEOUT [10s] (wrk --timeout: a slow
#   answer is recorded as latency, not dropped as an error)
#   KY_DELIB_IDEAS [100000]  KY_DELIB_SUPPORTS [1000000]  KY_DELIB_USERS [20000] (supporters)
#   KY_DELIB_RESPONSES [100000]  KY_DELIB_SESSIONS [2000] (logged-in users for the ingestion)
#   KY_DELIB_LOOP_SECS [10]  KY_DELIB_TIMES [10]
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
D=$OUT/delib
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KYOSO=$BUILD/kyoso
NCPU=$(nproc)
THREADS=${KY_BENCH_THREADS:-$NCPU}
NGINX_WORKERS=${KY_BENCH_NGINX_WORKERS:-$NCPU}
WRK_THREADS=${KY_BENCH_WRK_THREADS:-2}
CONNS=${KY_BENCH_CONNECTIONS:-64}
DURATION=${KY_BENCH_DURATION:-10s}
WARMUP=${KY_BENCH_WARMUP:-3s}
ROUNDS=${KY_BENCH_ROUNDS:-3}
TIMEOUT=${KY_BENCH_TIMEOUT:-10s}
IDEAS=${KY_DELIB_IDEAS:-100000}
SUPPORTS=${KY_DELIB_SUPPORTS:-1000000}
NUSERS=${KY_DELIB_USERS:-20000}
RESPONSES=${KY_DELIB_RESPONSES:-100000}
NSESS=${KY_DELIB_SESSIONS:-2000}
LOOP_SECS=${KY_DELIB_LOOP_SECS:-10}
TIMES=${KY_DELIB_TIMES:-10}
LIMIT=20
THEME=1000   # ids of the generated rows (the demo world uses small ids)
SURVEY=1000
IDEA_BASE=1000001
USER_BASE=100001
SESS_BASE=$((USER_BASE + NUSERS))
LIST_PATH="/api/v1/municipalities/kamome/processes/1/themes/$THEME/ideas"
URLPATH="$LIST_PATH?sort=supported&limit=$LIMIT"
SURVEY_PATH="/api/v1/municipalities/kamome/processes/1/surveys/$SURVEY"
WRK_ARGS=(-t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --timeout "$TIMEOUT" --latency)

log() { printf 'delib: %s\n' "$*" >&2; }
die() {
	printf 'delib: error: %s\n' "$*" >&2
	exit 1
}
mkdir -p "$D"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$OUT/delib-results.md
RAW=$D/raw.tsv

KY_PID=
NGINX_PID=
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
	stop_pid "$NGINX_PID"
	NGINX_PID=
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

# ---- tools and binaries ---------------------------------------------------------------------
"$ROOT/scripts/install-deps.sh" bench
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || die "wrk is missing (scripts/install-deps.sh bench)"
command -v sqlite3 >/dev/null || die "the sqlite3 CLI is missing (apt-get install sqlite3)"
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
BASE=$D/base.db
MARK=$D/generated-v2-$IDEAS-$SUPPORTS-$NUSERS-$RESPONSES-$NSESS
if [ ! -f "$MARK" ] || [ ! -f "$BASE" ]; then
	rm -f "$D"/generated-* "$BASE" "$BASE-wal" "$BASE-shm"
	log "seeding the demo world"
	KYOSO_PASSWORD_MEMLIMIT_KIB=8192 KYOSO_LOG_LEVEL=warn "$KYOSO" seed --demo --db "sqlite:$BASE" >/dev/null
	NOW=$(now_ms)
	log "generating theme $THEME: $IDEAS ideas, $SUPPORTS supports from $NUSERS users; survey $SURVEY: $RESPONSES responses"
	# 20 questions: 4 each of single (4 choices), multiple (5 choices, max 3), scale5, ranking
	# (4 choices, all ranked), text.
	QS=$(python3 - <<'PY'
import json
qs = []
for g in range(4):
    qs.append({"type": "single", "text": f"設問{len(qs)+1}: この案に賛成ですか", "required": True,
               "choices": ["賛成", "どちらかといえば賛成", "どちらかといえば反対", "反対"]})
    qs.append({"type": "multiple", "text": f"設問{len(qs)+1}: 使いたいものを選んでください", "required": False,
               "choices": ["広場", "ベンチ", "日陰", "トイレ", "駐輪場"], "max": 3})
    qs.append({"type": "scale5", "text": f"設問{len(qs)+1}: どのくらい困りますか", "required": True,
               "labels": ["まったく困らない", "あまり困らない", "どちらともいえない", "少し困る", "とても困る"]})
    qs.append({"type": "ranking", "text": f"設問{len(qs)+1}: 優先する順に並べてください", "required": False,
               "choices": ["安全", "にぎわい", "緑", "交通"], "top_n": 4})
    qs.append({"type": "text", "text": f"設問{len(qs)+1}: ご意見をお書きください", "required": False, "max_length": 1000})
print(json.dumps(qs, ensure_ascii=False, separators=(",", ":")))
PY
)
	# One answer element per question type; r is a random value per element. The subqueries
	# mention i (the row number) so that SQLite evaluates them per row, not once per statement.
	ANS=""
	for q in $(seq 0 19); do
		r="(abs(random()) % 1000000)"
		case $((q % 5)) in
		0) a="$r % 4" ;;
		1) a="(SELECT json_array(c, (c + 1 + d) % 5) FROM (SELECT ($r + 0 * i) % 5 AS c, $r % 4 AS d))" ;;
		2) a="1 + $r % 5" ;;
		3) a="(SELECT json_group_array((x + o) % 4) FROM (SELECT ($r + 0 * i) % 4 AS o), (SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3))" ;;
		4) a="CASE WHEN $r % 10 = 0 THEN '駅前にもっと日陰がほしいです' ELSE '' END" ;;
		esac
		case $((q % 5)) in
		0 | 2) ;;
		1 | 3) a="json($a)" ;;
		4) a="json(json_quote($a))" ;;
		esac
		ANS="$ANS${ANS:+, }$a"
	done
	sq "$BASE" >/dev/null <<EOF
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;
BEGIN;
INSERT INTO delib_themes (id, process_id, tenant_id, title, body, body_html, created_at, updated_at)
VALUES ($THEME, 1, 2, 'ベンチマーク用テーマ（生成データ）', '', '', $NOW, $NOW);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $NUSERS + $NSESS - 1)
INSERT INTO users (id, email, email_verified, password_hash, display_name, lang, created_at)
SELECT $USER_BASE + i, 'bench' || i || '@example.invalid', 1, NULL, 'ベンチ利用者' || i, 'ja', $NOW FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $IDEAS - 1)
INSERT INTO delib_ideas (id, theme_id, process_id, tenant_id, author_id, title, body, body_html, created_at, updated_at)
SELECT $IDEA_BASE + i, $THEME, 1, 2, $USER_BASE + i % $NUSERS, 'アイデア ' || i || ' 駅前広場にベンチと日陰を',
 '本文 ' || i, '<p>本文 ' || i || '</p>', $NOW - ($IDEAS - i) * 1000, $NOW - ($IDEAS - i) * 1000 FROM n;
-- Supports: idea index r*r/IDEAS for r uniform (a few ideas get many, most get few), random users;
-- 20% more candidates than needed, duplicates dropped, the first SUPPORTS kept.
CREATE TEMP TABLE cand AS
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < $SUPPORTS * 6 / 5)
SELECT DISTINCT $IDEA_BASE + (r * r) / $IDEAS AS idea_id, $USER_BASE + abs(random()) % $NUSERS AS user_id
FROM (SELECT abs(random()) % $IDEAS AS r FROM n);
INSERT INTO delib_supports (idea_id, user_id, theme_id, created_at)
SELECT idea_id, user_id, $THEME, $NOW FROM (SELECT * FROM cand LIMIT $SUPPORTS) ORDER BY idea_id, user_id;
DROP TABLE cand;
UPDATE delib_ideas SET support_count = (SELECT COUNT(*) FROM delib_supports s WHERE s.idea_id = delib_ideas.id)
 WHERE theme_id = $THEME;
INSERT INTO delib_surveys (id, process_id, tenant_id, title, opens_at, closes_at, eligibility, results_visibility,
 status, questions, districts, created_at, updated_at, published_at, closed_at)
VALUES ($SURVEY, 1, 2, 'ベンチマーク用意向調査（20問）', $NOW - 86400000 * 30, $NOW - 86400000, 'logged_in',
 'after_close', 'closed', '$QS', '["中央地区","港地区","北部地区","南部地区","東部地区"]',
 $NOW - 86400000 * 31, $NOW - 86400000, $NOW - 86400000 * 30, $NOW - 86400000);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $RESPONSES - 1)
INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, source, age_band, district, answers,
 created_at, updated_at)
SELECT $SURVEY, CASE WHEN i < $NUSERS THEN $USER_BASE + i END, lower(hex(randomblob(16))),
 CASE WHEN i < $NUSERS THEN 'online' ELSE 'paper' END,
 json_extract('["10代以下","20代","30代","40代","50代","60代","70代以上"]', '\$[' || (abs(random()) % 7) || ']'),
 json_extract('["中央地区","港地区","北部地区","南部地区","東部地区"]', '\$[' || (abs(random()) % 5) || ']'),
 json_array($ANS), $NOW - 86400000 * 2, $NOW - 86400000 * 2 FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
	touch "$MARK"
else
	log "reusing $BASE"
fi
DB=$D/work.db
rm -f "$DB" "$DB-wal" "$DB-shm"
cp "$BASE" "$DB"
read -r G_IDEAS G_SUM G_MAX < <(sq -separator ' ' "$DB" "SELECT COUNT(*), SUM(support_count), MAX(support_count) FROM delib_ideas WHERE theme_id = $THEME")
G_SUPPORTS=$(sq "$DB" "SELECT COUNT(*) FROM delib_supports WHERE theme_id = $THEME")
G_RESP=$(sq "$DB" "SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = $SURVEY")
[ "$G_SUM" = "$G_SUPPORTS" ] || die "support_count ($G_SUM) differs from the rows ($G_SUPPORTS)"
log "data: $G_IDEAS ideas, $G_SUPPORTS supports (max $G_MAX on one idea), $G_RESP survey responses; $(du -m "$DB" | cut -f1) MB"

printf 'phase\tserver\tround\trps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\tbytes_per_resp\terrors\tcpu_us_per_req\twrk_cpu_us_per_req\trequests\tsecs\n' >"$RAW"

cpu_ticks() {
	local pid t=0 u s
	for pid in "$@"; do
		read -r u s < <(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f12,13)
		t=$((t + u + s))
	done
	echo "$t"
}
nginx_workers() { ps -o pid= --ppid "$NGINX_PID" | tr -d ' '; }
children_cpu_s() {
	sed -n 2p "$1" | awk '{s=0; for (i=1;i<=2;i++) {split($i,a,"m"); sub("s","",a[2]); s+=a[1]*60+a[2]} printf "%.3f", s}'
}
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# wrk_run PHASE LABEL ROUND URL -s SCRIPT [-- SCRIPT_ARGS...] @@ PID...: one measured wrk run
wrk_run() {
	local phase=$1 label=$2 round=$3 url=$4 f c0 c1 w0 w1
	shift 4
	local -a wargs=()
	while [ "$1" != @@ ]; do
		wargs+=("$1")
		shift
	done
	shift
	f=$D/wrk-$phase-$label-$round.txt
	c0=$(cpu_ticks "$@")
	times >"$D/.times0"
	wrk "${WRK_ARGS[@]}" "${wargs[@]:0:2}" "$url" "${wargs[@]:2}" >"$f" 2>&1 || die "wrk failed against $url (see $f)"
	times >"$D/.times1"
	c1=$(cpu_ticks "$@")
	w0=$(children_cpu_s "$D/.times0")
	w1=$(children_cpu_s "$D/.times1")
	local line rps p50 p90 p99 p999 mx requests bytes errors secs cpr wpr
	line=$(grep '^KYBENCH ' "$f") || die "no summary line in $f"
	rps=$(kv "$line" rps) p50=$(kv "$line" p50_us) p90=$(kv "$line" p90_us) p99=$(kv "$line" p99_us)
	p999=$(kv "$line" p999_us) mx=$(kv "$line" max_us) requests=$(kv "$line" requests) bytes=$(kv "$line" bytes)
	secs=$(kv "$line" secs)
	errors=$(($(kv "$line" err_connect) + $(kv "$line" err_read) + $(kv "$line" err_write) +
		$(kv "$line" err_timeout) + $(kv "$line" non2xx)))
	cpr=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
	wpr=$(awk -v a="$w0" -v b="$w1" -v n="$requests" 'BEGIN {printf "%.1f", n ? (b - a) * 1e6 / n : 0}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$label" "$round" "$rps" "$p50" \
		"$p90" "$p99" "$p999" "$mx" "$((requests > 0 ? bytes / requests : 0))" "$errors" "$cpr" "$wpr" \
		"$requests" "$secs" >>"$RAW"
	log "$phase $label round $round: $rps req/s, p99 $((p99 / 1000)) ms, server CPU $cpr us/request, errors $errors"
}

KY_PORT=$(free_port)
KY_GC=
start_kyoso() { # group_commit (true|false): (re)starts kyoso on the same port and database
	[ "$KY_GC" = "$1" ] && [ -n "$KY_PID" ] && return 0
	stop_pid "$KY_PID"
	KYOSO_GROUP_COMMIT=$1 KYOSO_THREADS=$THREADS KYOSO_LOG_LEVEL=warn "$KYOSO" serve --db "sqlite:$DB" \
		--listen "127.0.0.1:$KY_PORT" --web-root "$D/no-web" >>"$D/kyoso.log" 2>&1 &
	KY_PID=$!
	KY_GC=$1
	wait_http "http://127.0.0.1:$KY_PORT/readyz" || {
		tail -n 20 "$D/kyoso.log" >&2
		die "kyoso did not become ready"
	}
}
: >"$D/kyoso.log"
start_kyoso true

# ---- 2. the most-supported list vs nginx ----------------------------------------------------
mkdir -p "$D/www" "$D/nginx/tmp"
code=$(curl -sS -o "$D/www/ideas.json" -D "$D/headers-kyoso.txt" -w '%{http_code}' "http://127.0.0.1:$KY_PORT$URLPATH")
[ "$code" = 200 ] || die "GET $URLPATH answered $code"
[ "$(grep -o '"theme_id":' "$D/www/ideas.json" | wc -l)" = "$LIMIT" ] || die "GET $URLPATH: not $LIMIT items"
NGINX_PORT=$(free_port)
cat >"$D/nginx/nginx.conf" <<EOF
# written by bench/delib.sh: a private nginx serving kyoso's response bytes from a file
worker_processes $NGINX_WORKERS;
daemon off;
pid $D/nginx/nginx.pid;
error_log $D/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    types { }
    sendfile on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $D/nginx/tmp/body;
    proxy_temp_path $D/nginx/tmp/proxy;
    fastcgi_temp_path $D/nginx/tmp/fastcgi;
    uwsgi_temp_path $D/nginx/tmp/uwsgi;
    scgi_temp_path $D/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = $LIST_PATH { alias $D/www/ideas.json; }
    }
}
EOF
"$NGINX" -p "$D/nginx" -e "$D/nginx/error.log" -c "$D/nginx/nginx.conf" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$NGINX_PORT$URLPATH" || die "nginx did not start"
curl -sS -o "$D/www/check.json" "http://127.0.0.1:$NGINX_PORT$URLPATH"
cmp -s "$D/www/check.json" "$D/www/ideas.json" || die "nginx does not serve the same bytes"

KURL="http://127.0.0.1:$KY_PORT$URLPATH"
NURL="http://127.0.0.1:$NGINX_PORT$URLPATH"
REP=(-s "$ROOT/bench/report.lua")
log "list: warm-up ($WARMUP each)"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$TIMEOUT" "$KURL" >/dev/null
wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$TIMEOUT" "$NURL" >/dev/null
mapfile -t WORKERS < <(nginx_workers)
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		wrk_run list kyoso "$r" "$KURL" "${REP[@]}" @@ "$KY_PID"
		wrk_run list nginx "$r" "$NURL" "${REP[@]}" @@ "${WORKERS[@]}"
	else
		wrk_run list nginx "$r" "$NURL" "${REP[@]}" @@ "${WORKERS[@]}"
		wrk_run list kyoso "$r" "$KURL" "${REP[@]}" @@ "$KY_PID"
	fi
done
stop_pid "$NGINX_PID"
NGINX_PID=

# The list's SQL (idea.c, sort=supported, anonymous visitor) on a copy of the database: its plan
# and its time (migration 11's index lets SQLite read the first 21 rows in order).
LIST_SQL="SELECT i.id, i.theme_id, i.process_id, i.title, i.body, i.body_html, i.category, i.district, i.state,
 i.answer, i.answered_at, i.source, i.support_count, i.comment_count, i.created_at, i.updated_at,
 i.author_id, u.display_name, CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END,
 CASE WHEN s.user_id IS NULL THEN 0 ELSE 1 END, i.hidden_at, i.hidden_reason
 FROM delib_ideas i LEFT JOIN users u ON u.id = i.author_id
 LEFT JOIN delib_supports s ON s.idea_id = i.id AND s.user_id = 0
 WHERE i.theme_id = $THEME AND (i.hidden_at IS NULL OR 0 = 1)
 AND (CAST(NULL AS TEXT) IS NULL OR i.category = CAST(NULL AS TEXT))
 AND (CAST(NULL AS TEXT) IS NULL OR i.district = CAST(NULL AS TEXT))
 AND ((CAST(NULL AS TEXT) IS NULL AND i.state <> 'withdrawn') OR i.state = CAST(NULL AS TEXT))
 AND (0 = 0 OR 0 >= 0) ORDER BY i.support_count DESC, i.id DESC LIMIT 21 OFFSET 0"
query_ms() { # db: best of 5 runs of the list query, in ms (sqlite3 .timer real)
	local i
	for i in 1 2 3 4 5; do
		printf '.timer on\n%s;\n' "$LIST_SQL" | sq "$1" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
	done | sort -g | head -n 1 | awk '{printf "%.2f", $1 * 1000}'
}
cp "$DB" "$D/plan.db"
rm -f "$D/plan.db-wal" "$D/plan.db-shm"
PLAN_NOW=$(sq "$D/plan.db" "EXPLAIN QUERY PLAN $LIST_SQL" | sed -n 's/^[|`]--//p' | paste -sd ';' | sed 's/;/; /g')
Q_NOW=$(query_ms "$D/plan.db")
rm -f "$D/plan.db" "$D/plan.db-wal" "$D/plan.db-shm"
log "list SQL: $Q_NOW ms ($PLAN_NOW)"

# ---- 3. durable support ingestion -----------------------------------------------------------
"$D/tokens" "$NSESS" >"$D/tokens.tsv"
cut -f1 "$D/tokens.tsv" >"$D/tokens.txt"
NOW=$(now_ms)
# now/expires are passed as strings: mawk's printf %d stops at 2^31 and turned the times into 1970
# (every generated session was expired, hence 401s in the first runs).
awk -F'\t' -v b="$SESS_BASE" -v now="$NOW" -v expires="$((NOW + 86400000))" '
	BEGIN {print "BEGIN;"}
	{printf "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (\x27%s\x27, %s, %s, %s, %s);\n", $2, b + NR - 1, now, now, expires}
	END {print "COMMIT;"}' "$D/tokens.tsv" | sq "$DB" >/dev/null
CSRF=$(head -n 1 "$D/tokens.txt" | rev) # any 43 characters, sent as cookie and header alike
SURL="http://127.0.0.1:$KY_PORT/"
tok1=$(head -n 1 "$D/tokens.txt")
code=$(curl -sS -o "$D/support-check.json" -w '%{http_code}' -X POST -H "Cookie: kyoso_session=$tok1; kyoso_csrf=$CSRF" \
	-H "X-CSRF-Token: $CSRF" "http://127.0.0.1:$KY_PORT/api/v1/municipalities/kamome/processes/1/ideas/$((IDEA_BASE + IDEAS - 1))/support")
[ "$code" = 200 ] || die "POST support answered $code: $(cat "$D/support-check.json")"
supports() { sq "$DB" "SELECT COUNT(*) FROM delib_supports WHERE theme_id = $THEME"; }
settle() { # before each ingestion measurement: write back what earlier runs left dirty (the
	# 107 MB database copy, the loops' databases), so no run pays for another's writeback
	sync
	sleep 2
}
ingest() { # round label (kyoso: group commit on; kyoso-single: off): one wrk run; appends to
	# raw.tsv and records the committed rows. Rounds of the two labels use disjoint ideas.
	local r=$1 label=$2 before after shift=$1
	if [ "$label" = kyoso ]; then start_kyoso true; else start_kyoso false; shift=$((r + 5)); fi
	settle
	before=$(supports)
	local m0 m1
	m0=$(gc_metrics)
	wrk_run ingest "$label" "$r" "$SURL" -s "$ROOT/bench/delib/support.lua" -- "$D/tokens.txt" "$CSRF" "$IDEA_BASE" \
		"$IDEAS" "$shift" "$WRK_THREADS" @@ "$KY_PID"
	after=$(supports)
	m1=$(gc_metrics)
	printf 'ingest\t%s\t%s\t%s\n' "$label" "$r" $((after - before)) >>"$D/committed.tsv"
	GC_OPS=$((GC_OPS + ${m1% *} - ${m0% *}))
	GC_BATCHES=$((GC_BATCHES + ${m1#* } - ${m0#* }))
}
gc_metrics() { # "ops batches" of the running kyoso's group-commit writer
	curl -sS "http://127.0.0.1:$KY_PORT/metrics" |
		awk '$1=="kyoso_group_commit_ops_total" {o=$2} $1=="kyoso_group_commit_batches_total" {b=$2} END {print o+0, b+0}'
}
GC_OPS=0
GC_BATCHES=0
loop_run() { # batch round
	local f=$D/loop-$1-$2.txt line
	settle
	"$D/loop" "$D/loop-$1.db" "$1" "$LOOP_SECS" >"$f" || die "bench/delib/loop.c failed"
	line=$(cat "$f")
	printf 'ingest\tloop-%s\t%s\t%s\n' "$1" "$2" "$(kv "$line" rows_per_s)" >>"$D/loops.tsv"
	log "loop batch=$1 round $2: $(kv "$line" rows_per_s) rows/s"
}
: >"$D/committed.tsv"
: >"$D/loops.tsv"
rm -f "$D"/loop-*.db*
log "ingest: warm-up ($WARMUP)"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$TIMEOUT" -s "$ROOT/bench/delib/support.lua" "$SURL" -- \
	"$D/tokens.txt" "$CSRF" "$IDEA_BASE" "$IDEAS" 0 "$WRK_THREADS" >/dev/null
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
read -r F_SUM F_ROWS < <(sq -separator ' ' "$DB" "SELECT (SELECT SUM(support_count) FROM delib_ideas WHERE theme_id = $THEME), (SELECT COUNT(*) FROM delib_supports WHERE theme_id = $THEME)")
SYNC=$(sq "$D/loop-1.db" "PRAGMA journal_mode")

# ---- 4. survey results and cross-tab --------------------------------------------------------
survey_ms() { # path: median of TIMES curl time_total, ms; the body of the last one kept
	local i f=$D/survey-$(echo "$1" | tr '/?=&' '____').json
	for i in $(seq "$TIMES"); do
		curl -sS -o "$f" -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$KY_PORT$SURVEY_PATH$1"
	done >"$f.times"
	grep -qv '^200 ' "$f.times" && die "GET $SURVEY_PATH$1 did not answer 200: $(head -c 300 "$f")"
	cut -d' ' -f2 "$f.times" | median | awk '{printf "%.1f", $1 * 1000}'
}
start_kyoso true
S_RESULTS=$(survey_ms /results)
S_CT_AGE=$(survey_ms "/crosstab?question=0&by=age_band")
S_CT_DIST=$(survey_ms "/crosstab?question=2&by=district")
S_CT_MULTI=$(survey_ms "/crosstab?question=1&by=age_band")
log "survey: results $S_RESULTS ms, crosstab $S_CT_AGE / $S_CT_DIST / $S_CT_MULTI ms"
stop_pid "$KY_PID"
KY_PID=

# ---- report ---------------------------------------------------------------------------------
col() { awk -F'\t' -v p="$1" -v s="$2" -v c="$3" 'NR==1 {for (i=1;i<=NF;i++) if ($i==c) k=i; next} $1==p && $2==s {print $k}' "$RAW"; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u/1000}'; }
range() { sort -g | awk '{a[NR]=$1} END {printf "%.0f–%.0f", a[1], a[NR]}'; }
verdict() { if [ "$1" = 1 ]; then echo met; else echo "**missed**"; fi; }
row() {
	printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$3" "$(col "$1" "$2" rps | median)" \
		"$(col "$1" "$2" rps | range)" "$(ms "$(col "$1" "$2" p99_us | median)")" "$(ms "$(col "$1" "$2" p50_us | median)")" \
		"$(col "$1" "$2" cpu_us_per_req | median)" "$(col "$1" "$2" wrk_cpu_us_per_req | median)" \
		"$(col "$1" "$2" bytes_per_resp | median)" "$(col "$1" "$2" errors | awk '{s+=$1} END {print s+0}')"
}
R_LIST=$(awk -v a="$(col list kyoso rps | median)" -v b="$(col list nginx rps | median)" 'BEGIN {printf "%.4f", a/b}')
P99_LIST=$(col list kyoso p99_us | median)
# committed supports per second, per round (rows added to the table / wrk's duration)
rate() { # label: committed rows / wrk seconds, one line per round (in round order)
	paste <(col ingest "$1" secs) <(awk -F'\t' -v l="$1" '$2==l {print $4}' "$D/committed.tsv") |
		awk '{printf "%.1f\n", $2 / $1}'
}
rate kyoso >"$D/ingest-rate.txt"
rate kyoso-single >"$D/ingest-rate-single.txt"
ING=$(median <"$D/ingest-rate.txt")
ING1=$(median <"$D/ingest-rate-single.txt")
L1=$(awk -F'\t' '$2=="loop-1" {print $4}' "$D/loops.tsv" | median)
L1000=$(awk -F'\t' '$2=="loop-1000" {print $4}' "$D/loops.tsv" | median)
ACK=$(paste <(col ingest kyoso requests) <(col ingest kyoso errors) <(col ingest kyoso secs) | awk '{printf "%.1f\n", ($1 - $2) / $3}' | median)
{
	echo "# kyoso deliberation bench results (issue 3)"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $NCPU cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo); $(df -h "$D" | awk 'NR==2 {print $1}') for the databases"
	echo "- versions: $("$KYOSO" --version), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), SQLite $(sqlite3 --version | cut -d' ' -f1)"
	echo "- data: demo world + theme $THEME in process 1 of かもめ市: $G_IDEAS ideas, $G_SUPPORTS supports (most on one idea: $G_MAX); survey $SURVEY (20 questions, closed): $G_RESP responses; database $(du -m "$BASE" | cut -f1) MB"
	echo "- load: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency\`, one $WARMUP warm-up, $ROUNDS rounds (ABBA); figures are medians of the rounds; kyoso KYOSO_THREADS=$THREADS, log level warn; nginx $NGINX_WORKERS workers"
	echo "- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "## Most-supported list: \`GET $URLPATH\`"
	echo
	echo "| server | req/s (median) | req/s range | p99 ms | p50 ms | server CPU µs/request | wrk CPU µs/request | bytes/response | errors |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	row list kyoso "kyoso, SQLite"
	row list nginx "nginx, same bytes"
	echo
	echo "- ratio kyoso/nginx: **$(printf '%.4f' "$R_LIST")**"
	echo "- the query (idea.c, sort=supported): $Q_NOW ms in the sqlite3 CLI (best of 5); plan: $PLAN_NOW"
	echo
	echo "## Durable support ingestion (POST .../ideas/{id}/support, $CONNS connections, synchronous=FULL, WAL)"
	echo
	echo "| what | supports/s (median of $ROUNDS) | per round |"
	echo "| --- | ---: | --- |"
	echo "| kyoso over HTTP, rows committed | $(printf '%.0f' "$ING") | $(paste -sd ' ' "$D/ingest-rate.txt" | sed 's/ /, /g') |"
	echo "| kyoso over HTTP, 2xx answers | $(printf '%.0f' "$ACK") | |"
	echo "| kyoso over HTTP, group commit off (one transaction per request), rows committed | $(printf '%.0f' "$ING1") | $(paste -sd ' ' "$D/ingest-rate-single.txt" | sed 's/ /, /g') |"
	echo "| C loop, 1 INSERT per commit | $(printf '%.0f' "$L1") | $(awk -F'\t' '$2=="loop-1" {printf "%s%.0f", (n++ ? ", " : ""), $4}' "$D/loops.tsv") |"
	echo "| C loop, 1,000 INSERTs per commit | $(printf '%.0f' "$L1000") | $(awk -F'\t' '$2=="loop-1000" {printf "%s%.0f", (n++ ? ", " : ""), $4}' "$D/loops.tsv") |"
	echo
	echo "- kyoso/loop-each: **$(awk -v a="$ING" -v b="$L1" 'BEGIN {printf "%.2f", a/b}')**; kyoso/loop-1000: **$(awk -v a="$ING" -v b="$L1000" 'BEGIN {printf "%.3f", a/b}')**; group commit on/off: **$(awk -v a="$ING" -v b="$ING1" 'BEGIN {printf "%.1f", a/b}')×**; off/loop-each: $(awk -v a="$ING1" -v b="$L1" 'BEGIN {printf "%.2f", a/b}')"
	echo "- group-commit writer during the measured runs: $GC_OPS supports in $GC_BATCHES transactions ($(awk -v a="$GC_OPS" -v b="$GC_BATCHES" 'BEGIN {printf "%.1f", b ? a/b : 0}') per commit; /metrics)"
	echo "- p99 of a support request: $(ms "$(col ingest kyoso p99_us | median)") ms, p50 $(ms "$(col ingest kyoso p50_us | median)") ms; server CPU $(col ingest kyoso cpu_us_per_req | median) µs/request; errors $(col ingest kyoso errors | awk '{s+=$1} END {print s+0}')"
	echo "- after the runs: SUM(support_count) = $F_SUM, rows = $F_ROWS (theme $THEME); loop journal_mode: $SYNC"
	echo
	echo "## Survey (20 questions, $G_RESP responses; median of $TIMES, curl time_total)"
	echo
	echo "| request | ms |"
	echo "| --- | ---: |"
	echo "| \`GET .../surveys/$SURVEY/results\` | $S_RESULTS |"
	echo "| \`GET .../crosstab?question=0&by=age_band\` (single) | $S_CT_AGE |"
	echo "| \`GET .../crosstab?question=2&by=district\` (scale5) | $S_CT_DIST |"
	echo "| \`GET .../crosstab?question=1&by=age_band\` (multiple) | $S_CT_MULTI |"
	echo
	echo "## Goals"
	echo
	echo "- list ≥ 0.5× nginx: $(printf '%.4f' "$R_LIST")× — $(verdict "$(awk -v r="$R_LIST" 'BEGIN {print (r >= 0.5)}')")"
	echo "- list p99 < 10 ms at $CONNS connections: $(ms "$P99_LIST") ms — $(verdict "$(awk -v p="$P99_LIST" 'BEGIN {print (p < 10000)}')")"
	echo "- ≥ 20,000 durable supports/s: $(printf '%.0f' "$ING") — $(verdict "$(awk -v a="$ING" 'BEGIN {print (a >= 20000)}')")"
	echo "- cross-tab < 200 ms: $S_CT_AGE ms — $(verdict "$(awk -v a="$S_CT_AGE" -v b="$S_CT_DIST" -v c="$S_CT_MULTI" 'BEGIN {print (a < 200 && b < 200 && c < 200)}')"); results page: $S_RESULTS ms"
	echo
	echo "Raw figures: bench/out/delib/raw.tsv, committed.tsv, loops.tsv; wrk output: bench/out/delib/wrk-*.txt."
} >"$RESULTS"
cat "$RESULTS"
