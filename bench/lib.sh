# Shell functions every benchmark script of bench/ sources: messages, free ports, the
# token, the cleanup of servers and PostgreSQL schemas, readiness, and the figures of wrk.

say() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# in_use PORT succeeds when something listens on 127.0.0.1:PORT.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port prints a port of 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 30000))
		in_use "$p" || {
			echo "$p"
			return
		}
	done
	die "no free port found"
}

# The processes a script started (PIDS) and the PostgreSQL schemas it made on PG_URL
# (PG_SCHEMAS, with PSQL), which cleanup stops and drops on exit.
PIDS=()
PG_URL=
PG_SCHEMAS=()
PSQL=psql
cleanup() {
	local pid schema
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	for schema in "${PG_SCHEMAS[@]}"; do
		"$PSQL" -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
	done
	pg_stop
}
pg_stop() { :; } # replaced by a script that starts a PostgreSQL cluster of its own
trap cleanup EXIT
trap 'exit 130' INT TERM

# random_hex N prints N random bytes in hex.
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# new_pg_schema LABEL creates a fresh schema bench_LABEL_<random> on PG_URL, which
# cleanup drops, and sets PG_SCHEMA to its name and PG_SCHEMA_URL to the URL of a
# connection that uses it. It sets variables rather than printing, so that it is not
# called in a subshell, which would lose the schema from PG_SCHEMAS.
new_pg_schema() {
	PG_SCHEMA="bench_$1_$(random_hex 6)"
	"$PSQL" -q "$PG_URL" -c "CREATE SCHEMA $PG_SCHEMA" >/dev/null || die "cannot create schema $PG_SCHEMA"
	PG_SCHEMAS+=("$PG_SCHEMA")
	case "$PG_URL" in
	*\?*) PG_SCHEMA_URL="$PG_URL&search_path=$PG_SCHEMA" ;;
	*) PG_SCHEMA_URL="$PG_URL?search_path=$PG_SCHEMA" ;;
	esac
}

# TOKEN is the operator administrator's API token of a run (CASCADE_ADMIN_TOKEN).
TOKEN="bench-$(random_hex 16)"

# need_wrk installs wrk when it is missing.
need_wrk() {
	command -v wrk >/dev/null 2>&1 && return
	say "installing wrk"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
}

# wait_ready NAME PID URL [CURL_ARGS...] waits until curl of URL succeeds, and fails
# when process PID (server NAME) exits or does not answer within two minutes.
wait_ready() {
	local name=$1 pid=$2 url=$3
	shift 3
	for _ in $(seq 1 600); do
		curl -sgf -o /dev/null "$@" "$url" && return
		kill -0 "$pid" 2>/dev/null || die "$name exited; see its log in $OUT"
		sleep 0.2
	done
	die "$name did not become ready"
}

# ticks PID... prints the CPU time, in clock ticks (1/100 s), the processes have
# used; one that is gone counts 0.
ticks() {
	local p t=0 f
	for p in "$@"; do
		{ read -ra f <"/proc/$p/stat"; } 2>/dev/null || continue
		t=$((t + f[13] + f[14]))
	done
	echo "$t"
}

# postgres_snapshot FILE writes the CPU ticks each process named postgres on this
# machine (the PostgreSQL server when it runs here, which other work may share) has
# used so far, one "PID TICKS" line each; postgres_since FILE prints the ticks they have used
# since that snapshot, counting in full those that started after it. A process that
# ended in between is lost (an autovacuum worker, a short session), rather than
# taken off as it would be from a plain sum.
postgres_snapshot() {
	local p f
	for p in $(pgrep -x postgres 2>/dev/null); do
		{ read -ra f <"/proc/$p/stat"; } 2>/dev/null || continue
		echo "$p $((f[13] + f[14]))"
	done >"$1"
}
postgres_since() {
	postgres_snapshot "$1.now"
	awk 'NR == FNR { before[$1] = $2; next } { t += $2 - before[$1] } END { print t + 0 }' "$1" "$1.now"
}

# machine_cpu prints the CPU time, in clock ticks, every CPU of this machine has
# spent busy (user, nice, system, interrupts, steal): all the work of a measurement,
# the load generator's too.
machine_cpu() {
	local f
	read -ra f </proc/stat
	echo $((f[1] + f[2] + f[3] + f[6] + f[7] + f[8]))
}

# result_of TARGET SEGMENTS prints the requests/s over all of a target's lines in the
# file SEGMENTS (each "TARGET ... RESULT key=value...", from report.lua), the mean of
# their p99s and their errors.
result_of() {
	awk -v t="$1" '$1 == t {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		req += v["requests"]; us += v["duration_us"]; p99 += v["p99_us"]; n++
		bad += v["socket_errors"] + v["non2xx"]
	} END { printf "%.1f %.0f %d\n", req / (us / 1e6), p99 / n, bad }' "$2"
}

# ratio A B FORMAT prints A / B; verdict EXPR prints PASS when the awk EXPR holds.
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi; }

# wrk_requests FILE prints the requests of the RESULT line in FILE.
wrk_requests() {
	awk '/^RESULT/ { for (i = 1; i <= NF; i++) if ($i ~ /^requests=/) { sub("requests=", "", $i); print $i } }' "$1"
}

# cpu_per_request TARGET ENGINE BIN SECONDS PPROF REQUESTS prints TARGET's CPU time
# per request: the samples of PPROF, a CPU profile of BIN SECONDS long, over the
# REQUESTS answered by a load of SECONDS+2 (wrk ran a little longer than the profile).
cpu_per_request() {
	go tool pprof -top -nodecount=0 "$3" "$5" 2>/dev/null |
		awk -v t="$1" -v e="$2" -v n="$6" -v s="$4" '/Total samples/ {
			v = $6; u = 1; if (v ~ /ms$/) u = 0.001; sub(/m?s$/, "", v)
			printf "%s %s: %.3f ms CPU per request (%s requests in %ss)\n", t, e, v * u * 1000 * (s + 2) / s / n, n, s + 2
		}'
}
