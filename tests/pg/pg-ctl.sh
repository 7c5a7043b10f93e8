#!/usr/bin/env bash
# pg-ctl.sh - a throwaway PostgreSQL 15 for tests, living entirely in one directory.
#
#   tests/pg/pg-ctl.sh start DIR   initdb (first time) + start; creates database `kyoso` with
#                                  pg_trgm; writes postgresql://postgres@127.0.0.1:PORT/kyoso
#                                  to DIR/url and prints it. On a running server: just prints it.
#   tests/pg/pg-ctl.sh stop DIR    stops the server (fast) and removes DIR. No-op if DIR is absent.
#
# The server listens on 127.0.0.1 only, on a free port, with trust auth for user postgres, and
# fsync off (test data is disposable). Tests may create and drop more databases through the URL.
# initdb refuses to run as root: when root, DIR is owned by the `postgres` OS user and the server
# binaries run through `runuser -u postgres --`.
# Environment: KY_PG_BIN overrides the directory of the PostgreSQL binaries; KY_PG_DURABLE=1
# keeps fsync, synchronous_commit and full_page_writes on (for benchmarks against durable SQLite).
set -euo pipefail

PGBIN=${KY_PG_BIN:-/usr/lib/postgresql/15/bin}
MARKER=.kyoso-pg-ctl

die() {
	echo "pg-ctl.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
[ -n "$2" ] || usage
dir=$(realpath -m -- "$2")
[ "$dir" != / ] || die "refusing to use / as the server directory"
data=$dir/data
log=$dir/postgresql.log

# Runs a command as the server's OS user.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

server_running() {
	[ -f "$data/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

conf_port() {
	sed -n "s/^port = \([0-9]*\).*/\1/p" "$data/postgresql.auto.conf" 2>/dev/null | tail -n 1
}

psql_admin() { # port db sql...
	local port=$1 db=$2
	shift 2
	PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
		-U postgres -d "$db" "$@"
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() {
	local attempt port
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$(conf_port)
		if [ -z "$port" ] || [ "$attempt" -gt 1 ] || port_in_use "$port"; then
			port=$((20000 + RANDOM % 40000))
			port_in_use "$port" && continue
		fi
		# postgresql.auto.conf is read last, so these settings win over postgresql.conf.
		local sock=$dir durable=off
		[ "${KY_PG_DURABLE:-0}" != 1 ] || durable=on
		# A Unix socket path is limited to 107 bytes; TCP is what clients use anyway.
		[ ${#dir} -le 80 ] || sock=
		as_owner tee "$data/postgresql.auto.conf" >/dev/null <<-EOF
			# written by tests/pg/pg-ctl.sh
			listen_addresses = '127.0.0.1'
			port = $port
			unix_socket_directories = '$sock'
			max_connections = 200
			fsync = $durable
			synchronous_commit = $durable
			full_page_writes = $durable
			log_min_messages = warning
			timezone = 'UTC'
		EOF
		# 9>&-: the server must not inherit (and hold forever) the start lock.
		if as_owner "$PGBIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s >/dev/null 2>&1 9>&-; then
			return 0
		fi
		# Lost a race for the port: try another one. Anything else is fatal.
		if ! grep -q 'could not bind\|Address already in use' "$log" 2>/dev/null; then
			tail -n 20 "$log" >&2 2>/dev/null || true
			die "PostgreSQL did not start (log: $log)"
		fi
	done
	die "no free TCP port found for PostgreSQL after 10 attempts"
}

do_start() {
	[ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 not found in $PGBIN (apt-get install postgresql-15)"
	mkdir -p -- "$dir"
	[ -f "$dir/$MARKER" ] || [ -z "$(ls -A -- "$dir")" ] ||
		die "$dir exists and was not created by pg-ctl.sh; refusing to use it"
	touch -- "$dir/$MARKER"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (install postgresql-15)"
		chown postgres: -- "$dir"
		chmod 755 -- "$dir"
		as_owner test -w "$dir" ||
			die "user postgres cannot write $dir (a parent directory is not accessible)"
	fi

	# One start at a time per directory.
	exec 9>>"$dir/.lock"
	flock 9

	if server_running && [ -s "$dir/url" ]; then
		cat -- "$dir/url"
		return 0
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		rm -rf -- "$data"
		if ! as_owner "$PGBIN/initdb" -D "$data" --locale=C.UTF-8 -E UTF8 --auth=trust \
			-U postgres --no-sync >"$dir/initdb.log" 2>&1; then
			cat -- "$dir/initdb.log" >&2
			die "initdb failed"
		fi
	fi
	server_running || start_server
	local port
	port=$(conf_port)
	[ -n "$port" ] || die "cannot read the port from $data/postgresql.auto.conf"

	if [ -z "$(psql_admin "$port" postgres -c "SELECT 1 FROM pg_database WHERE datname = 'kyoso'")" ]; then
		psql_admin "$port" postgres -c "CREATE DATABASE kyoso TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" ||
			die "cannot create database kyoso"
	fi
	psql_admin "$port" kyoso -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" ||
		die "cannot create extension pg_trgm (install postgresql-contrib)"

	local url="postgresql://postgres@127.0.0.1:$port/kyoso"
	printf '%s\n' "$url" >"$dir/url.tmp"
	chmod 644 -- "$dir/url.tmp"
	mv -f -- "$dir/url.tmp" "$dir/url"
	printf '%s\n' "$url"
}

do_stop() {
	[ -e "$dir" ] || return 0
	[ -f "$dir/$MARKER" ] || die "$dir was not created by pg-ctl.sh; refusing to remove it"
	if server_running; then
		as_owner "$PGBIN/pg_ctl" stop -D "$data" -m fast -w -t 60 -s >/dev/null ||
			die "pg_ctl stop failed (log: $log)"
	fi
	rm -rf -- "$dir"
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
*) usage ;;
esac
